//! What an operator does from the Audits panel (wechat-api.md §6.5–§6.13): the audit quota always in view; for
//! the selected mini program, withdraw, speed up, resubmit after a rejection, release, gray release, revert the
//! gray release, roll back and open or pause the service, each confirmed with what it will do; its releases as the
//! platform has them (history, gray plan, visit status); and for many selected rows, a bulk release or speed-up
//! that the hub runs as a job. Single actions are relayed writes; the hub's audits table learns of each one and
//! `audit_updated` brings the row back to every console.

use egui::RichText;

use crate::engine::protocol::{
    Audit, AuditAction, AuditQuota, AuditStatus, AuditsCommand, BatchKind, CodeState, Command, FEEDBACK_IMAGE_TYPES,
    FeedbackImage, Job, JobId, JobsCommand, MAX_FEEDBACK_IMAGE_BYTES, MAX_FEEDBACK_IMAGES, Withdrawals,
};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::audits::AuditsView;
use crate::ui::views::{Outbox, Panel, UiAction};
use crate::ui::widgets::confirm::{Confirm, confirm_ui};
use crate::ui::widgets::table::Selection;
use crate::ui::widgets::{error_text, field_row_ui, tone_text};

/// §6.5: `feedback_info` holds at most 200 characters.
pub const FEEDBACK_MAX_CHARS: usize = 200;

/// An action the operator asked for, waiting for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    One {
        appid: String,
        name: String,
        action: AuditAction,
    },
    Batch {
        kind: BatchKind,
        appids: Vec<String>,
    },
}

/// The panel's own part of the actions: the dialog waiting for an answer and the forms' fields.
#[derive(Debug, Default)]
pub struct ActionsView {
    pub pending: Option<Pending>,
    /// The gray release's next percentage, per the slider.
    pub gray_percentage: u8,
    /// The note to the reviewer of a resubmission.
    pub feedback: String,
    /// The images that go with it, as dropped on the window.
    pub images: Vec<FeedbackImage>,
    /// Why the last dropped file was not taken, naming it.
    pub image_error: Option<String>,
    /// `AuditsState::acted` when the panel last read the quota and the releases again.
    acted_seen: u64,
    /// The mini program whose releases were last asked for.
    code_for: Option<String>,
    /// The bulk job last opened to follow its progress.
    batch_opened: Option<JobId>,
    /// The bulk job whose end last made the panel read the quota again.
    batch_ended: Option<JobId>,
}

pub fn quota_command() -> Command {
    Command::Audits(AuditsCommand::Quota)
}

/// After an action went through, the quota and the selected mini program's releases are read again; the first
/// time a mini program's pane opens, its releases are read.
pub fn keep_current(state: &AppState, view: &mut AuditsView, out: &mut Outbox) {
    let audits = &state.audits;
    let acted = audits.acted != view.actions.acted_seen;
    view.actions.acted_seen = audits.acted;
    if acted && !audits.quota.is_loading() {
        out.send(quota_command());
    }
    let Some(appid) = view.table.selection.single().cloned() else {
        view.actions.code_for = None;
        return;
    };
    if acted || view.actions.code_for.as_ref() != Some(&appid) {
        view.actions.code_for = Some(appid.clone());
        view.actions.feedback.clear();
        view.actions.images.clear();
        view.actions.image_error = None;
        let ask = Command::Audits(AuditsCommand::Code(appid));
        if !out.commands.contains(&ask) {
            out.send(ask);
        }
    }
}

/// The audit quota line of the panel's header: submissions and speed-ups left this month (§6.13).
pub fn quota_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    ui.horizontal(|ui| {
        match &state.audits.quota {
            Remote::Ready(quota)
            | Remote::Loading {
                previous: Some(quota), ..
            } => {
                let tone = if quota.rest <= 0 { Tone::Bad } else { Tone::Neutral };
                ui.label(tone_text(
                    t!("audits.quota", rest = quota.rest, limit = quota.limit),
                    tone,
                ));
                ui.label(RichText::new("·").weak());
                ui.label(t!(
                    "audits.quota_speedup",
                    rest = quota.speedup_rest,
                    limit = quota.speedup_limit
                ));
            }
            Remote::Failed { error, .. } => {
                ui.label(tone_text(
                    t!("audits.quota_failed", error = error_text(error)),
                    Tone::Bad,
                ));
            }
            _ => {
                ui.label(RichText::new(t!("audits.quota_loading")).weak());
            }
        }
        if state.audits.quota.is_loading() {
            ui.spinner();
        } else if ui.small_button(t!("common.refresh")).clicked() {
            out.send(quota_command());
        }
    });
}

fn quota(state: &AppState) -> Option<&AuditQuota> {
    state.audits.quota.value()
}

/// The actions the selected mini program's audit allows, in the detail pane.
pub fn actions_ui(ui: &mut egui::Ui, audit: &Audit, state: &AppState, view: &mut AuditsView) {
    // A released version's audit has nothing left to act on; what is online follows.
    if audit.status != AuditStatus::Released {
        ui.add_space(8.0);
        ui.label(RichText::new(t!("audits.actions")).strong());
    }
    let name = audit.nick_name.clone().unwrap_or_else(|| audit.appid.clone());
    let busy = state.audits.acting.is_loading();
    let mut ask = |action: AuditAction| {
        view.actions.pending = Some(Pending::One {
            appid: audit.appid.clone(),
            name: name.clone(),
            action,
        });
    };
    match audit.status {
        AuditStatus::Auditing | AuditStatus::Delayed => {
            let left = audit.withdrawals.left();
            ui.horizontal_wrapped(|ui| {
                let withdraw = ui.add_enabled(!busy && left > 0, egui::Button::new(t!("audits.withdraw")));
                if withdraw.clicked() {
                    ask(AuditAction::Withdraw);
                }
                let speedups = quota(state).map_or(0, |q| q.speedup_rest);
                let speedup = ui
                    .add_enabled(
                        !busy && speedups > 0 && audit.auditid.is_some(),
                        egui::Button::new(t!("audits.speedup")),
                    )
                    .on_hover_text(t!("audits.speedup_hint"));
                if speedup.clicked()
                    && let Some(auditid) = audit.auditid
                {
                    ask(AuditAction::Speedup { auditid });
                }
            });
            ui.label(RichText::new(withdrawals_text(audit.withdrawals)).small().weak());
        }
        AuditStatus::Rejected | AuditStatus::Withdrawn => resubmit_ui(ui, audit, busy, &mut view.actions, &name),
        AuditStatus::Approved => {
            ui.horizontal_wrapped(|ui| {
                if ui.add_enabled(!busy, egui::Button::new(t!("audits.release"))).clicked() {
                    ask(AuditAction::Release);
                }
            });
            gray_ui(ui, audit, state, busy, &mut view.actions, &name);
        }
        AuditStatus::Released => {}
    }
    online_ui(ui, audit, state, busy, &mut view.actions, &name);
    outcome_ui(ui, audit, state);
}

/// §6.8: the platform reports no count; the hub's own, against 5 a day and 10 a month.
fn withdrawals_text(withdrawals: Withdrawals) -> String {
    t!(
        "audits.withdrawals_left",
        today = (Withdrawals::PER_DAY - withdrawals.today).max(0),
        month = (Withdrawals::PER_MONTH - withdrawals.this_month).max(0)
    )
}

/// §6.5: after a rejection, a note to the reviewer and a new submission of the same code.
fn resubmit_ui(ui: &mut egui::Ui, audit: &Audit, busy: bool, actions: &mut ActionsView, name: &str) {
    ui.label(RichText::new(t!("audits.feedback")).small());
    let edit = egui::TextEdit::multiline(&mut actions.feedback)
        .hint_text(t!("audits.feedback_hint"))
        .desired_rows(2)
        .desired_width(f32::INFINITY);
    ui.add(edit);
    let chars = actions.feedback.chars().count();
    let too_long = chars > FEEDBACK_MAX_CHARS;
    let counter = format!("{chars} / {FEEDBACK_MAX_CHARS}");
    ui.horizontal(|ui| {
        ui.label(tone_text(counter, if too_long { Tone::Bad } else { Tone::Neutral }).small());
        if too_long {
            ui.label(tone_text(t!("audits.feedback_too_long", max = FEEDBACK_MAX_CHARS), Tone::Bad).small());
        }
    });
    images_ui(ui, actions);
    if ui
        .add_enabled(!busy && !too_long, egui::Button::new(t!("audits.resubmit")))
        .clicked()
    {
        let note = actions.feedback.trim();
        actions.pending = Some(Pending::One {
            appid: audit.appid.clone(),
            name: name.to_owned(),
            action: AuditAction::Resubmit {
                feedback_info: (!note.is_empty()).then(|| note.to_owned()),
                images: actions.images.clone(),
            },
        });
    }
}

/// The resubmission's images (§6.5 `feedback_stuff`): taken from files dropped on the window while the form shows,
/// each checked for its type and size before anything is uploaded; each can be taken off again.
fn images_ui(ui: &mut egui::Ui, actions: &mut ActionsView) {
    for file in ui.ctx().input(|input| input.raw.dropped_files.clone()) {
        if actions.images.len() >= MAX_FEEDBACK_IMAGES {
            actions.image_error = Some(t!("audits.images_full", max = MAX_FEEDBACK_IMAGES));
            break;
        }
        match feedback_image(file.as_ref()) {
            Ok(image) => {
                actions.images.push(image);
                actions.image_error = None;
            }
            Err(why) => actions.image_error = Some(why),
        }
    }
    ui.label(
        RichText::new(t!(
            "audits.images_hint",
            count = actions.images.len(),
            max = MAX_FEEDBACK_IMAGES,
            mb = MAX_FEEDBACK_IMAGE_BYTES >> 20
        ))
        .small()
        .weak(),
    );
    let mut removed = None;
    for (index, image) in actions.images.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(&image.file_name).small());
            ui.label(
                RichText::new(format!("{} KB", image.bytes.len().div_ceil(1024)))
                    .small()
                    .weak(),
            );
            if ui.small_button(t!("audits.image_remove")).clicked() {
                removed = Some(index);
            }
        });
    }
    if let Some(index) = removed {
        actions.images.remove(index);
    }
    if let Some(error) = &actions.image_error {
        ui.label(tone_text(error, Tone::Bad).small());
    }
}

/// A dropped file as an image WeChat takes (§6.14: PNG, JPEG or GIF, at most 2 MB), or why not, naming it. The
/// size is checked before the file is read, so a dropped video is never loaded.
pub fn feedback_image(file: &dyn egui::DroppedFile) -> Result<FeedbackImage, String> {
    let name = file.path().file_name().map_or_else(
        || file.path().display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let too_big = || t!("audits.image_too_big", name = name, mb = MAX_FEEDBACK_IMAGE_BYTES >> 20);
    if std::fs::metadata(file.path()).is_ok_and(|m| m.len() > MAX_FEEDBACK_IMAGE_BYTES as u64) {
        return Err(too_big());
    }
    let bytes = file
        .bytes()
        .map_err(|error| t!("audits.image_unreadable", name = name, error = error))?;
    if bytes.len() > MAX_FEEDBACK_IMAGE_BYTES {
        return Err(too_big());
    }
    let content_type = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Png) => "image/png",
        Ok(image::ImageFormat::Jpeg) => "image/jpeg",
        Ok(image::ImageFormat::Gif) => "image/gif",
        _ => return Err(t!("audits.image_type", name = name)),
    };
    debug_assert!(FEEDBACK_IMAGE_TYPES.contains(&content_type));
    Ok(FeedbackImage {
        file_name: name,
        content_type: content_type.to_owned(),
        bytes: std::sync::Arc::new(bytes),
    })
}

/// §6.11: a gray release of the approved version, to a percentage that only goes up, and its revert.
fn gray_ui(ui: &mut egui::Ui, audit: &Audit, state: &AppState, busy: bool, actions: &mut ActionsView, name: &str) {
    // §6.11 `85079`: a gray release needs a version online already; the first release goes to everyone.
    let Some(code) = code(state, &audit.appid).filter(|code| !code.history.is_empty()) else {
        return;
    };
    let plan_percentage = code.gray.map(|plan| plan.gray_percentage);
    let current = audit.gray_percentage.or(plan_percentage).unwrap_or(0).clamp(0, 100) as u8;
    if current >= 100 {
        return;
    }
    let lowest = current + 1;
    actions.gray_percentage = actions.gray_percentage.clamp(lowest, 100);
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("audits.gray_share"));
        ui.add(egui::Slider::new(&mut actions.gray_percentage, lowest..=100).suffix(" %"));
        let gray = ui
            .add_enabled(!busy, egui::Button::new(t!("audits.gray")))
            .on_hover_text(t!("audits.gray_hint"));
        if gray.clicked() {
            actions.pending = Some(Pending::One {
                appid: audit.appid.clone(),
                name: name.to_owned(),
                action: AuditAction::Gray {
                    percentage: actions.gray_percentage,
                },
            });
        }
    });
    if current > 0 {
        ui.horizontal_wrapped(|ui| {
            ui.label(t!("audits.gray_now", percentage = current));
            if ui
                .add_enabled(!busy, egui::Button::new(t!("audits.gray_revert")))
                .clicked()
            {
                actions.pending = Some(Pending::One {
                    appid: audit.appid.clone(),
                    name: name.to_owned(),
                    action: AuditAction::RevertGray,
                });
            }
        });
    }
}

fn code<'a>(state: &'a AppState, appid: &str) -> Option<&'a CodeState> {
    state.audits.code.get(appid).and_then(Remote::value)
}

/// What is online: the version history (§6.10), the gray plan (§6.11), the visit status (§6.12); rollback and
/// opening or pausing the service.
fn online_ui(ui: &mut egui::Ui, audit: &Audit, state: &AppState, busy: bool, actions: &mut ActionsView, name: &str) {
    ui.add_space(8.0);
    ui.label(RichText::new(t!("audits.online")).strong());
    let remote = state.audits.code.get(&audit.appid);
    if let Some(Remote::Failed { error, .. }) = remote {
        ui.label(tone_text(error_text(error), Tone::Bad).small());
    }
    let Some(code) = remote.and_then(Remote::value) else {
        if remote.is_some_and(Remote::is_loading) {
            ui.spinner();
        }
        return;
    };
    let when = |secs: i64| match state.hide_volatile {
        true => "—".to_owned(),
        false => time_text::datetime(secs),
    };
    if code.history.is_empty() {
        // Nothing online: nothing to roll back, pause or reopen (§6.12 `85021`).
        ui.label(RichText::new(t!("audits.history_empty")).weak());
        return;
    } else {
        egui::Grid::new(("audit-history", &audit.appid))
            .num_columns(2)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                for (index, version) in code.history.iter().enumerate() {
                    let label = if index == 0 {
                        format!("{} · {}", version.user_version, t!("audits.history_latest"))
                    } else {
                        version.user_version.clone()
                    };
                    field_row_ui(ui, &when(version.commit_time), label);
                }
            });
    }
    if let Some(plan) = code.gray {
        let word = if plan.status == 2 {
            t!("audits.gray_paused")
        } else {
            t!("audits.gray_running")
        };
        ui.label(t!("audits.gray_plan", state = word, percentage = plan.gray_percentage));
    }
    let visit = if code.visit_open {
        t!("audits.visit_open")
    } else {
        t!("audits.visit_closed")
    };
    ui.label(visit);
    let mut ask = |action: AuditAction| {
        actions.pending = Some(Pending::One {
            appid: audit.appid.clone(),
            name: name.to_owned(),
            action,
        });
    };
    ui.horizontal_wrapped(|ui| {
        let rollback = ui
            .add_enabled(
                !busy && code.history.len() > 1,
                egui::Button::new(t!("audits.rollback")),
            )
            .on_hover_text(t!("audits.rollback_hint"));
        if rollback.clicked() {
            ask(AuditAction::Rollback);
        }
        let (label, open) = if code.visit_open {
            (t!("audits.visit_close"), false)
        } else {
            (t!("audits.visit_reopen"), true)
        };
        if ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
            ask(AuditAction::Visit { open });
        }
    });
}

/// How the last action on this mini program went: a spinner, done, or the platform's refusal explained.
fn outcome_ui(ui: &mut egui::Ui, audit: &Audit, state: &AppState) {
    let Some((appid, action)) = &state.audits.action else {
        return;
    };
    if appid != &audit.appid {
        return;
    }
    ui.add_space(4.0);
    match &state.audits.acting {
        Remote::Loading { .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(action_name(action));
            });
        }
        Remote::Ready(()) => {
            ui.label(tone_text(
                t!("audits.action_done", action = action_name(action)),
                Tone::Good,
            ));
        }
        Remote::Failed { error, .. } => {
            let text = t!(
                "audits.action_failed",
                action = action_name(action),
                error = error_text(error)
            );
            ui.add(egui::Label::new(tone_text(text, Tone::Bad)).wrap());
        }
        Remote::NotLoaded => {}
    }
}

pub fn action_name(action: &AuditAction) -> &'static str {
    match action {
        AuditAction::Withdraw => t!("audits.withdraw"),
        AuditAction::Speedup { .. } => t!("audits.speedup"),
        AuditAction::Resubmit { .. } => t!("audits.resubmit"),
        AuditAction::Release => t!("audits.release"),
        AuditAction::Gray { .. } => t!("audits.gray"),
        AuditAction::RevertGray => t!("audits.gray_revert"),
        AuditAction::Rollback => t!("audits.rollback"),
        AuditAction::Visit { open: true } => t!("audits.visit_reopen"),
        AuditAction::Visit { open: false } => t!("audits.visit_close"),
    }
}

/// The bulk bar's buttons: release the approved rows selected, speed up the running ones within the quota.
pub fn bulk_ui(
    ui: &mut egui::Ui,
    selection: &Selection<String>,
    audits: &[Audit],
    quota: Option<&AuditQuota>,
) -> Option<Pending> {
    let selected = |status: fn(AuditStatus) -> bool| -> Vec<String> {
        audits
            .iter()
            // The status first: it is this bar's per-frame cost, and hashing every appid of 10,000 rows cost the
            // detail pane's frame more than a millisecond (`benches/console_audits.rs`).
            .filter(|a| status(a.status) && selection.contains(&a.appid))
            .map(|a| a.appid.clone())
            .collect()
    };
    let approved = selected(|s| s == AuditStatus::Approved);
    let running = selected(AuditStatus::is_pending);
    let speedups = quota.map_or(0, |q| q.speedup_rest.max(0)) as usize;
    let mut asked = None;
    // Only what the selection allows is offered: a selection of rejected rows has no bulk action.
    if !approved.is_empty() {
        let release = ui
            .button(t!("audits.bulk_release", count = approved.len()))
            .on_hover_text(t!("audits.bulk_release_hint"));
        if release.clicked() {
            asked = Some(Pending::Batch {
                kind: BatchKind::Release,
                appids: approved,
            });
        }
    }
    if !running.is_empty() {
        let speedup = ui
            .add_enabled(
                running.len() <= speedups,
                egui::Button::new(t!("audits.bulk_speedup", count = running.len())),
            )
            .on_hover_text(t!("audits.bulk_speedup_hint", left = speedups))
            .on_disabled_hover_text(t!("audits.bulk_speedup_over", left = speedups));
        if speedup.clicked() {
            asked = Some(Pending::Batch {
                kind: BatchKind::Speedup,
                appids: running,
            });
        }
    }
    asked
}

/// The confirmation of the action waiting for one; a confirmed action is sent.
pub fn confirm_pending_ui(ctx: &egui::Context, view: &mut AuditsView, out: &mut Outbox) {
    let confirmed = confirm_ui(ctx, &mut view.actions.pending, confirmation);
    match confirmed {
        Some(Pending::One { appid, action, .. }) => {
            out.send(Command::Audits(AuditsCommand::Act { appid, action }));
        }
        Some(Pending::Batch { kind, appids }) => {
            out.send(Command::Audits(AuditsCommand::Batch { kind, appids }));
        }
        None => {}
    }
}

/// What each action will do, said before it is done.
pub fn confirmation(pending: &Pending) -> Confirm {
    match pending {
        Pending::One { name, action, .. } => {
            let (title, body, tone) = match action {
                AuditAction::Withdraw => (
                    t!("audits.withdraw_title", name = name),
                    t!("audits.withdraw_body").to_owned(),
                    Tone::Bad,
                ),
                AuditAction::Speedup { .. } => (
                    t!("audits.speedup_title", name = name),
                    t!("audits.speedup_body").to_owned(),
                    Tone::Good,
                ),
                AuditAction::Resubmit { feedback_info, images } => (
                    t!("audits.resubmit_title", name = name),
                    match (feedback_info, images.len()) {
                        (Some(note), images) => t!("audits.resubmit_body_note", note = note, images = images),
                        (None, 0) => t!("audits.resubmit_body").to_owned(),
                        (None, images) => t!("audits.resubmit_body_images", images = images),
                    },
                    Tone::Good,
                ),
                AuditAction::Release => (
                    t!("audits.release_title", name = name),
                    t!("audits.release_body").to_owned(),
                    Tone::Good,
                ),
                AuditAction::Gray { percentage } => (
                    t!("audits.gray_title", name = name, percentage = percentage),
                    t!("audits.gray_body", percentage = percentage),
                    Tone::Good,
                ),
                AuditAction::RevertGray => (
                    t!("audits.gray_revert_title", name = name),
                    t!("audits.gray_revert_body").to_owned(),
                    Tone::Bad,
                ),
                AuditAction::Rollback => (
                    t!("audits.rollback_title", name = name),
                    t!("audits.rollback_body").to_owned(),
                    Tone::Bad,
                ),
                AuditAction::Visit { open: false } => (
                    t!("audits.visit_close_title", name = name),
                    t!("audits.visit_close_body").to_owned(),
                    Tone::Bad,
                ),
                AuditAction::Visit { open: true } => (
                    t!("audits.visit_reopen_title", name = name),
                    t!("audits.visit_reopen_body").to_owned(),
                    Tone::Good,
                ),
            };
            Confirm::new(title, body, action_name(action)).with_tone(tone)
        }
        Pending::Batch { kind, appids } => {
            let count = appids.len();
            let (title, body, action) = match kind {
                BatchKind::Release => (
                    t!("audits.bulk_release_title", count = count),
                    t!("audits.bulk_release_body", count = count),
                    t!("audits.bulk_release", count = count),
                ),
                BatchKind::Speedup => (
                    t!("audits.bulk_speedup_title", count = count),
                    t!("audits.bulk_speedup_body", count = count),
                    t!("audits.bulk_speedup", count = count),
                ),
            };
            Confirm::new(title, body, action).with_tone(Tone::Good)
        }
    }
}

/// The job as this console knows it: the one open (kept current by `job_progress`), or the list's summary.
fn known_job(state: &AppState, id: JobId) -> Option<&Job> {
    let shown = state.jobs.shown.value().filter(|job| job.id == id);
    shown.or_else(|| state.jobs.list.value()?.iter().find(|job| job.id == id))
}

/// The last bulk action's job: its progress as `job_progress` events bring it, and a way to its page.
pub fn batch_ui(ui: &mut egui::Ui, state: &AppState, actions: &mut ActionsView, out: &mut Outbox) {
    let Some(kind) = state.audits.batch else {
        return;
    };
    let what = match kind {
        BatchKind::Release => t!("audits.batch_release"),
        BatchKind::Speedup => t!("audits.batch_speedup"),
    };
    match &state.audits.batch_job {
        Remote::Loading { .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(what);
            });
        }
        Remote::Failed { error, .. } => {
            let text = t!("audits.batch_failed", what = what, error = error_text(error));
            ui.add(egui::Label::new(tone_text(text, Tone::Bad)).wrap());
        }
        Remote::Ready(id) => {
            // Opened once, so the job's progress events keep it current here and on the Jobs panel.
            if actions.batch_opened != Some(*id) {
                actions.batch_opened = Some(*id);
                out.send(Command::Jobs(JobsCommand::Show(*id)));
            }
            // The job spent quota (speed-ups) or changed what is online (releases): read the quota once it ends.
            let ended = known_job(state, *id).is_some_and(|job| job.state.is_final());
            if ended && actions.batch_ended != Some(*id) && !state.audits.quota.is_loading() {
                actions.batch_ended = Some(*id);
                out.send(quota_command());
            }
            ui.horizontal(|ui| {
                let job = known_job(state, *id);
                let counts = job.map(|job| &job.counts);
                let finished = counts.map_or(0, |c| c.total - c.pending - c.in_progress);
                let total = counts.map_or(0, |c| c.total);
                let text = t!(
                    "audits.batch_progress",
                    what = what,
                    id = id,
                    done = finished,
                    total = total
                );
                ui.label(text);
                if total > 0 {
                    let fraction = finished as f32 / total as f32;
                    ui.add(egui::ProgressBar::new(fraction).desired_width(160.0).show_percentage());
                }
                if ui.link(t!("audits.batch_open")).clicked() {
                    out.send(Command::Jobs(JobsCommand::Show(*id)));
                    out.act(UiAction::Go(Panel::JOBS));
                }
            });
        }
        Remote::NotLoaded => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    #[derive(Debug)]
    struct Dropped(PathBuf, Vec<u8>);

    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &Path {
            &self.0
        }

        fn bytes(&self) -> Result<Vec<u8>, String> {
            Ok(self.1.clone())
        }
    }

    fn png() -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(2, 2)
            .write_to(&mut bytes, image::ImageFormat::Png)
            .unwrap();
        bytes.into_inner()
    }

    #[test]
    fn a_dropped_file_is_taken_only_as_an_image_wechat_accepts() {
        crate::ui::i18n::set_current(crate::ui::i18n::Lang::En);
        let image = feedback_image(&Dropped("/tmp/x/menu.png".into(), png())).expect("a PNG is taken");
        assert_eq!(
            (image.file_name.as_str(), image.content_type.as_str()),
            ("menu.png", "image/png")
        );

        let text = feedback_image(&Dropped("/tmp/x/notes.png".into(), b"not an image".to_vec()));
        assert_eq!(
            text.unwrap_err(),
            "notes.png is not a PNG, JPEG or GIF image",
            "named by its own bytes"
        );

        let mut big = png();
        big.resize(MAX_FEEDBACK_IMAGE_BYTES + 1, 0);
        let error = feedback_image(&Dropped("/tmp/x/big.png".into(), big)).unwrap_err();
        assert_eq!(error, "big.png is larger than 2 MB");
    }
}
