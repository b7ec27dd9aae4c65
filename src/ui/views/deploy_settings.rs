//! The wizard's middle sections: the ext_json with its placeholders and a preview filled for one merchant as the hub
//! will fill it, the five domain lists, the privacy guide's owner settings and key texts, and the waves with their
//! gate, the failure threshold and the release policy. Each input shows its problems under it.

use egui::RichText;

use crate::engine::protocol::{Gate, PLACEHOLDERS, PrivacyText, fill_placeholders, wave_sizes};
use crate::t;
use crate::ui::deploy_plan::{self, DOMAIN_LISTS, DeployForm, Problems, ReleaseMode};
use crate::ui::deploy_ready;
use crate::ui::theme::Tone;
use crate::ui::views::deploy_sections::{field_label_ui, problems_ui};
use crate::ui::views::deploy_wizard::Ctx;
use crate::ui::widgets::{chip_ui, tone_text};

/// How many merchants the preview's chooser lists; the filter of the merchants section finds the others.
const PREVIEW_CHOICES: usize = 300;
/// Below this width the editor and the preview stack instead of standing side by side.
const SIDE_BY_SIDE_WIDTH: f32 = 720.0;
/// The widest a list of domains grows: a domain is short, and a line across a wide window is hard to follow.
const EDITOR_WIDTH: f32 = 640.0;

pub(crate) fn ext_json_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm, preview: &mut Option<String>) {
    ui.label(RichText::new(t!("deploy.ext_intro")).weak());
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("deploy.ext_placeholders"));
        for name in PLACEHOLDERS {
            chip_ui(ui, format!("{{{{{name}}}}}"), Tone::Pending).on_hover_text(placeholder_text(name));
        }
    });
    if ctx.standard {
        ui.label(tone_text(t!("deploy.ext_standard"), Tone::Warning));
    }
    ui.add_space(4.0);
    let wide = ui.available_width() >= SIDE_BY_SIDE_WIDTH;
    if wide {
        ui.columns(2, |columns| {
            editor_ui(&mut columns[0], ctx, form, 14);
            preview_ui(&mut columns[1], ctx, form, preview, 14);
        });
    } else {
        // Stacked, each shorter, so the preview starts within a small window.
        editor_ui(ui, ctx, form, 8);
        ui.add_space(8.0);
        preview_ui(ui, ctx, form, preview, 8);
    }
}

fn placeholder_text(name: &str) -> &'static str {
    match name {
        "appid" => t!("deploy.placeholder_appid"),
        "nick_name" => t!("deploy.placeholder_nick_name"),
        "user_name" => t!("deploy.placeholder_user_name"),
        _ => t!("deploy.placeholder_principal_name"),
    }
}

fn editor_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm, rows: usize) {
    let label = field_label_ui(ui, "ext_json");
    ui.add(
        egui::TextEdit::multiline(&mut form.ext_json)
            .code_editor()
            .desired_rows(rows)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    problems_ui(ui, ctx.problems, |path| path.starts_with("ext_json"));
}

/// The ext_json filled for one chosen merchant, as the hub will commit it for that merchant.
fn preview_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &DeployForm, preview: &mut Option<String>, rows: usize) {
    let ready = &ctx.preflight.ready;
    if preview.as_ref().is_none_or(|appid| !ready.contains(appid)) {
        *preview = ready.first().cloned();
    }
    let name_of = |appid: &str| {
        ctx.rows
            .iter()
            .find(|row| row.appid == appid)
            .map_or_else(|| appid.to_owned(), |row| format!("{} · {}", row.nick_name, row.appid))
    };
    ui.horizontal(|ui| {
        let label = field_label_ui(ui, t!("deploy.preview_for"));
        let selected = preview.as_deref().map_or_else(|| "—".to_owned(), name_of);
        egui::ComboBox::from_id_salt("deploy-preview")
            .selected_text(selected)
            .width(260.0)
            .show_ui(ui, |ui| {
                for appid in ready.iter().take(PREVIEW_CHOICES) {
                    ui.selectable_value(preview, Some(appid.clone()), name_of(appid));
                }
            })
            .response
            .labelled_by(label.id);
    });
    let row = preview
        .as_deref()
        .and_then(|appid| ctx.rows.iter().find(|row| row.appid == appid));
    let Some(row) = row else {
        ui.label(RichText::new(t!("deploy.preview_no_merchant")).weak());
        return;
    };
    let mut ignored = Problems::new();
    let Some(value) = deploy_plan::parse_ext_json(&form.ext_json, false, &mut ignored) else {
        ui.label(RichText::new(t!("deploy.preview_fix_first")).weak());
        return;
    };
    let filled = fill_placeholders(&value, &deploy_ready::as_authorizer(row));
    let text = serde_json::to_string_pretty(&filled).unwrap_or_default();
    // A read-only editor: a label would drop the indentation that makes the JSON readable.
    ui.add(
        egui::TextEdit::multiline(&mut text.as_str())
            .code_editor()
            .desired_rows(rows)
            .desired_width(f32::INFINITY),
    );
}

pub(crate) fn domains_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm) {
    ui.label(RichText::new(t!("deploy.domains_intro")).weak());
    ui.add_space(6.0);
    let width = ui.available_width().min(EDITOR_WIDTH);
    for (name, text) in DOMAIN_LISTS.iter().zip(form.domains.iter_mut()) {
        let label = ui
            .horizontal(|ui| {
                let label = field_label_ui(ui, domain_title(name));
                ui.label(RichText::new(*name).monospace().small().weak());
                label
            })
            .inner;
        let hint = match *name {
            "wsrequestdomain" => "wss://ws.example.com",
            _ => "https://api.example.com",
        };
        ui.add(
            egui::TextEdit::multiline(text)
                .hint_text(hint)
                .desired_rows(2)
                .desired_width(width),
        )
        .labelled_by(label.id);
        let prefix = format!("domains.{name}");
        for (path, why) in ctx.problems.iter().filter(|(path, _)| path.starts_with(&prefix)) {
            let line = path
                .strip_prefix(&format!("{prefix}["))
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|i| i.parse::<usize>().ok());
            let text = match line {
                Some(i) => t!("deploy.domain_line", line = i + 1, why = why),
                None => why.clone(),
            };
            ui.label(tone_text(format!("⚠ {text}"), Tone::Bad));
        }
        ui.add_space(8.0);
    }
}

fn domain_title(name: &str) -> &'static str {
    match name {
        "requestdomain" => t!("deploy.domain_request"),
        "wsrequestdomain" => t!("deploy.domain_ws"),
        "uploaddomain" => t!("deploy.domain_upload"),
        "downloaddomain" => t!("deploy.domain_download"),
        _ => t!("deploy.domain_webview"),
    }
}

/// Privacy keys the platform names (§6.16), offered in the key chooser.
const PRIVACY_KEYS: [&str; 12] = [
    "UserInfo",
    "Location",
    "Address",
    "Invoice",
    "RunData",
    "Record",
    "Album",
    "Camera",
    "PhoneNumber",
    "Contact",
    "DeviceInfo",
    "Clipboard",
];

pub(crate) fn privacy_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm) {
    ui.checkbox(&mut form.privacy, t!("deploy.privacy_on"));
    ui.label(RichText::new(t!("deploy.privacy_intro")).weak());
    if !form.privacy {
        return;
    }
    ui.add_space(6.0);
    let owner = &mut form.owner;
    egui::Grid::new("deploy-privacy-owner")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let fields: [(&str, &mut String, &str); 6] = [
                (t!("deploy.contact_email"), &mut owner.email, ""),
                (t!("deploy.contact_phone"), &mut owner.phone, ""),
                (t!("deploy.contact_qq"), &mut owner.qq, ""),
                (t!("deploy.contact_weixin"), &mut owner.weixin, ""),
                (
                    t!("deploy.notice_method"),
                    &mut owner.notice_method,
                    t!("deploy.notice_method_hint"),
                ),
                (
                    t!("deploy.store_expire"),
                    &mut owner.store_expire,
                    t!("deploy.store_expire_hint"),
                ),
            ];
            for (title, value, hint) in fields {
                let label = field_label_ui(ui, title);
                ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(260.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
        });
    problems_ui(ui, ctx.problems, |path| path.starts_with("privacy.owner_setting"));
    ui.add_space(8.0);
    ui.label(RichText::new(t!("deploy.privacy_texts")).strong());
    ui.label(RichText::new(t!("deploy.privacy_texts_hint")).weak().small());
    let mut remove = None;
    for (i, setting) in form.privacy_texts.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt(("privacy-key", i))
                .selected_text(match setting.privacy_key.is_empty() {
                    true => t!("deploy.privacy_key_choose").to_owned(),
                    false => setting.privacy_key.clone(),
                })
                .width(150.0)
                .show_ui(ui, |ui| {
                    for key in PRIVACY_KEYS {
                        ui.selectable_value(&mut setting.privacy_key, key.to_owned(), key);
                    }
                });
            ui.add(
                egui::TextEdit::singleline(&mut setting.privacy_text)
                    .hint_text(t!("deploy.privacy_text_hint"))
                    .desired_width(ui.available_width() - 70.0),
            );
            if ui.button(t!("deploy.remove")).clicked() {
                remove = Some(i);
            }
        });
        let prefix = format!("privacy.setting_list[{i}]");
        problems_ui(ui, ctx.problems, |path| path.starts_with(&prefix));
    }
    if let Some(i) = remove {
        form.privacy_texts.remove(i);
    }
    if ui.button(t!("deploy.privacy_add")).clicked() {
        form.privacy_texts.push(PrivacyText {
            privacy_key: String::new(),
            privacy_text: String::new(),
        });
    }
    problems_ui(ui, ctx.problems, |path| {
        path == "privacy" || path == "privacy.setting_list"
    });
}

pub(crate) fn waves_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, form: &mut DeployForm) {
    let label = field_label_ui(ui, t!("deploy.waves"));
    ui.add(egui::TextEdit::singleline(&mut form.waves).desired_width(240.0))
        .labelled_by(label.id);
    ui.label(RichText::new(t!("deploy.waves_hint")).weak().small());
    problems_ui(ui, ctx.problems, |path| path.starts_with("waves"));
    if let Some(plan) = ctx.plan
        && let Ok(sizes) = wave_sizes(&plan.waves, plan.appids.len())
    {
        ui.label(RichText::new(waves_text(&sizes)).strong());
    }
    ui.add_space(10.0);
    field_label_ui(ui, t!("deploy.gate"));
    ui.radio_value(&mut form.gate, Gate::Manual, t!("deploy.gate_manual"));
    ui.radio_value(&mut form.gate, Gate::Auto, t!("deploy.gate_auto"));
    ui.add_space(10.0);
    field_label_ui(ui, t!("deploy.threshold"));
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("deploy.threshold_before"));
        ui.add(
            egui::DragValue::new(&mut form.max_failure_percent)
                .range(0..=100)
                .suffix("%"),
        );
        ui.label(t!("deploy.threshold_middle"));
        ui.add(egui::DragValue::new(&mut form.min_sample).range(1..=10_000));
        ui.label(t!("deploy.threshold_after"));
    });
    problems_ui(ui, ctx.problems, |path| {
        path == "max_failure_percent" || path == "min_sample"
    });
    ui.add_space(10.0);
    field_label_ui(ui, t!("deploy.release"));
    ui.radio_value(&mut form.release, ReleaseMode::Release, t!("deploy.release_release"));
    ui.horizontal_wrapped(|ui| {
        ui.radio_value(&mut form.release, ReleaseMode::Gray, t!("deploy.release_gray"));
        let gray = form.release == ReleaseMode::Gray;
        ui.add_enabled(
            gray,
            egui::TextEdit::singleline(&mut form.gray_steps).desired_width(110.0),
        );
        ui.label(t!("deploy.release_gray_every"));
        ui.add_enabled(
            gray,
            egui::DragValue::new(&mut form.gray_interval_mins).range(1..=10_080),
        );
        ui.label(t!("deploy.release_gray_minutes"));
    });
    ui.radio_value(&mut form.release, ReleaseMode::Hold, t!("deploy.release_hold"));
    problems_ui(ui, ctx.problems, |path| path.starts_with("release") || path == "gate");
}

/// "Wave 1: 1 · wave 2: 4": each wave's size in merchants.
pub(crate) fn waves_text(sizes: &[usize]) -> String {
    let parts: Vec<String> = sizes
        .iter()
        .enumerate()
        .map(|(i, size)| t!("deploy.wave_size", wave = i + 1, count = size))
        .collect();
    parts.join(" · ")
}
