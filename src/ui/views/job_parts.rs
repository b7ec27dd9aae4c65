//! What the Jobs and the Deployments panels both show of a job: its kind and state in words, its progress bar, the
//! operator actions that fit its state, and the per-merchant item table with each item's step, state chip and error
//! explained (a WeChat errcode through the errcode table, a reason the hub found itself through its stable name, an
//! audit rejection as its numbered list).

use std::collections::HashMap;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::{AuthorizerRow, Command, Job, JobId, JobKind, JobState, JobVerb, JobsCommand};
use crate::engine::protocol::{ItemState, JobItem, item_reason};
use crate::t;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::Outbox;
use crate::ui::widgets::progress::{Progress, progress_ui};
use crate::ui::widgets::{chip_ui, tone_text, wechat_error_text};

pub(crate) fn kind_text(kind: JobKind) -> &'static str {
    match kind {
        JobKind::AuthorizerSync => t!("jobs.kind_sync"),
        JobKind::Deployment => t!("jobs.kind_deployment"),
        JobKind::AuditRelease => t!("jobs.kind_audit_release"),
        JobKind::AuditSpeedup => t!("jobs.kind_audit_speedup"),
        JobKind::Other => t!("jobs.kind_other"),
    }
}

pub(crate) fn state_text(state: JobState) -> (&'static str, Tone) {
    match state {
        JobState::Running => (t!("jobs.running"), Tone::Pending),
        JobState::Paused => (t!("jobs.paused"), Tone::Warning),
        JobState::WaitingApproval => (t!("jobs.waiting_approval"), Tone::Warning),
        JobState::Halted => (t!("jobs.halted"), Tone::Bad),
        JobState::Completed => (t!("jobs.completed"), Tone::Good),
        JobState::Cancelled => (t!("jobs.cancelled"), Tone::Neutral),
    }
}

pub(crate) fn item_state_text(state: ItemState) -> (&'static str, Tone) {
    match state {
        ItemState::Pending => (t!("jobs.item_pending"), Tone::Neutral),
        ItemState::InProgress => (t!("jobs.item_in_progress"), Tone::Pending),
        ItemState::WaitingAudit => (t!("jobs.item_waiting_audit"), Tone::Pending),
        ItemState::Approved => (t!("jobs.item_approved"), Tone::Good),
        ItemState::Released => (t!("jobs.item_released"), Tone::Released),
        ItemState::Rejected => (t!("jobs.item_rejected"), Tone::Bad),
        ItemState::Failed => (t!("jobs.item_failed"), Tone::Bad),
        ItemState::Skipped => (t!("jobs.item_skipped"), Tone::Warning),
        ItemState::Cancelled => (t!("jobs.item_cancelled"), Tone::Neutral),
        ItemState::Done => (t!("jobs.item_done"), Tone::Good),
    }
}

/// A step of a job kind in words (`preflight` → 预检); a step this build does not know shows as the hub named it.
pub(crate) fn step_text(step: &str) -> &str {
    match step {
        "preflight" => t!("jobs.step_preflight"),
        "domains" => t!("jobs.step_domains"),
        "commit" => t!("jobs.step_commit"),
        "scan" => t!("jobs.step_scan"),
        "privacy" => t!("jobs.step_privacy"),
        "submit_audit" => t!("jobs.step_submit_audit"),
        "audit" => t!("jobs.step_audit"),
        "release" => t!("jobs.step_release"),
        "confirm" => t!("jobs.step_confirm"),
        other => other,
    }
}

/// A reason the hub found itself (`hubapi::item_reason`) in words; `None` for a name this build does not know.
pub(crate) fn reason_text(reason: &str) -> Option<&'static str> {
    Some(match reason {
        item_reason::NOT_AUTHORIZED => t!("jobs.reason_not_authorized"),
        item_reason::NO_CODE_MANAGEMENT => t!("jobs.reason_no_code_management"),
        item_reason::NO_NAME => t!("jobs.reason_no_name"),
        item_reason::NO_AVATAR => t!("jobs.reason_no_avatar"),
        item_reason::NO_CATEGORY => t!("jobs.reason_no_category"),
        item_reason::ALREADY_ONLINE => t!("jobs.reason_already_online"),
        item_reason::AUDIT_RUNNING => t!("jobs.reason_audit_running"),
        item_reason::PRIVACY_TEXT_MISSING => t!("jobs.reason_privacy_text_missing"),
        item_reason::AUDIT_WITHDRAWN => t!("jobs.reason_audit_withdrawn"),
        item_reason::VERSION_MISMATCH => t!("jobs.reason_version_mismatch"),
        item_reason::NOT_AUDITING => t!("jobs.reason_not_auditing"),
        _ => return None,
    })
}

/// An audit's rejection as the platform writes it ("1. …<br>2. …"), one reason a line.
pub(crate) fn rejection_lines(message: &str) -> Vec<String> {
    message
        .split("<br>")
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What went wrong with an item, in words, with the hub's own text where it adds something (the privacy keys a
/// guide lacks). `None` when nothing did.
pub(crate) fn item_explanation(item: &JobItem) -> Option<String> {
    let message = item.message.as_deref().unwrap_or_default();
    if let Some(errcode) = item.errcode {
        return Some(wechat_error_text(errcode, message));
    }
    if let Some(words) = item.reason.as_deref().and_then(reason_text) {
        return Some(match item.reason.as_deref() {
            Some(item_reason::PRIVACY_TEXT_MISSING) if !message.is_empty() => format!("{words}（{message}）"),
            _ => words.to_owned(),
        });
    }
    if item.state == ItemState::Rejected {
        let reasons = rejection_lines(message);
        return Some(match reasons.is_empty() {
            true => t!("jobs.rejected_no_reason").to_owned(),
            false => t!("jobs.rejected_because", reasons = reasons.join(" ")),
        });
    }
    (!message.is_empty()).then(|| message.to_owned())
}

/// The bar of a job's progress: finished items of all, failed ones beside it.
pub(crate) fn job_progress_ui(ui: &mut egui::Ui, job: &Job) {
    let counts = job.counts;
    let progress = Progress {
        done: counts.finished().max(0) as u64,
        total: counts.total.max(0) as u64,
        failed: counts.failed.max(0) as u64,
        running: job.state == JobState::Running,
    };
    progress_ui(ui, &progress);
}

/// The operator actions that fit the job's state, right to left: cancel (which only asks, through
/// `confirm_cancel`), retry the failed, approve the next wave, resume, pause.
pub(crate) fn actions_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    job: &Job,
    confirm_cancel: &mut Option<JobId>,
    out: &mut Outbox,
) {
    let busy = state.jobs.acted.is_loading();
    let can = |wanted: &[JobState]| !busy && wanted.contains(&job.state);
    let act = |verb| Command::Jobs(JobsCommand::Act(job.id, verb));
    let unfinished = [
        JobState::Running,
        JobState::Paused,
        JobState::WaitingApproval,
        JobState::Halted,
    ];
    if ui
        .add_enabled(can(&unfinished), egui::Button::new(t!("jobs.cancel")))
        .clicked()
    {
        *confirm_cancel = Some(job.id);
    }
    if ui
        .add_enabled(!busy && job.counts.failed > 0, egui::Button::new(t!("jobs.retry")))
        .on_hover_text(t!("jobs.retry_hint"))
        .clicked()
    {
        out.send(Command::Jobs(JobsCommand::Retry(job.id, Vec::new())));
    }
    let approve = egui::Button::new(t!("jobs.approve"));
    let approve = match can(&[JobState::WaitingApproval]) {
        true => approve.fill(crate::ui::theme::Tone::Good.fill()),
        false => approve,
    };
    if ui.add_enabled(can(&[JobState::WaitingApproval]), approve).clicked() {
        out.send(act(JobVerb::Approve));
    }
    if ui
        .add_enabled(
            can(&[JobState::Paused, JobState::Halted]),
            egui::Button::new(t!("jobs.resume")),
        )
        .clicked()
    {
        out.send(act(JobVerb::Resume));
    }
    if ui
        .add_enabled(
            can(&[JobState::Running, JobState::WaitingApproval]),
            egui::Button::new(t!("jobs.pause")),
        )
        .clicked()
    {
        out.send(act(JobVerb::Pause));
    }
}

/// Merchant names by appid, rebuilt only when the merchant list changes.
#[derive(Debug, Default)]
pub(crate) struct Names {
    version: Option<u64>,
    names: HashMap<String, String>,
}

impl Names {
    pub(crate) fn refresh(&mut self, version: u64, rows: &[AuthorizerRow]) {
        if self.version == Some(version) {
            return;
        }
        self.names = rows.iter().map(|r| (r.appid.clone(), r.nick_name.clone())).collect();
        self.version = Some(version);
    }

    pub(crate) fn get(&self, appid: &str) -> Option<&str> {
        self.names.get(appid).map(String::as_str).filter(|n| !n.is_empty())
    }
}

/// Below this width the item table's columns take their compact widths.
const COMPACT_BELOW: f32 = 900.0;

/// The items of a job, one row a merchant: name and appid, wave, step, state, what went wrong, audit id, updated.
pub(crate) fn items_ui(ui: &mut egui::Ui, items: &[&JobItem], names: &Names, hide_volatile: bool) {
    // In a narrow window (900 points wide, less the navigation) the columns give up room so that all seven fit.
    let compact = ui.available_width() < COMPACT_BELOW;
    let [merchant, wave, step, state, reason, auditid, updated] = match compact {
        true => [140.0, 36.0, 64.0, 72.0, 90.0, 72.0, 140.0],
        false => [190.0, 44.0, 84.0, 84.0, 160.0, 90.0, 160.0],
    };
    TableBuilder::new(ui)
        .id_salt(("job-items", compact))
        .striped(true)
        .resizable(true)
        .min_scrolled_height(0.0)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(merchant).at_least(120.0).clip(true))
        .column(Column::initial(wave).at_least(32.0))
        .column(Column::initial(step).at_least(60.0).clip(true))
        .column(Column::initial(state).at_least(64.0).clip(true))
        .column(Column::remainder().at_least(reason).clip(true))
        .column(Column::initial(auditid).at_least(60.0).clip(true))
        .column(Column::initial(updated).at_least(80.0).clip(true))
        .header(24.0, |mut header| {
            for title in [
                t!("jobs.col_merchant"),
                t!("jobs.col_wave"),
                t!("jobs.col_step"),
                t!("jobs.col_state"),
                t!("jobs.col_error"),
                t!("jobs.col_auditid"),
                t!("jobs.col_updated"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(36.0, items.len(), |mut row| {
                let item = items[row.index()];
                row.col(|ui| merchant_cell_ui(ui, item, names));
                row.col(|ui| {
                    ui.label((item.wave + 1).to_string());
                });
                row.col(|ui| {
                    ui.label(step_text(&item.step));
                });
                row.col(|ui| {
                    let (text, tone) = item_state_text(item.state);
                    chip_ui(ui, text, tone);
                });
                row.col(|ui| explanation_cell_ui(ui, item));
                row.col(|ui| {
                    let auditid = item.auditid.map_or_else(|| "—".to_owned(), |id| id.to_string());
                    ui.label(RichText::new(auditid).monospace());
                });
                row.col(|ui| {
                    ui.label(match hide_volatile {
                        true => "—".to_owned(),
                        false => time_text::datetime(item.updated_at),
                    });
                });
            });
        });
}

/// The merchant's name over its appid; the appid alone when the merchant list does not know it.
fn merchant_cell_ui(ui: &mut egui::Ui, item: &JobItem, names: &Names) {
    let appid = RichText::new(&item.appid).monospace();
    match names.get(&item.appid) {
        Some(name) => {
            ui.vertical(|ui| {
                ui.spacing_mut().item_spacing.y = 0.0;
                ui.add(egui::Label::new(name).truncate());
                ui.add(egui::Label::new(appid.small().weak()).truncate());
            });
        }
        None => {
            ui.add(egui::Label::new(appid).truncate());
        }
    }
}

fn explanation_cell_ui(ui: &mut egui::Ui, item: &JobItem) {
    let Some(text) = item_explanation(item) else {
        return;
    };
    let tone = match item.state {
        ItemState::Skipped => Tone::Warning,
        ItemState::Failed | ItemState::Rejected => Tone::Bad,
        _ => Tone::Neutral,
    };
    // The cell holds one line; the whole explanation, a rejection's reasons one a line, is the tooltip.
    let full = match item.state {
        ItemState::Rejected if item.errcode.is_none() && item.reason.is_none() => {
            rejection_lines(item.message.as_deref().unwrap_or_default()).join("\n")
        }
        _ => text.clone(),
    };
    ui.add(egui::Label::new(tone_text(text, tone)).truncate())
        .on_hover_text(full);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::{Lang, set_current};

    fn item(state: ItemState) -> JobItem {
        JobItem::at("wx0123456789abcdef", 0, "audit", state)
    }

    #[test]
    fn every_reason_the_hub_names_has_words_in_both_languages() {
        for lang in Lang::ALL {
            set_current(lang);
            for reason in [
                item_reason::NOT_AUTHORIZED,
                item_reason::NO_CODE_MANAGEMENT,
                item_reason::NO_NAME,
                item_reason::NO_AVATAR,
                item_reason::NO_CATEGORY,
                item_reason::ALREADY_ONLINE,
                item_reason::PRIVACY_TEXT_MISSING,
                item_reason::AUDIT_WITHDRAWN,
                item_reason::VERSION_MISMATCH,
                item_reason::NOT_AUDITING,
            ] {
                let words = reason_text(reason).unwrap_or_else(|| panic!("{reason} has no words"));
                assert!(!words.contains('_'), "{reason} in {lang:?} reads as a name: {words}");
            }
        }
        assert_eq!(reason_text("from_a_newer_hub"), None);
    }

    #[test]
    fn an_item_says_what_went_wrong_in_words() {
        set_current(Lang::ZhCn);
        let skipped = JobItem {
            reason: Some(item_reason::ALREADY_ONLINE.into()),
            message: Some("version 1.3.0 is already online".into()),
            ..item(ItemState::Skipped)
        };
        assert_eq!(item_explanation(&skipped).as_deref(), reason_text("already_online"));

        let missing = JobItem {
            reason: Some(item_reason::PRIVACY_TEXT_MISSING.into()),
            message: Some("no text for Album".into()),
            ..item(ItemState::Failed)
        };
        assert!(item_explanation(&missing).unwrap().contains("Album"));

        let refused = JobItem {
            errcode: Some(85085),
            message: Some("quota".into()),
            ..item(ItemState::Failed)
        };
        let words = item_explanation(&refused).unwrap();
        assert!(words.contains("85085") && words.contains("额度"), "{words}");

        let rejected = JobItem {
            message: Some("1. 类目不符<br>2. 页面空白<br>".into()),
            ..item(ItemState::Rejected)
        };
        let words = item_explanation(&rejected).unwrap();
        assert!(words.contains("1. 类目不符 2. 页面空白"), "{words}");
        assert_eq!(rejection_lines("1. a<br> 2. b <br>"), vec!["1. a", "2. b"]);

        assert_eq!(item_explanation(&item(ItemState::InProgress)), None);
    }
}
