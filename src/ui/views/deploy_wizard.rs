//! The new-deployment wizard inside the Deployments panel: a row of sections (template, merchants, ext_json, domains,
//! privacy, waves and release, pre-flight), each marked with the problems found in it; Back and Next along the
//! bottom, and on the pre-flight page Start, which asks first and then sends the plan. A 400 from the hub puts each
//! bad field back next to its input, the form untouched; a new job opens its page.

use std::collections::HashSet;

use egui::RichText;

use crate::engine::protocol::{AuthorizerRow, Command, EngineError, JobId, JobsCommand, Plan, TemplateKind};
use crate::t;
use crate::ui::deploy_plan::{self, DeployForm, Problems, Section};
use crate::ui::deploy_ready::{self, Preflight};
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::{Outbox, deploy_sections, deploy_settings, deploy_summary};
use crate::ui::widgets::confirm::{Answer, Confirm};
use crate::ui::widgets::{banner_ui, error_detail_ui, error_text, tone_text};
use crate::wechat::api::template::Template;
use crate::wechat::ids::TemplateId;

/// The wizard's state: the form, where the operator is, and what the hub said of the last attempt.
#[derive(Debug, Default)]
pub struct Wizard {
    pub form: DeployForm,
    pub section: Section,
    /// The merchant picker's filter and row order.
    pub picker: deploy_sections::Picker,
    /// The merchant the ext_json preview is filled for.
    pub preview: Option<String>,
    /// The hub's answer to the last Start that failed, with the appids it was sent with.
    pub refused: Option<Refused>,
    /// A Start was sent; its answer decides where the wizard goes.
    awaiting: bool,
    /// Start was clicked: the confirmation is up with this plan.
    confirming: Option<Plan>,
    /// The merchants the last plan sent named, in its order.
    sent: Vec<String>,
    /// The sections the operator has left at least once: they show what is missing in them.
    left: HashSet<Section>,
    /// The audit quota was asked for since the pre-flight page opened.
    pub(crate) quota_asked: bool,
    cache: PreflightCache,
}

/// The sections whose inputs start empty: what is missing there shows once the operator has left them.
const STARTS_EMPTY: [Section; 3] = [Section::Template, Section::Merchants, Section::Privacy];

/// The hub's refusal of a plan: its error (with `fields` by path) and the merchants the plan named, so `appids[3]`
/// can be shown against the fourth of them.
#[derive(Debug, Clone)]
pub struct Refused {
    pub error: EngineError,
    pub appids: Vec<String>,
}

impl Refused {
    /// The bad fields by path, as the hub named them.
    pub fn problems(&self) -> Problems {
        self.error.fields.iter().cloned().collect()
    }
}

/// What happened to the wizard this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardExit {
    Stay,
    /// The operator went back to the list; the form is kept for later.
    Back,
    /// The hub created the job.
    Started(JobId),
}

/// The split of the chosen merchants, computed again only when the choice or the merchant list changes.
#[derive(Debug, Default)]
struct PreflightCache {
    key: Option<(u64, Vec<String>)>,
    split: Preflight,
}

impl PreflightCache {
    fn get(&mut self, version: u64, appids: &[String], rows: &[AuthorizerRow]) -> &Preflight {
        let fresh = self.key.as_ref().is_some_and(|(v, a)| *v == version && a == appids);
        if !fresh {
            self.split = deploy_ready::preflight(appids, rows);
            self.key = Some((version, appids.to_vec()));
        }
        &self.split
    }
}

/// What every section reads this frame.
pub(crate) struct Ctx<'a> {
    pub state: &'a AppState,
    pub rows: &'a [AuthorizerRow],
    pub preflight: &'a Preflight,
    /// The problems the sections show: the console's own and the hub's, by path (the console's words first), less
    /// those of a section that starts empty (template, merchants, privacy) until the operator has left it once: a
    /// form should not open covered in "required".
    pub problems: &'a Problems,
    /// Every problem, for the pre-flight page.
    pub all_problems: &'a Problems,
    pub refused: Option<&'a Refused>,
    pub template: Option<&'a Template>,
    pub standard: bool,
    pub plan: Option<&'a Plan>,
    /// Whether the plan has no problem the console can see.
    pub startable: bool,
}

impl Wizard {
    /// Chooses the template with this id (from its "Deploy…"), with its version and description where the operator
    /// has typed none of their own.
    pub fn choose_template_id(&mut self, id: TemplateId, library: &[Template]) {
        self.form.choose_template(id, library);
    }

    /// Starts over with an empty form.
    pub fn reset(&mut self) {
        *self = Wizard::default();
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) -> WizardExit {
        if let Some(exit) = self.answer(state) {
            return exit;
        }
        let empty = Vec::new();
        let rows = state.merchants.list.value().unwrap_or(&empty);
        let library = state.templates.templates();
        let template = self
            .form
            .template
            .and_then(|id| library.iter().find(|t| t.template_id == id));
        let standard = template.is_some_and(|t| TemplateKind::of(t) == TemplateKind::Standard);
        let preflight = self.cache.get(state.merchants.version, &self.form.appids, rows);
        let (plan, local) = deploy_plan::plan(&self.form, standard, &preflight.ready);
        let mut problems = local.clone();
        let from_hub = self.refused.as_ref().map(Refused::problems).unwrap_or_default();
        for (path, why) in &from_hub {
            problems.entry(path.clone()).or_insert_with(|| why.clone());
        }
        let shown: Problems = problems
            .iter()
            .filter(|(path, _)| {
                let section = Section::of(path);
                from_hub.contains_key(*path) || !STARTS_EMPTY.contains(&section) || self.left.contains(&section)
            })
            .map(|(path, why)| (path.clone(), why.clone()))
            .collect();
        let ctx = Ctx {
            state,
            rows,
            preflight,
            problems: &shown,
            all_problems: &problems,
            refused: self.refused.as_ref(),
            template,
            standard,
            plan: plan.as_ref(),
            startable: local.is_empty() && plan.is_some(),
        };
        let before = self.section;
        let (mut exit, mut reset) = (WizardExit::Stay, false);
        ui.horizontal(|ui| {
            if ui.button(t!("deploy.back_to_list")).clicked() {
                exit = WizardExit::Back;
            }
            ui.heading(t!("deploy.new_title"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                reset = ui
                    .button(t!("deploy.reset"))
                    .on_hover_text(t!("deploy.reset_hint"))
                    .clicked();
            });
        });
        refused_banner_ui(ui, self.refused.as_ref());
        tabs_ui(ui, &mut self.section, &shown);
        ui.separator();
        let section = self.section;
        egui::Panel::bottom("deploy-wizard-bar")
            .resizable(false)
            .frame(egui::Frame::new().inner_margin(egui::Margin::symmetric(0, 8)))
            .show(ui, |ui| {
                bar_ui(ui, &ctx, &mut self.section, &mut self.confirming, self.awaiting);
            });
        if section == Section::Merchants {
            // The picker is a table that scrolls itself; in another scroll area it would not.
            deploy_sections::merchants_ui(ui, &ctx, &mut self.form, &mut self.picker);
        }
        egui::ScrollArea::vertical()
            .id_salt(("deploy-section", section_id(section)))
            .auto_shrink([false, false])
            .show(ui, |ui| match section {
                Section::Template => deploy_sections::template_ui(ui, &ctx, &mut self.form, out),
                Section::Merchants => {}
                Section::ExtJson => deploy_settings::ext_json_ui(ui, &ctx, &mut self.form, &mut self.preview),
                Section::Domains => deploy_settings::domains_ui(ui, &ctx, &mut self.form),
                Section::Privacy => deploy_settings::privacy_ui(ui, &ctx, &mut self.form),
                Section::Waves => deploy_settings::waves_ui(ui, &ctx, &mut self.form),
                Section::Summary => {
                    if let Some(go) = deploy_summary::summary_ui(ui, &ctx, &mut self.quota_asked, out) {
                        self.section = go;
                    }
                }
            });
        if before != self.section {
            self.left.insert(before);
        }
        if before != Section::Summary && self.section == Section::Summary {
            // Each visit to the pre-flight page reads the quota again: other deployments spend it too. It lists every
            // problem, so from now on every section shows its own.
            self.quota_asked = false;
            self.left.extend(Section::ALL);
        }
        self.confirm_ui(ui.ctx(), state, out);
        if reset {
            self.reset();
        }
        exit
    }

    /// The hub's answer to Start, once: a job to open, or the bad fields to put back in the form.
    fn answer(&mut self, state: &AppState) -> Option<WizardExit> {
        if !self.awaiting || state.jobs.deployed.is_loading() {
            return None;
        }
        self.awaiting = false;
        match &state.jobs.deployed {
            Remote::Ready(id) => {
                let id = *id;
                self.reset();
                Some(WizardExit::Started(id))
            }
            Remote::Failed { error, .. } => {
                let refused = Refused {
                    error: error.clone(),
                    appids: std::mem::take(&mut self.sent),
                };
                // Straight to the first section with a bad field; without fields, the banner says what happened.
                if let Some(first) = refused
                    .error
                    .fields
                    .iter()
                    .map(|(path, _)| Section::of(path))
                    .min_by_key(|section| Section::ALL.iter().position(|s| s == section).unwrap_or(usize::MAX))
                {
                    self.section = first;
                }
                self.refused = Some(refused);
                None
            }
            Remote::NotLoaded | Remote::Loading { .. } => None,
        }
    }

    /// The confirmation before Start: how many merchants, how much quota, and that submitted audits cannot be taken
    /// back. Confirming sends the plan.
    fn confirm_ui(&mut self, ctx: &egui::Context, state: &AppState, out: &mut Outbox) {
        let Some(plan) = &self.confirming else {
            return;
        };
        let count = plan.appids.len();
        let rest = state.jobs.quota.value().map(|q| q.rest);
        let quota = match rest {
            Some(rest) => t!("deploy.confirm_quota", count = count, rest = rest),
            None => t!("deploy.confirm_quota_unknown", count = count),
        };
        let body = t!(
            "deploy.confirm_body",
            count = count,
            template = plan.template_id,
            version = &plan.user_version,
            quota = quota
        );
        let dialog =
            Confirm::new(t!("deploy.confirm_title", count = count), body, t!("deploy.start")).with_tone(Tone::Good);
        match dialog.show(ctx, "deploy-start") {
            Answer::Undecided => {}
            Answer::Cancelled => self.confirming = None,
            Answer::Confirmed => {
                if let Some(plan) = self.confirming.take() {
                    self.sent = plan.appids.clone();
                    self.refused = None;
                    self.awaiting = true;
                    out.send(Command::Jobs(JobsCommand::Deploy(Box::new(plan))));
                }
            }
        }
    }
}

fn section_id(section: Section) -> usize {
    Section::ALL.iter().position(|s| *s == section).unwrap_or_default()
}

pub(crate) fn section_title(section: Section) -> &'static str {
    match section {
        Section::Template => t!("deploy.section_template"),
        Section::Merchants => t!("deploy.section_merchants"),
        Section::ExtJson => t!("deploy.section_ext_json"),
        Section::Domains => t!("deploy.section_domains"),
        Section::Privacy => t!("deploy.section_privacy"),
        Section::Waves => t!("deploy.section_waves"),
        Section::Summary => t!("deploy.section_summary"),
    }
}

/// How many problems lie in `section`.
pub(crate) fn count_in(problems: &Problems, section: Section) -> usize {
    problems.keys().filter(|path| Section::of(path) == section).count()
}

/// The sections as tabs, numbered, each in the bad tone with its count while it has problems.
fn tabs_ui(ui: &mut egui::Ui, current: &mut Section, problems: &Problems) {
    ui.horizontal_wrapped(|ui| {
        for (i, section) in Section::ALL.into_iter().enumerate() {
            let count = count_in(problems, section);
            let mut label = format!("{}. {}", i + 1, section_title(section));
            if count > 0 {
                label.push_str(&format!(" ({count})"));
            }
            let text = match count {
                0 => RichText::new(label),
                _ => RichText::new(label).color(Tone::Bad.color()),
            };
            if ui.add(egui::Button::selectable(*current == section, text)).clicked() {
                *current = section;
            }
        }
    });
}

/// The hub's refusal: with bad fields, how many and where (each is marked at its input); without, what happened.
fn refused_banner_ui(ui: &mut egui::Ui, refused: Option<&Refused>) {
    let Some(refused) = refused else {
        return;
    };
    banner_ui(ui, Tone::Bad, |ui| {
        if refused.error.fields.is_empty() {
            ui.label(tone_text(
                t!("deploy.start_failed", error = error_text(&refused.error)),
                Tone::Bad,
            ));
            error_detail_ui(ui, &refused.error);
            return;
        }
        let sections: Vec<&str> = Section::ALL
            .into_iter()
            .filter(|s| refused.error.fields.iter().any(|(path, _)| Section::of(path) == *s))
            .map(section_title)
            .collect();
        let text = t!(
            "deploy.refused",
            count = refused.error.fields.len(),
            sections = sections.join(t!("common.list_separator"))
        );
        ui.label(tone_text(text, Tone::Bad));
    });
}

/// Back, Next, and on the pre-flight page Start.
fn bar_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, section: &mut Section, confirming: &mut Option<Plan>, awaiting: bool) {
    ui.horizontal(|ui| {
        let previous = section.previous();
        if ui
            .add_enabled(previous.is_some(), egui::Button::new(t!("deploy.previous")))
            .clicked()
            && let Some(previous) = previous
        {
            *section = previous;
        }
        let ready = ctx.preflight.ready.len();
        let summary = match ctx.template {
            Some(template) => t!("deploy.bar_summary", template = template.template_id, count = ready),
            None => t!("deploy.bar_summary_no_template", count = ready),
        };
        ui.label(RichText::new(summary).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            match section.next() {
                Some(next) => {
                    if ui.button(t!("deploy.next")).clicked() {
                        *section = next;
                    }
                }
                None => {
                    let start =
                        egui::Button::new(RichText::new(t!("deploy.start_ellipsis")).color(egui::Color32::WHITE))
                            .fill(Tone::Good.color());
                    let enabled = ctx.startable && !awaiting && !ctx.state.jobs.deployed.is_loading();
                    let response = ui.add_enabled(enabled, start);
                    if awaiting {
                        ui.spinner();
                    }
                    if response.on_disabled_hover_text(t!("deploy.start_blocked")).clicked() {
                        *confirming = ctx.plan.cloned();
                    }
                }
            }
        });
    });
}
