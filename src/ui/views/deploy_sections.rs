//! The wizard's first two sections: the template (from the library the Templates panel reads) with the version and
//! description users will see, and the merchants, picked from the authorized mini programs with a filter, one
//! checkbox each and "all with set 18", each marked ready or blocked and why.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::{AccountKind, AuthorizerRow, Command, TemplateKind, TemplatesCommand};
use crate::t;
use crate::ui::deploy_plan::{DeployForm, Problems};
use crate::ui::deploy_ready::{self, Blocked, CODE_MANAGEMENT};
use crate::ui::remote::Remote;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::deploy_wizard::Ctx;
use crate::ui::views::template_tables;
use crate::ui::views::{Outbox, Panel, UiAction};
use crate::ui::widgets::{chip_ui, remote_line_ui, tone_text};

/// The problems whose paths `wanted` picks, one line each in the bad tone.
pub(crate) fn problems_ui(ui: &mut egui::Ui, problems: &Problems, wanted: impl Fn(&str) -> bool) {
    for (path, why) in problems.iter().filter(|(path, _)| wanted(path)) {
        ui.add(egui::Label::new(tone_text(format!("⚠ {why}"), Tone::Bad)).wrap())
            .on_hover_text(path);
    }
}

/// A label for an input, in the muted colour of form labels.
pub(crate) fn field_label_ui(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.label(RichText::new(text).strong())
}

pub(crate) fn template_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm, out: &mut Outbox) {
    let templates = &ctx.state.templates;
    ui.label(RichText::new(t!("deploy.template_intro")).weak());
    ui.add_space(4.0);
    remote_line_ui(
        ui,
        &templates.library,
        Some(Command::Templates(TemplatesCommand::Load)),
        &mut out.commands,
    );
    let library = templates.templates();
    if library.is_empty() && matches!(templates.library, Remote::Ready(_)) {
        ui.label(RichText::new(t!("deploy.template_none")).weak());
        if ui.button(t!("deploy.go_templates")).clicked() {
            out.act(UiAction::Go(Panel::TEMPLATES));
        }
    }
    if let Some(id) = form.template
        && !library.is_empty()
        && ctx.template.is_none()
    {
        ui.label(tone_text(t!("deploy.template_gone", id = id), Tone::Bad));
    }
    let mut newest_first: Vec<_> = library.iter().collect();
    newest_first.sort_by_key(|t| std::cmp::Reverse(t.create_time));
    for template in newest_first {
        let kind = TemplateKind::of(template);
        let chosen = form.template == Some(template.template_id);
        ui.horizontal(|ui| {
            let text = format!(
                "#{} · {} {}",
                template.template_id, template.user_version, template.user_desc
            );
            if ui.radio(chosen, text).clicked() && !chosen {
                form.choose_template(template.template_id, library);
            }
            let tone = match kind {
                TemplateKind::Standard => Tone::Warning,
                TemplateKind::Ordinary => Tone::Neutral,
            };
            chip_ui(ui, template_tables::kind_text(kind), tone);
            let created = match ctx.state.hide_volatile {
                true => "—".to_owned(),
                false => time_text::date(template.create_time),
            };
            ui.label(RichText::new(created).weak().small());
        });
    }
    problems_ui(ui, ctx.problems, |path| path == "template_id");
    ui.add_space(10.0);
    egui::Grid::new("deploy-version")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = field_label_ui(ui, t!("deploy.user_version"));
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut form.user_version).desired_width(220.0))
                    .labelled_by(label.id);
                problems_ui(ui, ctx.problems, |path| path == "user_version");
            });
            ui.end_row();
            let label = field_label_ui(ui, t!("deploy.user_desc"));
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut form.user_desc).desired_width(360.0))
                    .labelled_by(label.id);
                problems_ui(ui, ctx.problems, |path| path == "user_desc");
            });
            ui.end_row();
        });
    ui.label(RichText::new(t!("deploy.user_version_hint")).weak().small());
}

/// The picker's filter and the rows it shows, recomputed only when either changes.
#[derive(Debug, Default)]
pub struct Picker {
    pub filter: String,
    key: Option<(u64, String)>,
    /// Indices into the merchant list: authorized mini programs matching the filter, by name.
    rows: Vec<usize>,
}

impl Picker {
    fn refresh(&mut self, version: u64, list: &[AuthorizerRow]) {
        let needle = self.filter.trim().to_lowercase();
        if self.key.as_ref().is_some_and(|(v, f)| *v == version && *f == needle) {
            return;
        }
        self.rows = (0..list.len())
            .filter(|&i| {
                let row = &list[i];
                let pickable = row.kind == AccountKind::MiniProgram && row.revoked_at.is_none();
                pickable
                    && (needle.is_empty()
                        || [&row.nick_name, &row.appid, &row.principal_name]
                            .iter()
                            .any(|field| field.to_lowercase().contains(&needle)))
            })
            .collect();
        // By name, then appid: the same order on every console and every run, whatever order the hub listed them in.
        self.rows
            .sort_by(|&a, &b| (&list[a].nick_name, &list[a].appid).cmp(&(&list[b].nick_name, &list[b].appid)));
        self.key = Some((version, needle));
    }
}

pub(crate) fn merchants_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm, picker: &mut Picker) {
    picker.refresh(ctx.state.merchants.version, ctx.rows);
    let with_set_18: Vec<&str> = picker
        .rows
        .iter()
        .map(|&i| &ctx.rows[i])
        .filter(|row| row.func_ids.contains(&CODE_MANAGEMENT))
        .map(|row| row.appid.as_str())
        .collect();
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut picker.filter)
                .hint_text(t!("deploy.merchants_filter"))
                .desired_width(280.0),
        );
        let all = t!("deploy.choose_set_18", count = with_set_18.len());
        if ui
            .add_enabled(!with_set_18.is_empty(), egui::Button::new(all))
            .on_hover_text(t!("deploy.choose_set_18_hint"))
            .clicked()
        {
            form.choose_all(with_set_18.iter().copied());
        }
        if ui
            .add_enabled(!form.appids.is_empty(), egui::Button::new(t!("deploy.clear_choice")))
            .clicked()
        {
            form.appids.clear();
        }
    });
    let (ready, blocked) = (ctx.preflight.ready.len(), ctx.preflight.blocked.len());
    let chosen = match blocked {
        0 => t!("deploy.chosen", count = ready),
        _ => t!("deploy.chosen_blocked", count = ready + blocked, blocked = blocked),
    };
    ui.label(RichText::new(chosen).strong());
    appid_problems_ui(ui, ctx);
    outside_ui(ui, ctx, form);
    ui.add_space(4.0);
    if picker.rows.is_empty() {
        ui.label(RichText::new(t!("deploy.merchants_none")).weak());
        return;
    }
    picker_table_ui(ui, ctx, form, &picker.rows);
}

/// The hub's `appids[i]` problems against the merchants the refused plan named; the console's own `appids` one.
fn appid_problems_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>) {
    problems_ui(ui, ctx.problems, |path| path == "appids");
    let Some(refused) = ctx.refused else {
        return;
    };
    for (path, why) in &refused.error.fields {
        let Some(index) = path
            .strip_prefix("appids[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        let appid = refused.appids.get(index).map(String::as_str).unwrap_or("?");
        let name = ctx
            .rows
            .iter()
            .find(|row| row.appid == appid)
            .map_or(appid, |row| row.nick_name.as_str());
        let line = t!("deploy.appid_refused", name = name, appid = appid, why = why);
        ui.add(egui::Label::new(tone_text(format!("⚠ {line}"), Tone::Bad)).wrap());
    }
}

/// Chosen merchants the picker does not list (an official account or a revoked one, chosen in the Merchants panel):
/// they are left out of the plan; one click takes them out of the choice too.
fn outside_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm) {
    let outside: Vec<&str> = ctx
        .preflight
        .blocked
        .iter()
        .filter(|(_, why)| {
            matches!(
                why,
                Blocked::NotAuthorized | Blocked::Revoked | Blocked::OfficialAccount
            )
        })
        .map(|(appid, _)| appid.as_str())
        .collect();
    if outside.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(tone_text(
            t!("deploy.chosen_outside", count = outside.len()),
            Tone::Warning,
        ));
        if ui.button(t!("deploy.drop_outside")).clicked() {
            form.appids.retain(|appid| !outside.contains(&appid.as_str()));
        }
    });
}

fn picker_table_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm, shown: &[usize]) {
    // egui_extras draws the column lines down the whole clip rect: keep them above the wizard's bottom bar.
    let area = ui.available_rect_before_wrap();
    ui.scope_builder(egui::UiBuilder::new().max_rect(area), |ui| {
        ui.set_clip_rect(area.intersect(ui.clip_rect()));
        picker_rows_ui(ui, ctx, form, shown);
    });
}

fn picker_rows_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm, shown: &[usize]) {
    TableBuilder::new(ui)
        .id_salt("deploy-picker")
        .striped(true)
        .resizable(true)
        .min_scrolled_height(0.0)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(220.0).at_least(140.0).clip(true))
        .column(Column::initial(170.0).at_least(140.0).clip(true))
        .column(Column::initial(180.0).at_least(80.0).clip(true))
        .column(Column::remainder().at_least(120.0).clip(true))
        .header(26.0, |mut header| {
            for title in [
                t!("deploy.col_merchant"),
                t!("merchants.col_appid"),
                t!("merchants.col_principal"),
                t!("deploy.col_ready"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(28.0, shown.len(), |mut row| {
                let merchant = &ctx.rows[shown[row.index()]];
                let chosen = form.is_chosen(&merchant.appid);
                row.set_selected(chosen);
                row.col(|ui| {
                    ui.visuals_mut().override_text_color = None;
                    let mut checked = chosen;
                    let name = match merchant.nick_name.is_empty() {
                        true => t!("deploy.no_name"),
                        false => merchant.nick_name.as_str(),
                    };
                    if ui.checkbox(&mut checked, name).clicked() {
                        form.toggle(&merchant.appid);
                    }
                });
                row.col(|ui| {
                    ui.label(RichText::new(&merchant.appid).monospace());
                });
                row.col(|ui| {
                    ui.visuals_mut().override_text_color = None;
                    ui.add(egui::Label::new(&merchant.principal_name).truncate());
                });
                row.col(|ui| match deploy_ready::blocked(Some(merchant)) {
                    None => {
                        chip_ui(ui, t!("deploy.ready"), Tone::Good);
                    }
                    Some(why) => {
                        chip_ui(ui, why.text(), Tone::Warning);
                    }
                });
            });
        });
}
