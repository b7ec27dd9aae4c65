//! The Deployments panel (批量发布): every deployment job, newest first, with its state and progress; a job's page
//! (`deployment_job`); and the new-deployment wizard (`deploy_wizard`), which the Templates panel's "Deploy…" and the
//! Merchants panel's "Deploy a template…" open with their template or merchants chosen. The work runs on the hub:
//! closing the console does not stop it, and every console sees the same progress.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::{Command, Job, JobId, JobKind, JobQuery, JobsCommand, TemplatesCommand};
use crate::t;
use crate::ui::deploy_plan::Section;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::deploy_wizard::{Wizard, WizardExit};
use crate::ui::views::deployment_job::JobPage;
use crate::ui::views::job_parts::{job_progress_ui, state_text};
use crate::ui::views::{Outbox, Panel, View};
use crate::ui::widgets::{chip_ui, remote_line_ui};
use crate::wechat::ids::TemplateId;

impl Panel {
    pub const DEPLOYMENTS: Panel = Panel("deployments");
}

/// Which page of the panel is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    List,
    Job(JobId),
    Wizard,
}

/// The panel's own state: the page open, the wizard's form (kept while the operator looks elsewhere) and the job
/// page's.
#[derive(Debug, Default)]
pub struct DeploymentsView {
    pub page: Page,
    pub wizard: Wizard,
    pub job: JobPage,
}

impl DeploymentsView {
    /// Opens the wizard with `template` chosen (the Templates panel's "Deploy…"); the rest of the form is kept.
    pub fn deploy_template(&mut self, template: TemplateId, state: &AppState) {
        self.wizard.choose_template_id(template, state.templates.templates());
        self.wizard.section = match self.wizard.form.appids.is_empty() {
            true => Section::Merchants,
            false => Section::Template,
        };
        self.page = Page::Wizard;
    }

    /// Opens the wizard with exactly these merchants chosen (the Merchants panel's "Deploy a template…").
    pub fn deploy_to(&mut self, appids: Vec<String>) {
        self.wizard.form.appids = appids;
        self.wizard.section = match self.wizard.form.template {
            None => Section::Template,
            Some(_) => Section::Merchants,
        };
        self.page = Page::Wizard;
    }

    fn open_job(&mut self, id: JobId, out: &mut Outbox) {
        self.page = Page::Job(id);
        self.job.opened(id);
        out.send(Command::Jobs(JobsCommand::Show(id)));
    }
}

impl View for DeploymentsView {
    fn panel(&self) -> Panel {
        Panel::DEPLOYMENTS
    }

    fn title(&self) -> &'static str {
        t!("nav.deployments")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        // The wizard picks from the template library: read it if nobody has (or a new hub forgot it).
        let connected = state.profiles.profile.value().is_some();
        if connected && matches!(state.templates.library, Remote::NotLoaded) {
            out.send(Command::Templates(TemplatesCommand::Load));
        }
        match self.page {
            Page::List => list_ui(ui, state, self, out),
            Page::Job(id) => {
                if self.job.ui(ui, state, id, out) {
                    self.page = Page::List;
                }
            }
            Page::Wizard => match self.wizard.ui(ui, state, out) {
                WizardExit::Stay => {}
                WizardExit::Back => self.page = Page::List,
                WizardExit::Started(id) => {
                    self.open_job(id, out);
                    out.send(list());
                }
            },
        }
    }

    /// Other consoles start deployments too, and a job's items move while the panel is closed.
    fn opened(&mut self, state: &AppState, out: &mut Outbox) {
        if state.profiles.profile.value().is_none() {
            return;
        }
        if !state.jobs.list.is_loading() {
            out.send(list());
        }
        if let Page::Job(id) = self.page {
            self.open_job(id, out);
        }
    }
}

fn list() -> Command {
    Command::Jobs(JobsCommand::List(JobQuery::default()))
}

fn list_ui(ui: &mut egui::Ui, state: &AppState, view: &mut DeploymentsView, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.heading(t!("deployments.title"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let new = egui::Button::new(RichText::new(t!("deployments.new")).color(egui::Color32::WHITE))
                .fill(crate::ui::theme::ACCENT);
            if ui.add(new).clicked() {
                view.page = Page::Wizard;
            }
            let can_refresh = state.profiles.profile.value().is_some() && !state.jobs.list.is_loading();
            if ui
                .add_enabled(can_refresh, egui::Button::new(t!("common.refresh")))
                .clicked()
            {
                out.send(list());
            }
        });
    });
    ui.label(RichText::new(t!("deployments.intro")).weak());
    remote_line_ui(ui, &state.jobs.list, Some(list()), &mut out.commands);
    if view.wizard.form != Default::default() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(t!("deployments.draft")).weak());
            if ui.link(t!("deployments.draft_continue")).clicked() {
                view.page = Page::Wizard;
            }
        });
    }
    ui.add_space(4.0);
    let jobs: Vec<&Job> = state
        .jobs
        .list
        .value()
        .map(|list| list.iter().filter(|job| job.kind == JobKind::Deployment).collect())
        .unwrap_or_default();
    if jobs.is_empty() {
        if !state.jobs.list.is_loading() {
            ui.add_space(16.0);
            ui.label(RichText::new(t!("deployments.empty")).weak());
        }
        return;
    }
    let mut clicked = None;
    TableBuilder::new(ui)
        .id_salt("deployments-table")
        .striped(true)
        .sense(egui::Sense::click())
        .min_scrolled_height(0.0)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(60.0).at_least(50.0))
        .column(Column::initial(100.0).at_least(80.0).clip(true))
        .column(Column::initial(260.0).at_least(160.0))
        .column(Column::initial(90.0).at_least(60.0).clip(true))
        .column(Column::initial(170.0).at_least(90.0).clip(true))
        .column(Column::remainder().at_least(100.0).clip(true))
        .header(26.0, |mut header| {
            for title in [
                t!("jobs.col_id"),
                t!("jobs.col_state"),
                t!("jobs.col_progress"),
                t!("jobs.col_by"),
                t!("jobs.col_at"),
                t!("deployments.col_reason"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(28.0, jobs.len(), |mut row| {
                let job = jobs[row.index()];
                row.col(|ui| {
                    // A button as well as the row: the id is what a keyboard or a screen reader finds.
                    if ui.add(egui::Button::new(format!("#{}", job.id)).frame(false)).clicked() {
                        clicked = Some(job.id);
                    }
                });
                row.col(|ui| {
                    let (text, tone) = state_text(job.state);
                    chip_ui(ui, text, tone);
                });
                row.col(|ui| job_progress_ui(ui, job));
                row.col(|ui| {
                    ui.label(&job.created_by);
                });
                row.col(|ui| {
                    ui.label(match state.hide_volatile {
                        true => "—".to_owned(),
                        false => time_text::datetime(job.created_at),
                    });
                });
                row.col(|ui| {
                    if let Some(reason) = &job.reason {
                        ui.add(egui::Label::new(crate::ui::widgets::tone_text(reason, Tone::Warning)).truncate());
                    }
                });
                if row.response().clicked() {
                    clicked = Some(job.id);
                }
            });
        });
    if let Some(id) = clicked {
        view.open_job(id, out);
    }
}
