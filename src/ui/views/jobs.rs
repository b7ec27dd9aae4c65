//! The Jobs panel (任务): the hub's durable jobs — an authorizer sync today, deployments next — with their state and
//! progress, and one job's items with each merchant's step and error. Pause, resume, cancel (confirmed) and retry
//! the failed. The work runs on the hub: closing the console does not stop it.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::{Command, Job, JobItem, JobQuery, JobVerb, JobsCommand};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::job_parts::{Names, actions_ui, items_ui, job_progress_ui, kind_text, state_text};
use crate::ui::views::{Outbox, Panel, View};
use crate::ui::widgets::confirm::Confirm;
use crate::ui::widgets::{self, remote_line_ui, tone_text};

impl Panel {
    pub const JOBS: Panel = Panel("jobs");
}

/// The panel's own state: the job whose cancellation waits for confirmation, and merchant names for the items.
#[derive(Debug, Default)]
pub struct JobsView {
    confirm_cancel: Option<i64>,
    names: Names,
}

impl View for JobsView {
    fn panel(&self) -> Panel {
        Panel::JOBS
    }

    fn title(&self) -> &'static str {
        t!("nav.jobs")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        jobs_ui(ui, state, self, out);
    }

    /// Jobs other consoles or the hub started while the panel was closed: the list again, without a Refresh.
    fn opened(&mut self, state: &AppState, out: &mut Outbox) {
        if state.profiles.profile.value().is_some() && !state.jobs.list.is_loading() {
            out.send(Command::Jobs(JobsCommand::List(JobQuery::default())));
        }
    }
}

fn jobs_ui(ui: &mut egui::Ui, state: &AppState, view: &mut JobsView, out: &mut Outbox) {
    let list = Command::Jobs(JobsCommand::List(JobQuery::default()));
    ui.horizontal(|ui| {
        ui.heading(t!("jobs.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let can_refresh = state.profiles.profile.value().is_some() && !state.jobs.list.is_loading();
            if ui
                .add_enabled(can_refresh, egui::Button::new(t!("common.refresh")))
                .clicked()
            {
                out.send(list.clone());
            }
        });
    });
    ui.label(RichText::new(t!("jobs.intro")).weak());
    remote_line_ui(ui, &state.jobs.list, Some(list), &mut out.commands);
    remote_line_ui(ui, &state.jobs.acted, None, &mut out.commands);
    confirm_ui(ui, view, out);

    if let Some(job) = state.jobs.shown.value() {
        egui::Panel::bottom("job-detail")
            .resizable(true)
            .default_size(260.0)
            .min_size(160.0)
            .show(ui, |ui| detail_ui(ui, state, view, job, out));
    }
    let jobs = state.jobs.list.value().map(Vec::as_slice).unwrap_or_default();
    if jobs.is_empty() {
        if !state.jobs.list.is_loading() {
            ui.add_space(16.0);
            ui.label(RichText::new(t!("jobs.empty")).weak());
        }
        return;
    }
    let open = state.jobs.shown.value().map(|job| job.id);
    TableBuilder::new(ui)
        .id_salt("jobs-table")
        .striped(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(50.0))
        .column(Column::initial(130.0).clip(true))
        .column(Column::initial(110.0).clip(true))
        .column(Column::initial(240.0))
        .column(Column::initial(90.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(26.0, |mut header| {
            for title in [
                t!("jobs.col_id"),
                t!("jobs.col_kind"),
                t!("jobs.col_state"),
                t!("jobs.col_progress"),
                t!("jobs.col_by"),
                t!("jobs.col_at"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(26.0, jobs.len(), |mut row| {
                let job = &jobs[row.index()];
                row.set_selected(open == Some(job.id));
                row.col(|ui| {
                    ui.label(format!("#{}", job.id));
                });
                row.col(|ui| {
                    ui.label(kind_text(job.kind));
                });
                row.col(|ui| {
                    let (text, tone) = state_text(job.state);
                    ui.label(tone_text(text, tone));
                });
                row.col(|ui| job_progress_ui(ui, job));
                row.col(|ui| {
                    ui.label(&job.created_by);
                });
                row.col(|ui| {
                    ui.label(if state.hide_volatile {
                        "—".to_owned()
                    } else {
                        time_text::datetime(job.created_at)
                    });
                });
                if row.response().clicked() {
                    out.send(Command::Jobs(JobsCommand::Show(job.id)));
                }
            });
        });
}

fn detail_ui(ui: &mut egui::Ui, state: &AppState, view: &mut JobsView, job: &Job, out: &mut Outbox) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("#{} {}", job.id, kind_text(job.kind))).strong());
        let (text, tone) = state_text(job.state);
        ui.label(tone_text(text, tone));
        if let Some(reason) = &job.reason {
            ui.label(tone_text(reason, Tone::Warning));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            actions_ui(ui, state, job, &mut view.confirm_cancel, out);
        });
    });
    job_progress_ui(ui, job);
    if matches!(state.jobs.shown, Remote::Loading { .. }) && job.items.is_empty() {
        ui.spinner();
        return;
    }
    let list = state.merchants.list.value().map(Vec::as_slice).unwrap_or_default();
    view.names.refresh(state.merchants.version, list);
    let items: Vec<&JobItem> = job.items.iter().collect();
    items_ui(ui, &items, &view.names, state.hide_volatile);
}

/// Cancelling cannot be undone: say what it does before it is sent.
fn confirm_ui(ui: &mut egui::Ui, view: &mut JobsView, out: &mut Outbox) {
    let confirmed = widgets::confirm::confirm_ui(ui.ctx(), &mut view.confirm_cancel, |id| {
        Confirm::new(
            t!("jobs.cancel_title", id = id),
            t!("jobs.cancel_body"),
            t!("jobs.cancel_confirm"),
        )
    });
    if let Some(id) = confirmed {
        out.send(Command::Jobs(JobsCommand::Act(id, JobVerb::Cancel)));
    }
}
