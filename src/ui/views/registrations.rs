//! The Registrations panel (注册任务, DESIGN.md "Registrations"): every registration task in the shared table (kind,
//! who or what it registers, state, the platform's status, time left of the 24 hours, the new appid), a form per
//! kind checked as the staff member types (the same checks the hub applies, so a request that leaves the form is one
//! the hub takes), and the selected or just-created task's `authorize_url` as a large QR code with its countdown and
//! live state, for the legal person or the WeChat user to complete in person.

use egui::RichText;
use egui_extras::Column;

use crate::engine::protocol::{
    Command, Registration, RegistrationKind, RegistrationRequest, RegistrationState, RegistrationsCommand,
    check_registration,
};
use crate::t;
use crate::ui::platform_text;
use crate::ui::qr::QrTexture;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::{Outbox, Panel, UiAction, View, authorize};
use crate::ui::widgets::chip::chip_ui;
use crate::ui::widgets::table::{RowOrder, Sort, Table, TableColumn, TableState};
use crate::ui::widgets::{error_text, remote_line_ui, tone_text};

impl Panel {
    pub const REGISTRATIONS: Panel = Panel("registrations");
}

/// The table sorts by creation only (newest first, as the hub lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationColumn {
    Created,
}

pub struct RegistrationsView {
    pub form: RegistrationRequest,
    /// The form is open.
    pub creating: bool,
    pub order: RowOrder<(usize, u64)>,
    pub sort: Sort<RegistrationColumn>,
    pub table: TableState<i64>,
    pub qr: QrTexture,
    /// The task whose QR code shows: the one just created, or the one selected.
    pub shown: Option<i64>,
    /// The shown task's QR code fills the screen, for the person who completes it (as authorization's does).
    pub fullscreen: bool,
    /// Where to save the QR code as a PNG, while that row is open.
    pub save_path: Option<String>,
}

impl Default for RegistrationsView {
    fn default() -> Self {
        RegistrationsView {
            form: RegistrationRequest::default(),
            creating: false,
            order: RowOrder::default(),
            sort: Sort::descending(RegistrationColumn::Created),
            table: TableState::default(),
            qr: QrTexture::default(),
            shown: None,
            fullscreen: false,
            save_path: None,
        }
    }
}

impl std::fmt::Debug for RegistrationsView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationsView")
            .field("form", &self.form)
            .field("creating", &self.creating)
            .field("shown", &self.shown)
            .finish_non_exhaustive()
    }
}

impl View for RegistrationsView {
    fn panel(&self) -> Panel {
        Panel::REGISTRATIONS
    }

    fn title(&self) -> &'static str {
        t!("nav.registrations")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        let shown = self.shown.and_then(|id| state.registrations.registration(id)).cloned();
        match (self.fullscreen, shown) {
            (true, Some(task)) => presentation_ui(ui, state, &task, self, out),
            _ => registrations_ui(ui, state, self, out),
        }
    }

    fn whole_window(&self) -> bool {
        self.fullscreen
    }

    fn opened(&mut self, state: &AppState, out: &mut Outbox) {
        if state.profiles.profile.value().is_some() && !state.registrations.list.is_loading() {
            out.send(load());
        }
    }
}

fn load() -> Command {
    Command::Registrations(RegistrationsCommand::Load)
}

fn registrations_ui(ui: &mut egui::Ui, state: &AppState, view: &mut RegistrationsView, out: &mut Outbox) {
    // The task just created is the one to show, once the hub answered.
    if let Remote::Ready(created) = &state.registrations.created
        && view.creating
    {
        view.creating = false;
        view.shown = Some(created.id);
        view.form = RegistrationRequest::default();
    }
    if let Some(selected) = view.table.selection.single() {
        view.shown = Some(*selected);
    }
    ui.horizontal(|ui| {
        ui.heading(t!("registrations.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t!("common.refresh")).clicked() {
                out.send(load());
            }
            if ui.button(t!("registrations.new")).clicked() {
                view.creating = true;
                view.shown = None;
                if view.form.kind.is_empty() {
                    view.form.kind = RegistrationKind::Enterprise.as_str().to_owned();
                }
            }
        });
    });
    ui.label(RichText::new(t!("registrations.intro")).weak());
    remote_line_ui(ui, &state.registrations.list, Some(load()), &mut out.commands);
    if view.creating {
        form_ui(ui, state, view, out);
    } else if let Some(task) = view.shown.and_then(|id| state.registrations.registration(id)) {
        task_ui(ui, state, task, view, out);
    }
    ui.add_space(8.0);
    let list = state.registrations.list.value().map(Vec::as_slice).unwrap_or_default();
    if list.is_empty() {
        if state.registrations.list.value().is_some() {
            ui.label(RichText::new(t!("registrations.empty")).weak());
        }
        return;
    }
    table_ui(ui, state, list, view);
}

/// The form of the kind chosen, each field checked as it is typed; the hub checks again and names what it refuses.
fn form_ui(ui: &mut egui::Ui, state: &AppState, view: &mut RegistrationsView, out: &mut Outbox) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            for kind in RegistrationKind::ALL {
                let word = kind_text(kind);
                if ui.selectable_label(view.form.kind == kind.as_str(), word).clicked() {
                    view.form.kind = kind.as_str().to_owned();
                    // The account chosen was one of the other kind's.
                    view.form.appid = None;
                }
            }
        });
        ui.label(
            RichText::new(kind_intro(RegistrationKind::parse(&view.form.kind)))
                .small()
                .weak(),
        );
        let problems = check_registration(&view.form).err().unwrap_or_default();
        let hub_problems: Vec<(String, String)> = match &state.registrations.created {
            Remote::Failed { error, .. } => error.fields.clone(),
            _ => Vec::new(),
        };
        let kind = RegistrationKind::parse(&view.form.kind).unwrap_or(RegistrationKind::Enterprise);
        let fields: Vec<(&str, &str)> = kind
            .fields()
            .iter()
            .map(|field| (*field, field_label(kind, field)))
            .collect();
        egui::Grid::new("registration-form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for (field, label) in &fields {
                    let label = ui.label(*label);
                    ui.vertical(|ui| {
                        let text = match *field {
                            "appid" => {
                                account_picker_ui(ui, state, kind, &mut view.form.appid, label.id);
                                view.form.appid.clone().unwrap_or_default()
                            }
                            _ => {
                                let value = match *field {
                                    "name" => &mut view.form.name,
                                    "code" => &mut view.form.code,
                                    "wxuser" => &mut view.form.wxuser,
                                    "openid" => &mut view.form.openid,
                                    _ => &mut view.form.component_phone,
                                };
                                let mut text = value.clone().unwrap_or_default();
                                let edit = egui::TextEdit::singleline(&mut text).desired_width(320.0);
                                if ui.add(edit).labelled_by(label.id).changed() {
                                    *value = Some(text.clone());
                                }
                                text
                            }
                        };
                        // A field is judged once something is typed in it, or once the hub refused it; the rule is
                        // said in the operator's language (the hub's own words are English, for the API).
                        let refused = hub_problems.iter().any(|(name, _)| name == field);
                        let wrong = problems.contains_key(*field) && !text.trim().is_empty();
                        if refused || wrong {
                            ui.label(tone_text(field_rule(kind, field), Tone::Bad).small());
                        }
                    });
                    ui.end_row();
                }
                if kind == RegistrationKind::ReuseOfficialAccount {
                    ui.label("");
                    let mut copy = view.form.copy_wx_verify.unwrap_or(true);
                    if ui.checkbox(&mut copy, t!("registrations.field_copy_verify")).changed() {
                        view.form.copy_wx_verify = Some(copy);
                    }
                    ui.end_row();
                }
            });
        if let Remote::Failed { error, .. } = &state.registrations.created
            && error.fields.is_empty()
        {
            ui.label(tone_text(error_text(error), Tone::Bad));
        }
        ui.horizontal(|ui| {
            let busy = state.registrations.created.is_loading();
            let create = ui.add_enabled(
                problems.is_empty() && !busy,
                egui::Button::new(t!("registrations.create")),
            );
            if create.clicked() {
                out.send(Command::Registrations(RegistrationsCommand::Create(view.form.clone())));
            }
            if busy {
                ui.spinner();
            }
            if ui.button(t!("common.cancel")).clicked() {
                view.creating = false;
            }
        });
        ui.label(RichText::new(t!("registrations.form_hint")).small().weak());
    });
}

/// What a field must hold, as the hub checks it (`hubapi::check_registration`).
fn field_rule(kind: RegistrationKind, field: &str) -> &'static str {
    match field {
        "name" if kind == RegistrationKind::Trial => t!("registrations.rule_trial_name"),
        "name" => t!("registrations.rule_name"),
        "code" => t!("registrations.rule_code"),
        "wxuser" => t!("registrations.rule_wxuser"),
        "openid" => t!("registrations.rule_openid"),
        "appid" => t!("registrations.rule_appid"),
        _ => t!("registrations.rule_phone"),
    }
}

fn field_label(kind: RegistrationKind, field: &str) -> &'static str {
    match field {
        "name" if kind == RegistrationKind::Trial => t!("registrations.field_trial_name"),
        "name" => t!("registrations.field_name"),
        "code" => t!("registrations.field_code"),
        "wxuser" => t!("registrations.field_wxuser"),
        "openid" => t!("registrations.field_openid"),
        "appid" if kind == RegistrationKind::VerifyBeta => t!("registrations.field_trial"),
        "appid" => t!("registrations.field_official_account"),
        _ => t!("registrations.field_phone"),
    }
}

pub fn kind_text(kind: RegistrationKind) -> &'static str {
    match kind {
        RegistrationKind::Enterprise => t!("registrations.kind_enterprise"),
        RegistrationKind::Personal => t!("registrations.kind_personal"),
        RegistrationKind::Trial => t!("registrations.kind_trial"),
        RegistrationKind::VerifyBeta => t!("registrations.kind_verify_beta"),
        RegistrationKind::ReuseOfficialAccount => t!("registrations.kind_reuse"),
    }
}

/// What the kind creates and who completes it.
fn kind_intro(kind: Option<RegistrationKind>) -> &'static str {
    match kind.unwrap_or(RegistrationKind::Enterprise) {
        RegistrationKind::Enterprise => t!("registrations.about_enterprise"),
        RegistrationKind::Personal => t!("registrations.about_personal"),
        RegistrationKind::Trial => t!("registrations.about_trial"),
        RegistrationKind::VerifyBeta => t!("registrations.about_verify_beta"),
        RegistrationKind::ReuseOfficialAccount => t!("registrations.about_reuse"),
    }
}

/// The merchants a kind can start from: trial mini programs (§1.6 `service_type` 12) to convert, or official
/// accounts that granted set 27 to reuse (§8.6); chosen from a list, so no appid is typed.
fn account_picker_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    kind: RegistrationKind,
    appid: &mut Option<String>,
    label: egui::Id,
) {
    let list = state.merchants.list.value().map(Vec::as_slice).unwrap_or_default();
    let eligible: Vec<&crate::engine::protocol::AuthorizerRow> = list
        .iter()
        .filter(|row| row.revoked_at.is_none())
        .filter(|row| match kind {
            RegistrationKind::VerifyBeta => {
                row.kind == crate::engine::protocol::AccountKind::MiniProgram && row.service_type == 12
            }
            _ => row.kind == crate::engine::protocol::AccountKind::OfficialAccount && row.func_ids.contains(&27),
        })
        .collect();
    if eligible.is_empty() {
        ui.label(RichText::new(t!("registrations.no_eligible")).weak());
        return;
    }
    let shown = |row: &crate::engine::protocol::AuthorizerRow| format!("{} · {}", row.nick_name, row.appid);
    let selected = appid
        .as_deref()
        .and_then(|chosen| eligible.iter().find(|row| row.appid == chosen))
        .map_or_else(|| t!("setup.category_pick").to_owned(), |row| shown(row));
    let combo = egui::ComboBox::from_id_salt(("registration-account", kind.as_str()))
        .selected_text(selected)
        .width(320.0)
        .show_ui(ui, |ui| {
            for row in &eligible {
                if ui
                    .selectable_label(appid.as_deref() == Some(&row.appid), shown(row))
                    .clicked()
                {
                    *appid = Some(row.appid.clone());
                }
            }
        });
    combo.response.labelled_by(label);
}

fn state_chip(task: &Registration) -> (&'static str, Tone) {
    match task.state {
        RegistrationState::Open => (t!("registrations.state_open"), Tone::Pending),
        RegistrationState::Succeeded => (t!("registrations.state_succeeded"), Tone::Good),
        RegistrationState::Failed => (t!("registrations.state_failed"), Tone::Bad),
        RegistrationState::Expired => (t!("registrations.state_expired"), Tone::Warning),
    }
}

/// Time left of the 24 hours, while the task is open.
fn time_left(task: &Registration, now: i64, hide_volatile: bool) -> String {
    match (task.state, hide_volatile) {
        (RegistrationState::Open, false) => time_text::duration((task.expires_at - now).max(0)),
        (RegistrationState::Open, true) => "—".to_owned(),
        _ => String::new(),
    }
}

/// The task to show to the person who completes it: its QR code while open, its outcome once ended.
/// Full screen: the QR code as large as the screen allows, what to do, the countdown and the live state; the same
/// presentation as authorization's (F11 toggles it, Esc leaves it).
fn presentation_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    task: &Registration,
    view: &mut RegistrationsView,
    out: &mut Outbox,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.label(RichText::new(&task.label).size(30.0).strong());
        ui.label(RichText::new(scan_prompt(task.kind)).size(20.0));
        ui.add_space(16.0);
        if task.state == RegistrationState::Open {
            let side = (ui.available_height() - 170.0)
                .min(ui.available_width() - 40.0)
                .max(200.0);
            view.qr.show_ui(ui, &task.authorize_url, side, state.hide_volatile);
            ui.add_space(12.0);
            let left = time_left(task, state.now, state.hide_volatile);
            ui.label(RichText::new(t!("registrations.countdown", left = left)).size(18.0));
        }
        let (word, tone) = state_chip(task);
        chip_ui(ui, word, tone);
        if let Some(status) = status_text(task) {
            ui.label(RichText::new(status).size(16.0));
        }
        if let (RegistrationState::Succeeded, Some(appid)) = (task.state, &task.appid) {
            ui.label(tone_text(t!("registrations.created_appid", appid = appid), Tone::Good).size(20.0));
        }
        ui.add_space(8.0);
        if ui.button(t!("authorize.exit_fullscreen")).clicked() {
            out.act(UiAction::Fullscreen(false));
        }
    });
}

/// Who scans, and what they do.
fn scan_prompt(kind: RegistrationKind) -> &'static str {
    match kind {
        RegistrationKind::Enterprise | RegistrationKind::VerifyBeta => t!("registrations.prompt_legal_person"),
        RegistrationKind::Personal | RegistrationKind::Trial => t!("registrations.prompt_user"),
        RegistrationKind::ReuseOfficialAccount => t!("registrations.prompt_administrator"),
    }
}

fn task_ui(ui: &mut egui::Ui, state: &AppState, task: &Registration, view: &mut RegistrationsView, out: &mut Outbox) {
    // §8.5: the platform may answer a trial's conversion without a link; then there is nothing to show.
    let has_link = !task.authorize_url.is_empty();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_top(|ui| {
            if task.state == RegistrationState::Open && has_link {
                view.qr
                    .show_ui(ui, &task.authorize_url, 220.0, state.hide_volatile)
                    .on_hover_text(t!("registrations.qr_hover"));
            }
            ui.vertical(|ui| {
                ui.label(RichText::new(&task.label).size(18.0).strong());
                ui.label(kind_text(task.kind));
                let (word, tone) = state_chip(task);
                chip_ui(ui, word, tone);
                match task.state {
                    RegistrationState::Open => {
                        let left = time_left(task, state.now, state.hide_volatile);
                        ui.label(t!("registrations.countdown", left = left));
                        if has_link {
                            ui.label(RichText::new(scan_prompt(task.kind)).weak());
                            ui.horizontal(|ui| {
                                if ui.button(t!("registrations.copy_link")).clicked() {
                                    ui.ctx().copy_text(task.authorize_url.clone());
                                }
                                if ui.button(t!("authorize.fullscreen")).clicked() {
                                    out.act(UiAction::Fullscreen(true));
                                }
                                if ui.button(t!("authorize.save_png")).clicked() && view.save_path.is_none() {
                                    view.save_path = Some(default_png_path(task));
                                }
                            });
                            authorize::save_row_ui(ui, state, &mut view.save_path, &task.authorize_url, out);
                        } else {
                            ui.label(RichText::new(t!("registrations.no_link")).weak());
                        }
                        if state.is_sandbox() {
                            sandbox_ui(ui, state, task, out);
                        }
                    }
                    RegistrationState::Succeeded => {
                        let appid = task.appid.as_deref().unwrap_or("—");
                        ui.label(tone_text(t!("registrations.created_appid", appid = appid), Tone::Good));
                        // §8.7: the new mini program has no name, avatar, introduction or category yet.
                        if let Some(appid) = &task.appid
                            && ui.button(t!("setup.open")).clicked()
                        {
                            out.act(UiAction::SetUp(appid.clone()));
                        }
                    }
                    RegistrationState::Failed | RegistrationState::Expired => {
                        ui.label(RichText::new(t!("registrations.start_again")).weak());
                    }
                }
                if let Some(status) = status_text(task) {
                    ui.label(RichText::new(status).small());
                }
            });
        });
    });
}

/// `~/wxdesk-registration-<id>.png`.
fn default_png_path(task: &Registration) -> String {
    authorize::home_file(&format!("wxdesk-registration-{}.png", task.id))
}

/// Sandbox only: play the person who completes the link, or who lets it fail (§4.2 `1003`), so a trial of the
/// panel does not wait for anyone.
fn sandbox_ui(ui: &mut egui::Ui, state: &AppState, task: &Registration, out: &mut Outbox) {
    ui.horizontal(|ui| {
        let busy = state.registrations.simulated.is_loading();
        for (label, status) in [
            (t!("registrations.sandbox_complete"), 0),
            (t!("registrations.sandbox_fail"), 1003),
        ] {
            if ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
                out.send(Command::Registrations(RegistrationsCommand::SimulateResult {
                    task: Box::new(task.clone()),
                    status,
                }));
            }
        }
    });
    if let Remote::Failed { error, .. } = &state.registrations.simulated {
        ui.label(tone_text(error_text(error), Tone::Bad).small());
    }
}

/// The platform's last word on the task: its code, what it means, or WeChat's own message for a code the tables
/// do not know.
fn status_text(task: &Registration) -> Option<String> {
    let code = task.status_code?;
    // §8.6 answers at once: its codes are errcodes (61051–61061), explained by the errcode table.
    if task.kind == RegistrationKind::ReuseOfficialAccount && code != 0 {
        let message = task.status_text.as_deref().unwrap_or_default();
        return Some(crate::ui::widgets::wechat_error_text(code, message));
    }
    let personal = task.kind == RegistrationKind::Personal;
    let open = task.state == RegistrationState::Open;
    let meaning = platform_text::registration_status(personal, open, code).map(str::to_owned);
    Some(match meaning.or_else(|| task.status_text.clone()) {
        Some(text) => format!("{code} · {text}"),
        None => code.to_string(),
    })
}

fn table_ui(ui: &mut egui::Ui, state: &AppState, list: &[Registration], view: &mut RegistrationsView) {
    let (now, hide_volatile) = (state.now, state.hide_volatile);
    view.order.refresh(
        (list.len(), list.iter().map(|t| t.updated_at as u64).sum()),
        list,
        |_| true,
        |a, b| b.id.cmp(&a.id),
    );
    let clipped = |initial: f32, at_least: f32| Column::initial(initial).at_least(at_least).clip(true);
    let text = |ui: &mut egui::Ui, text: &str| {
        ui.add(egui::Label::new(text).truncate().selectable(false));
    };
    let columns = vec![
        TableColumn::new(
            t!("registrations.col_kind"),
            clipped(90.0, 60.0),
            move |ui, t: &Registration| text(ui, kind_text(t.kind)),
        ),
        TableColumn::new(
            t!("registrations.col_label"),
            clipped(220.0, 120.0),
            move |ui, t: &Registration| text(ui, &t.label),
        ),
        TableColumn::new(
            t!("registrations.col_state"),
            clipped(110.0, 80.0),
            |ui, t: &Registration| {
                let (word, tone) = state_chip(t);
                chip_ui(ui, word, tone);
            },
        ),
        TableColumn::new(
            t!("registrations.col_status"),
            clipped(160.0, 80.0),
            move |ui, t: &Registration| text(ui, &status_text(t).unwrap_or_default()),
        ),
        TableColumn::new(
            t!("registrations.col_left"),
            clipped(100.0, 70.0),
            move |ui, t: &Registration| text(ui, &time_left(t, now, hide_volatile)),
        ),
        TableColumn::new(
            t!("registrations.col_appid"),
            clipped(160.0, 100.0),
            move |ui, t: &Registration| text(ui, t.appid.as_deref().unwrap_or("")),
        ),
        TableColumn::new(
            t!("registrations.col_created_by"),
            Column::remainder().at_least(80.0).clip(true),
            move |ui, t: &Registration| text(ui, &t.created_by),
        ),
    ];
    let order = view.order.rows();
    let mut table = Table::new(
        "registration-table",
        list,
        order,
        view.order.generation(),
        |t: &Registration| &t.id,
    );
    for column in columns {
        table = table.column(column);
    }
    table.show(ui, &mut view.table, &mut view.sort, |_, _| None::<()>);
}
