//! The Templates panel (模板库): the draft box above, the template library below with a meter of its 200 slots
//! (wechat-api.md §5). A draft is added to the library as an ordinary or a standard template; a template is deleted
//! after a confirmation that says what it breaks, or handed to the Deployments wizard with "Deploy…". Both lists
//! are read again when the panel opens, on Refresh, and after every add or delete.

use egui::RichText;

use crate::engine::protocol::{Command, TemplateChange, TemplateKind, TemplatesCommand};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::template_tables::{self, DraftColumn, RowClick, TemplateColumn};
use crate::ui::views::{Outbox, Panel, UiAction, View};
use crate::ui::widgets::confirm::{Confirm, confirm_ui};
use crate::ui::widgets::table::{RowOrder, Sort, TableState};
use crate::ui::widgets::{error_detail_ui, error_text, remote_line_ui, tone_text};
use crate::wechat::api::template::TEMPLATE_LIBRARY_LIMIT;
use crate::wechat::ids::{DraftId, TemplateId};

impl Panel {
    pub const TEMPLATES: Panel = Panel("templates");
}

/// The share of the height the draft box gets; the library, the list deployments start from, gets the rest.
const DRAFTS_SHARE: f32 = 0.4;
/// The least height either list is given, so a short window still shows a few rows of each.
const MIN_LIST_HEIGHT: f32 = 130.0;

/// The panel's own state: each table's order, sort and selection, and the dialog open, if any.
#[derive(Debug)]
pub struct TemplatesView {
    pub drafts: RowOrder<(u64, Sort<DraftColumn>)>,
    pub draft_sort: Sort<DraftColumn>,
    pub draft_table: TableState<DraftId>,
    pub templates: RowOrder<(u64, Sort<TemplateColumn>)>,
    pub template_sort: Sort<TemplateColumn>,
    pub template_table: TableState<TemplateId>,
    /// The draft whose "Add to template library…" dialog is open, and the kind chosen in it.
    pub adding: Option<(DraftId, TemplateKind)>,
    /// The template whose deletion waits for confirmation.
    pub deleting: Option<TemplateId>,
}

impl Default for TemplatesView {
    fn default() -> Self {
        TemplatesView {
            drafts: RowOrder::default(),
            draft_sort: Sort::descending(DraftColumn::Uploaded),
            draft_table: TableState::default(),
            templates: RowOrder::default(),
            template_sort: Sort::descending(TemplateColumn::Created),
            template_table: TableState::default(),
            adding: None,
            deleting: None,
        }
    }
}

impl View for TemplatesView {
    fn panel(&self) -> Panel {
        Panel::TEMPLATES
    }

    fn title(&self) -> &'static str {
        t!("nav.templates")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        templates_ui(ui, state, self, out);
    }

    /// Another operator, or DevTools, may have changed either list since it was last read.
    fn opened(&mut self, state: &AppState, out: &mut Outbox) {
        // Its first frame may already have asked, seeing nothing read yet.
        if can_read(state) && !out.commands.contains(&load()) {
            out.send(load());
        }
    }
}

fn load() -> Command {
    Command::Templates(TemplatesCommand::Load)
}

/// A profile is active and no read is on its way.
fn can_read(state: &AppState) -> bool {
    state.profiles.profile.value().is_some() && !state.templates.library.is_loading()
}

fn templates_ui(ui: &mut egui::Ui, state: &AppState, view: &mut TemplatesView, out: &mut Outbox) {
    let templates = &state.templates;
    // Opened before the profile was active, or a new hub forgot the lists: read them now.
    if matches!(templates.library, Remote::NotLoaded) && can_read(state) {
        out.send(load());
    }
    ui.horizontal(|ui| {
        ui.heading(t!("templates.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add_enabled(can_read(state), egui::Button::new(t!("common.refresh")))
                .clicked()
            {
                out.send(load());
            }
        });
    });
    ui.label(RichText::new(t!("templates.intro")).weak());
    remote_line_ui(ui, &templates.library, Some(load()), &mut out.commands);
    change_line_ui(ui, state);
    add_dialog_ui(ui.ctx(), state, view, out);
    delete_dialog_ui(ui.ctx(), state, view, out);
    ui.add_space(4.0);

    let Some(library) = templates.library.value() else {
        return;
    };
    // Adds and deletes wait for the one before them: each reads the lists again when it is done.
    let idle = !templates.change.is_loading();
    let area = ui.available_rect_before_wrap();
    let drafts_height = (area.height() * DRAFTS_SHARE).max(MIN_LIST_HEIGHT);
    ui.allocate_ui(egui::vec2(area.width(), drafts_height), |ui| {
        section_heading_ui(ui, t!("templates.drafts"), |ui| {
            let count = t!("templates.drafts_count", count = library.drafts.len());
            ui.label(RichText::new(count).weak());
            ui.label(RichText::new(t!("templates.drafts_hint")).weak().small());
        });
        if library.drafts.is_empty() {
            ui.label(RichText::new(t!("templates.drafts_empty")).weak());
            return;
        }
        let click = template_tables::drafts_ui(ui, library, templates.version, view, idle, state.hide_volatile);
        if let Some(RowClick::Add(draft_id)) = click {
            view.adding = Some((draft_id, TemplateKind::Ordinary));
        }
    });
    ui.add_space(10.0);

    section_heading_ui(ui, t!("templates.library"), |ui| meter_ui(ui, library.templates.len()));
    if templates.is_full() {
        ui.label(tone_text(t!("templates.full"), Tone::Bad));
    }
    if library.templates.is_empty() {
        ui.label(RichText::new(t!("templates.library_empty")).weak());
        return;
    }
    let click = template_tables::templates_ui(ui, library, templates.version, view, idle, state.hide_volatile);
    match click {
        Some(RowClick::Deploy(template_id)) => out.act(UiAction::DeployTemplate(template_id)),
        Some(RowClick::Delete(template_id)) => view.deleting = Some(template_id),
        Some(RowClick::Add(_)) | None => {}
    }
}

fn section_heading_ui(ui: &mut egui::Ui, title: &str, add: impl FnOnce(&mut egui::Ui)) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).size(16.0).strong());
        ui.add_space(6.0);
        add(ui);
    });
    ui.add_space(2.0);
}

/// "5 / 200 used" and a bar that turns to the warning tone in the last tenth and to the bad tone when full.
fn meter_ui(ui: &mut egui::Ui, used: usize) {
    let limit = TEMPLATE_LIBRARY_LIMIT;
    let tone = if used >= limit {
        Tone::Bad
    } else if used * 10 >= limit * 9 {
        Tone::Warning
    } else {
        Tone::Good
    };
    let hint = t!("templates.slots_hint", limit = limit);
    ui.add(
        egui::ProgressBar::new(used.min(limit) as f32 / limit as f32)
            .desired_width(160.0)
            .desired_height(10.0)
            .fill(tone.color()),
    )
    .on_hover_text(&hint);
    ui.label(tone_text(t!("templates.slots", used = used, limit = limit), tone))
        .on_hover_text(hint);
}

/// The last add or delete: on its way, done (naming the new template once the library is read again), or why not.
fn change_line_ui(ui: &mut egui::Ui, state: &AppState) {
    let templates = &state.templates;
    let Some(attempted) = templates.attempted else {
        return;
    };
    match &templates.change {
        Remote::NotLoaded => {}
        Remote::Loading { .. } => {
            let text = match attempted {
                TemplateChange::Added { draft_id, .. } => t!("templates.adding", id = draft_id),
                TemplateChange::Deleted { template_id } => t!("templates.deleting", id = template_id),
            };
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new(text).weak());
            });
        }
        Remote::Failed { error, .. } => {
            let why = error_text(error);
            let text = match attempted {
                TemplateChange::Added { draft_id, .. } => t!("templates.add_failed", id = draft_id, error = why),
                TemplateChange::Deleted { template_id } => {
                    t!("templates.delete_failed", id = template_id, error = why)
                }
            };
            ui.add(egui::Label::new(tone_text(text, Tone::Bad)).wrap());
            error_detail_ui(ui, error);
        }
        Remote::Ready(done) => {
            let text = match *done {
                TemplateChange::Added { draft_id, kind } => {
                    let kind = template_tables::kind_text(kind);
                    match templates.added_template() {
                        Some(made) => t!(
                            "templates.added_as",
                            draft = draft_id,
                            template = made.template_id,
                            kind = kind
                        ),
                        None => t!("templates.added", draft = draft_id, kind = kind),
                    }
                }
                TemplateChange::Deleted { template_id } => t!("templates.deleted", id = template_id),
            };
            ui.label(tone_text(text, Tone::Good));
        }
    }
}

/// "Add draft #N to the template library": the kind, what each kind means, and the slots it will use.
fn add_dialog_ui(ctx: &egui::Context, state: &AppState, view: &mut TemplatesView, out: &mut Outbox) {
    let Some((draft_id, kind)) = view.adding.as_mut() else {
        return;
    };
    let draft_id = *draft_id;
    let library = state.templates.library.value();
    let draft = library.and_then(|l| l.drafts.iter().find(|d| d.draft_id == draft_id));
    let used = state.templates.used_slots().unwrap_or_default();
    let full = state.templates.is_full();
    let frame = egui::Frame::popup(&ctx.global_style())
        .inner_margin(egui::Margin::same(18))
        .corner_radius(8);
    let modal = egui::Modal::new(egui::Id::unique("add-template"))
        .frame(frame)
        .show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.label(
                RichText::new(t!("templates.add_title", id = draft_id))
                    .size(17.0)
                    .strong(),
            );
            if let Some(draft) = draft {
                let source = if draft.source_miniprogram.is_empty() {
                    &draft.source_miniprogram_appid
                } else {
                    &draft.source_miniprogram
                };
                let summary = t!(
                    "templates.add_draft",
                    version = draft.user_version,
                    desc = draft.user_desc,
                    source = source
                );
                ui.label(RichText::new(summary).weak());
            }
            ui.add_space(10.0);
            ui.label(RichText::new(t!("templates.add_kind")).strong());
            for (choice, explain) in [
                (TemplateKind::Ordinary, t!("templates.ordinary_explain")),
                (TemplateKind::Standard, t!("templates.standard_explain")),
            ] {
                ui.radio_value(kind, choice, template_tables::kind_text(choice));
                ui.indent(("kind-explain", choice.code()), |ui| {
                    ui.label(RichText::new(explain).weak().small());
                });
            }
            ui.add_space(8.0);
            if full {
                ui.label(tone_text(t!("templates.full"), Tone::Bad));
            } else {
                let after = t!("templates.add_slots", used = used + 1, limit = TEMPLATE_LIBRARY_LIMIT);
                ui.label(RichText::new(after).small());
            }
            ui.add_space(12.0);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let add = egui::Button::new(RichText::new(t!("templates.add_confirm")).color(egui::Color32::WHITE))
                    .fill(crate::ui::theme::ACCENT);
                let confirmed = ui
                    .add_enabled(!full && !state.templates.change.is_loading(), add)
                    .clicked();
                let cancelled = ui.button(t!("common.cancel")).clicked();
                (confirmed, cancelled)
            })
            .inner
        });
    let (confirmed, cancelled) = modal.inner;
    if confirmed {
        out.send(Command::Templates(TemplatesCommand::Add { draft_id, kind: *kind }));
    }
    if confirmed || cancelled || modal.should_close() {
        view.adding = None;
    }
}

/// Deleting cannot be undone and breaks what would still commit from the template: say both, and which template.
fn delete_dialog_ui(ctx: &egui::Context, state: &AppState, view: &mut TemplatesView, out: &mut Outbox) {
    let templates = state.templates.templates();
    let confirmed = confirm_ui(ctx, &mut view.deleting, |&template_id| {
        let listed = templates.iter().find(|t| t.template_id == template_id);
        let (version, desc) = listed.map_or(("", ""), |t| (t.user_version.as_str(), t.user_desc.as_str()));
        Confirm::new(
            t!("templates.delete_title", id = template_id),
            t!(
                "templates.delete_body",
                id = template_id,
                version = version,
                desc = desc
            ),
            t!("templates.delete_confirm"),
        )
    });
    if let Some(template_id) = confirmed {
        out.send(Command::Templates(TemplatesCommand::Delete(template_id)));
    }
}
