//! One deployment's page: its state, reason and progress, the actions that fit its state (pause, resume, approve
//! the next wave, cancel after a confirmation that says what it does, retry the failed), the waves with each one's
//! counts by state, and the per-merchant table, filtered to what needs a look when asked. It follows `job_progress`:
//! the shell reads the items again whenever the hub reports this job moved.

use std::collections::BTreeMap;

use egui::RichText;

use crate::engine::protocol::{
    Command, ItemState, Job, JobCounts, JobId, JobItem, JobState, JobVerb, JobsCommand, SimulatedAudit,
};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::Outbox;
use crate::ui::views::job_parts::{Names, actions_ui, item_state_text, items_ui, job_progress_ui, state_text};
use crate::ui::widgets::confirm::{Answer, Confirm};
use crate::ui::widgets::{banner_ui, chip_ui, error_detail_ui, error_text, remote_line_ui, tone_text};

/// Which items the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemFilter {
    #[default]
    All,
    /// Failed, rejected or skipped: the ones with a reason to read.
    Attention,
    Wave(i64),
}

/// The job page's own state.
#[derive(Debug, Default)]
pub struct JobPage {
    confirm_cancel: Option<JobId>,
    names: Names,
    pub filter: ItemFilter,
    /// The job whose items were asked for since the page opened, so a failed read is not asked again every frame.
    asked: Option<JobId>,
}

impl JobPage {
    /// The page opens on job `id` (its items are being asked for).
    pub fn opened(&mut self, id: JobId) {
        if self.asked != Some(id) {
            self.filter = ItemFilter::All;
        }
        self.asked = Some(id);
    }

    /// Draws job `id`'s page; returns true when the operator went back to the list.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, id: JobId, out: &mut Outbox) -> bool {
        let mut back = false;
        let shown = state.jobs.shown.value().filter(|job| job.id == id);
        if shown.is_none() && self.asked != Some(id) {
            self.opened(id);
            out.send(Command::Jobs(JobsCommand::Show(id)));
        }
        // Until the items arrive, the list's summary of the job heads the page.
        let summary = state
            .jobs
            .list
            .value()
            .and_then(|list| list.iter().find(|job| job.id == id));
        ui.horizontal(|ui| {
            back = ui.button(t!("deploy.back_to_list")).clicked();
            ui.heading(t!("deployments.job_title", id = id));
            if let Some(job) = shown.or(summary) {
                let (text, tone) = state_text(job.state);
                chip_ui(ui, text, tone);
            }
        });
        // The actions on a row of their own, so they keep their room in a narrow window.
        if let Some(job) = shown.or(summary) {
            ui.horizontal(|ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    actions_ui(ui, state, job, &mut self.confirm_cancel, out);
                    // Why it halted or was cancelled, in the room the buttons leave.
                    if let Some(reason) = &job.reason {
                        ui.add(egui::Label::new(tone_text(reason, Tone::Warning)).truncate())
                            .on_hover_text(reason);
                    }
                });
            });
        }
        self.confirm_ui(ui.ctx(), out);
        let Some(job) = shown.or(summary) else {
            remote_line_ui(ui, &state.jobs.shown, Some(show(id)), &mut out.commands);
            return back;
        };
        job_progress_ui(ui, job);
        remote_line_ui(ui, &state.jobs.acted, None, &mut out.commands);
        if let Remote::Failed { error, .. } = &state.jobs.shown {
            ui.label(tone_text(error_text(error), Tone::Bad));
            error_detail_ui(ui, error);
        }
        let Some(job) = shown else {
            ui.spinner();
            return back;
        };
        let waves = waves_of(&job.items);
        gate_banner_ui(ui, job, &waves);
        if state.is_sandbox() {
            sandbox_audits_ui(ui, state, job, out);
        }
        waves_ui(ui, &waves, &mut self.filter);
        ui.add_space(6.0);
        let list = state.merchants.list.value().map(Vec::as_slice).unwrap_or_default();
        self.names.refresh(state.merchants.version, list);
        filter_ui(ui, &mut self.filter, &waves);
        let items: Vec<&JobItem> = job.items.iter().filter(|item| self.filter.keeps(item)).collect();
        items_ui(ui, &items, &self.names, state.hide_volatile);
        back
    }

    /// Cancelling cannot be undone: say what stops and what does not before it is sent.
    fn confirm_ui(&mut self, ctx: &egui::Context, out: &mut Outbox) {
        let Some(id) = self.confirm_cancel else {
            return;
        };
        let dialog = Confirm::new(
            t!("deployments.cancel_title", id = id),
            t!("deployments.cancel_body"),
            t!("deployments.cancel_confirm"),
        );
        match dialog.show(ctx, ("deployment-cancel", id)) {
            Answer::Undecided => {}
            Answer::Cancelled => self.confirm_cancel = None,
            Answer::Confirmed => {
                self.confirm_cancel = None;
                out.send(Command::Jobs(JobsCommand::Act(id, JobVerb::Cancel)));
            }
        }
    }
}

fn show(id: JobId) -> Command {
    Command::Jobs(JobsCommand::Show(id))
}

impl ItemFilter {
    fn keeps(self, item: &JobItem) -> bool {
        match self {
            ItemFilter::All => true,
            ItemFilter::Attention => matches!(item.state, ItemState::Failed | ItemState::Rejected | ItemState::Skipped),
            ItemFilter::Wave(wave) => item.wave == wave,
        }
    }
}

/// Each wave's counts by state, from the job's items.
pub fn waves_of(items: &[JobItem]) -> BTreeMap<i64, JobCounts> {
    let mut waves: BTreeMap<i64, JobCounts> = BTreeMap::new();
    for item in items {
        waves.entry(item.wave).or_default().add(item.state, 1);
    }
    waves
}

/// At a manual gate: what the finished wave did and what approving starts.
fn gate_banner_ui(ui: &mut egui::Ui, job: &Job, waves: &BTreeMap<i64, JobCounts>) {
    if job.state != JobState::WaitingApproval {
        return;
    }
    let next = waves.iter().find(|(_, counts)| counts.pending == counts.total);
    let text = match next {
        Some((wave, counts)) => t!("deployments.gate", wave = wave + 1, count = counts.total),
        None => t!("deployments.gate_unknown").to_owned(),
    };
    banner_ui(ui, Tone::Warning, |ui| {
        ui.label(tone_text(text, Tone::Warning));
    });
}

/// Sandbox only: the audits this job waits for end now, approved or rejected, instead of in simulated hours. The
/// simulator pushes each result to the hub, which moves the items on as it would on the platform.
fn sandbox_audits_ui(ui: &mut egui::Ui, state: &AppState, job: &Job, out: &mut Outbox) {
    let appids: Vec<String> = job
        .items
        .iter()
        .filter(|item| item.state == ItemState::WaitingAudit)
        .map(|item| item.appid.clone())
        .collect();
    // A refusal stays readable after the audits it was about have moved on.
    remote_line_ui(ui, &state.jobs.simulated, None, &mut out.commands);
    if appids.is_empty() {
        return;
    }
    let busy = state.jobs.simulated.is_loading();
    banner_ui(ui, Tone::Pending, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(t!("deployments.sandbox_audits", count = appids.len()));
            for (label, outcome) in [
                (t!("deployments.sandbox_approve"), SimulatedAudit::Approve),
                (t!("deployments.sandbox_reject"), SimulatedAudit::Reject),
            ] {
                if ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
                    out.send(Command::Jobs(JobsCommand::SimulateAudits {
                        appids: appids.clone(),
                        outcome,
                    }));
                }
            }
        });
    });
}

/// One line a wave: its number and size, then a chip per state it has items in.
fn waves_ui(ui: &mut egui::Ui, waves: &BTreeMap<i64, JobCounts>, filter: &mut ItemFilter) {
    ui.label(RichText::new(t!("deployments.waves")).strong());
    for (wave, counts) in waves {
        ui.horizontal_wrapped(|ui| {
            let title = t!("deployments.wave", wave = wave + 1, count = counts.total);
            if ui.link(title).clicked() {
                *filter = ItemFilter::Wave(*wave);
            }
            for state in ItemState::ALL {
                let count = count_of(counts, state);
                if count > 0 {
                    let (text, tone) = item_state_text(state);
                    chip_ui(ui, format!("{text} {count}"), tone);
                }
            }
        });
    }
}

fn count_of(counts: &JobCounts, state: ItemState) -> i64 {
    match state {
        ItemState::Pending => counts.pending,
        ItemState::InProgress => counts.in_progress,
        ItemState::WaitingAudit => counts.waiting_audit,
        ItemState::Approved => counts.approved,
        ItemState::Released => counts.released,
        ItemState::Rejected => counts.rejected,
        ItemState::Failed => counts.failed,
        ItemState::Skipped => counts.skipped,
        ItemState::Cancelled => counts.cancelled,
        ItemState::Done => counts.done,
    }
}

fn filter_ui(ui: &mut egui::Ui, filter: &mut ItemFilter, waves: &BTreeMap<i64, JobCounts>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(t!("deployments.items")).strong());
        ui.selectable_value(filter, ItemFilter::All, t!("deployments.filter_all"));
        ui.selectable_value(filter, ItemFilter::Attention, t!("deployments.filter_attention"));
        if waves.len() > 1 {
            for wave in waves.keys() {
                let text = t!("deployments.filter_wave", wave = wave + 1);
                ui.selectable_value(filter, ItemFilter::Wave(*wave), text);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(wave: i64, state: ItemState) -> JobItem {
        JobItem::at(&format!("wx{wave}"), wave, "preflight", state)
    }

    #[test]
    fn waves_count_their_items_by_state_and_filters_pick_them() {
        let items = vec![
            item(0, ItemState::Skipped),
            item(1, ItemState::InProgress),
            item(1, ItemState::Pending),
            item(1, ItemState::Rejected),
        ];
        let waves = waves_of(&items);
        assert_eq!(waves.len(), 2);
        assert_eq!((waves[&0].total, waves[&0].skipped), (1, 1));
        assert_eq!(
            (
                waves[&1].total,
                waves[&1].in_progress,
                waves[&1].pending,
                waves[&1].rejected
            ),
            (3, 1, 1, 1)
        );
        let kept = |filter: ItemFilter| items.iter().filter(|i| filter.keeps(i)).count();
        assert_eq!(kept(ItemFilter::All), 4);
        assert_eq!(kept(ItemFilter::Attention), 2, "the skipped and the rejected");
        assert_eq!(kept(ItemFilter::Wave(1)), 3);
        for state in ItemState::ALL {
            let mut counts = JobCounts::default();
            counts.add(state, 2);
            assert_eq!(count_of(&counts, state), 2, "{state:?}");
        }
    }
}
