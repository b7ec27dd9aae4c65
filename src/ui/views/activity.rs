//! The Activity panel: what operators did (who, what in words, on what, ✓ or × with why), filtered by operator and
//! action and paged back through history; and the latest hub events below.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::{Activity, ActivityCommand, ActivityQuery, Command, HubEvent, HubEventKind};
use crate::engine::protocol::{Outcome, RegistrationState, action};
use crate::t;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::{Outbox, Panel, View};
use crate::ui::widgets::{remote_line_ui, tone_text, wechat_error_text};

impl Panel {
    pub const ACTIVITY: Panel = Panel("activity");
}

/// The panel's own state: the filter being typed.
#[derive(Debug, Default)]
pub struct ActivityView {
    pub operator: String,
    /// An action name, or a prefix ending in `.` (`job.`, `call.`); empty for every action.
    pub action: String,
}

impl View for ActivityView {
    fn panel(&self) -> Panel {
        Panel::ACTIVITY
    }

    fn title(&self) -> &'static str {
        t!("nav.activity")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        activity_ui(ui, state, self, out);
    }

    /// What happened since the panel was last open: the newest page under the filters, without a Refresh.
    fn opened(&mut self, state: &AppState, out: &mut Outbox) {
        if state.profiles.profile.value().is_some() && !state.activity.log.is_loading() {
            out.send(Command::Activity(ActivityCommand::Load(first_page(self, state))));
        }
    }
}

/// The newest page under the view's filters.
fn first_page(view: &ActivityView, state: &AppState) -> ActivityQuery {
    ActivityQuery {
        operator: Some(view.operator.trim().to_owned()).filter(|o| !o.is_empty()),
        action: Some(view.action.clone()).filter(|a| !a.is_empty()),
        ..state.activity.first_page()
    }
}

/// The action filters offered, as (prefix or name, label).
fn action_filters() -> [(&'static str, &'static str); 6] {
    [
        ("", t!("activity.any_action")),
        (action::PREAUTH_CREATE, t!("activity.act_preauth")),
        (action::AUTHORIZERS_SYNC, t!("activity.act_sync")),
        (action::DEPLOYMENT_CREATE, t!("activity.act_deploy")),
        ("job.", t!("activity.filter_jobs")),
        (action::CALL_PREFIX, t!("activity.filter_calls")),
    ]
}

fn activity_ui(ui: &mut egui::Ui, state: &AppState, view: &mut ActivityView, out: &mut Outbox) {
    let connected = state.profiles.profile.value().is_some();
    let first_page = first_page(view, state);
    ui.horizontal(|ui| {
        ui.heading(t!("activity.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let can_refresh = connected && !state.activity.log.is_loading();
            if ui
                .add_enabled(can_refresh, egui::Button::new(t!("common.refresh")))
                .clicked()
            {
                out.send(Command::Activity(ActivityCommand::Load(first_page.clone())));
            }
        });
    });
    ui.label(RichText::new(t!("activity.intro")).weak());
    filters_ui(ui, view, state, &first_page, out);
    let retry = Command::Activity(ActivityCommand::Load(first_page));
    remote_line_ui(ui, &state.activity.log, Some(retry), &mut out.commands);

    if !state.hub_events.is_empty() {
        egui::Panel::bottom("hub-events")
            .resizable(true)
            .default_size(180.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.label(RichText::new(t!("activity.events_title")).strong());
                events_ui(ui, state);
            });
    }
    let entries = state.activity.log.value().map(Vec::as_slice).unwrap_or_default();
    if entries.is_empty() {
        if !state.activity.log.is_loading() {
            ui.add_space(16.0);
            ui.label(RichText::new(t!("activity.empty")).weak());
        }
        return;
    }
    if let Some(older) = state.activity.older_page() {
        let loading = state.activity.log.is_loading();
        if ui
            .add_enabled(!loading, egui::Button::new(t!("activity.older")))
            .clicked()
        {
            out.send(Command::Activity(ActivityCommand::Load(older)));
        }
    }
    // The table's column lines run to the bottom of the clip rect: keep them out of the hub events pane below.
    ui.scope(|ui| {
        let above = ui.available_rect_before_wrap().intersect(ui.clip_rect());
        ui.set_clip_rect(above);
        log_ui(ui, entries, state.hide_volatile);
    });
}

/// Operator and action filters; a changed filter asks for the newest page under it.
fn filters_ui(
    ui: &mut egui::Ui,
    view: &mut ActivityView,
    state: &AppState,
    first_page: &ActivityQuery,
    out: &mut Outbox,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t!("activity.filter_operator"));
        let operator = ui
            .add(
                egui::TextEdit::singleline(&mut view.operator)
                    .hint_text(t!("activity.operator_hint"))
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
        let label = ui.label(t!("activity.filter_action"));
        let current = action_filters()
            .into_iter()
            .find(|(name, _)| *name == view.action)
            .map_or(t!("activity.any_action"), |(_, label)| label);
        let mut chosen = false;
        egui::ComboBox::from_id_salt("action-filter")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (name, label) in action_filters() {
                    chosen |= ui.selectable_value(&mut view.action, name.to_owned(), label).clicked();
                }
            })
            .response
            .labelled_by(label.id);
        let typed = operator.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let changed =
            state.activity.filter.operator != first_page.operator || state.activity.filter.action != first_page.action;
        if (chosen || typed) && changed {
            out.send(Command::Activity(ActivityCommand::Load(first_page.clone())));
        }
    });
}

fn log_ui(ui: &mut egui::Ui, entries: &[Activity], hide_volatile: bool) {
    TableBuilder::new(ui)
        .id_salt("activity-table")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(150.0))
        .column(Column::initial(110.0).clip(true))
        .column(Column::initial(230.0).clip(true))
        .column(Column::initial(170.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(26.0, |mut header| {
            for title in [
                t!("activity.col_at"),
                t!("activity.col_operator"),
                t!("activity.col_action"),
                t!("activity.col_target"),
                t!("activity.col_result"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(24.0, entries.len(), |mut row| {
                let entry = &entries[row.index()];
                row.col(|ui| {
                    ui.label(if hide_volatile {
                        "—".to_owned()
                    } else {
                        time_text::datetime(entry.at)
                    });
                });
                row.col(|ui| {
                    ui.label(&entry.operator);
                });
                row.col(|ui| {
                    ui.label(action_text(&entry.action)).on_hover_text(&entry.action);
                });
                row.col(|ui| {
                    ui.label(RichText::new(entry.target.as_deref().unwrap_or("—")).monospace());
                });
                row.col(|ui| {
                    let (text, tone) = outcome_text(entry);
                    let label = ui.add(egui::Label::new(tone_text(text, tone)).truncate());
                    if let Some(detail) = &entry.detail {
                        label.on_hover_text(detail);
                    }
                });
            });
        });
}

/// An action in words; a name this console does not know is shown as it is.
pub fn action_text(name: &str) -> String {
    match name {
        action::PREAUTH_CREATE => t!("activity.act_preauth").to_owned(),
        action::AUTHORIZERS_SYNC => t!("activity.act_sync").to_owned(),
        action::DEPLOYMENT_CREATE => t!("activity.act_deploy").to_owned(),
        action::JOB_PAUSE => t!("activity.act_job_pause").to_owned(),
        action::JOB_RESUME => t!("activity.act_job_resume").to_owned(),
        action::JOB_APPROVE => t!("activity.act_job_approve").to_owned(),
        action::JOB_CANCEL => t!("activity.act_job_cancel").to_owned(),
        action::JOB_RETRY => t!("activity.act_job_retry").to_owned(),
        action::ACCESS_REFUSED => t!("activity.act_refused").to_owned(),
        other => match other.strip_prefix(action::CALL_PREFIX) {
            Some(endpoint) => t!("activity.act_call", endpoint = endpoint),
            None => other.to_owned(),
        },
    }
}

/// The marks before an outcome; both are in the bundled font subset (`tests/console_fonts.rs`), which ✗ is not.
pub const OK_MARK: char = '✓';
pub const FAILED_MARK: char = '×';

/// ✓ or × with the reason, an errcode explained in the UI's language.
fn outcome_text(entry: &Activity) -> (String, Tone) {
    match entry.outcome {
        Outcome::Ok => (format!("{OK_MARK} {}", t!("activity.ok")), Tone::Good),
        Outcome::Failed => {
            let why = match (entry.errcode, &entry.reason) {
                (Some(errcode), reason) => wechat_error_text(errcode, reason.as_deref().unwrap_or_default()),
                (None, Some(reason)) => reason.clone(),
                (None, None) => String::new(),
            };
            (format!("{FAILED_MARK} {} {why}", t!("activity.failed")), Tone::Bad)
        }
    }
}

fn events_ui(ui: &mut egui::Ui, state: &AppState) {
    egui::ScrollArea::vertical()
        .id_salt("hub-events-scroll")
        .stick_to_bottom(true)
        .auto_shrink(false)
        .show(ui, |ui| {
            for event in &state.hub_events {
                ui.horizontal(|ui| {
                    let at = if state.hide_volatile {
                        "—".to_owned()
                    } else {
                        time_text::datetime(event.at)
                    };
                    ui.label(RichText::new(at).small().weak());
                    let (text, tone) = event_text(event);
                    ui.label(tone_text(text, tone));
                });
            }
        });
}

fn event_text(event: &HubEvent) -> (String, Tone) {
    let audit_who = |appid: &Option<String>, user_name: &str| appid.clone().unwrap_or_else(|| user_name.to_owned());
    match &event.kind {
        HubEventKind::Authorized(a) => {
            let who = a.nick_name.clone().unwrap_or_else(|| a.authorizer_appid.clone());
            (t!("activity.ev_authorized", merchant = who), Tone::Good)
        }
        HubEventKind::UpdateAuthorized(a) => {
            let who = a.nick_name.clone().unwrap_or_else(|| a.authorizer_appid.clone());
            (t!("activity.ev_updated", merchant = who), Tone::Good)
        }
        HubEventKind::Unauthorized { authorizer_appid } => {
            (t!("activity.ev_unauthorized", merchant = authorizer_appid), Tone::Bad)
        }
        HubEventKind::AuthorizerUpdated { authorizer_appid } => (
            t!("activity.ev_authorizer_updated", merchant = authorizer_appid),
            Tone::Neutral,
        ),
        HubEventKind::TicketReceived => (t!("activity.ev_ticket").to_owned(), Tone::Neutral),
        HubEventKind::TokenRefreshed(_) => (t!("activity.ev_token").to_owned(), Tone::Neutral),
        HubEventKind::AuditSuccess(a) => (
            t!(
                "activity.ev_audit_success",
                merchant = audit_who(&a.authorizer_appid, &a.user_name)
            ),
            Tone::Good,
        ),
        HubEventKind::AuditFail(a) => (
            t!(
                "activity.ev_audit_fail",
                merchant = audit_who(&a.authorizer_appid, &a.user_name)
            ),
            Tone::Bad,
        ),
        HubEventKind::AuditDelay(a) => (
            t!(
                "activity.ev_audit_delay",
                merchant = audit_who(&a.authorizer_appid, &a.user_name)
            ),
            Tone::Warning,
        ),
        HubEventKind::RegistrationResult(r) => (
            t!(
                "activity.ev_registration",
                merchant = r.appid.clone().unwrap_or_default()
            ),
            Tone::Pending,
        ),
        HubEventKind::RegistrationUpdated { registration: task } => {
            let (state, tone) = match task.state {
                RegistrationState::Open => (t!("activity.reg_open"), Tone::Pending),
                RegistrationState::Succeeded => (t!("activity.reg_succeeded"), Tone::Good),
                RegistrationState::Failed => (t!("activity.reg_failed"), Tone::Bad),
                RegistrationState::Expired => (t!("activity.reg_expired"), Tone::Warning),
            };
            (
                t!("activity.ev_registration_updated", label = task.label, state = state),
                tone,
            )
        }
        HubEventKind::Error(error) => {
            let text = match error.errcode {
                Some(errcode) => wechat_error_text(errcode, &error.message),
                None => t!("activity.ev_error").to_owned(),
            };
            (text, Tone::Bad)
        }
        HubEventKind::JobProgress(_) | HubEventKind::AuditUpdated(_) | HubEventKind::Unknown => {
            (event.kind.name().to_owned(), Tone::Neutral)
        }
    }
}
