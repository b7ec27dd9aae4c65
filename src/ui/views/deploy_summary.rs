//! The wizard's last section, the pre-flight summary before Start: the template and version, which chosen merchants
//! are ready and which are blocked and why, the waves with the first one's merchants, the gate, threshold and release
//! policy in words, the audit quota the plan needs against what the platform has left this month, and every problem
//! still in the way with a link to its section.

use egui::RichText;

use crate::engine::protocol::{Command, Gate, JobsCommand, ReleasePolicy, TemplateKind, wave_sizes};
use crate::t;
use crate::ui::deploy_plan::Section;
use crate::ui::remote::Remote;
use crate::ui::theme::Tone;
use crate::ui::views::Outbox;
use crate::ui::views::deploy_settings::waves_text;
use crate::ui::views::deploy_wizard::{Ctx, section_title};
use crate::ui::views::template_tables;
use crate::ui::widgets::{chip_ui, error_text, field_row_ui, tone_text};

/// How many blocked merchants the summary lists by name; the count says how many more.
const BLOCKED_LISTED: usize = 30;
/// How many of the first wave's merchants the summary names.
const FIRST_WAVE_NAMED: usize = 5;

/// Draws the summary; returns the section a "Fix…" link asks for.
pub(crate) fn summary_ui(
    ui: &mut egui::Ui,
    ctx: &Ctx<'_>,
    quota_asked: &mut bool,
    out: &mut Outbox,
) -> Option<Section> {
    let mut go = None;
    ui.label(RichText::new(t!("deploy.summary_intro")).weak());
    ui.add_space(6.0);
    egui::Grid::new("deploy-summary")
        .num_columns(2)
        .spacing([16.0, 8.0])
        .show(ui, |ui| {
            let template = match ctx.template {
                Some(template) => format!(
                    "#{} · {} {} · {}",
                    template.template_id,
                    template.user_version,
                    template.user_desc,
                    template_tables::kind_text(TemplateKind::of(template))
                ),
                None => "—".to_owned(),
            };
            field_row_ui(ui, t!("deploy.section_template"), template);
            if let Some(plan) = ctx.plan {
                field_row_ui(
                    ui,
                    t!("deploy.user_version"),
                    format!("{} {}", plan.user_version, plan.user_desc),
                );
                let sizes = wave_sizes(&plan.waves, plan.appids.len()).unwrap_or_default();
                field_row_ui(ui, t!("deploy.waves"), waves_text(&sizes));
                let gate = match plan.gate {
                    Gate::Manual => t!("deploy.gate_manual_short"),
                    Gate::Auto => t!("deploy.gate_auto_short"),
                };
                field_row_ui(ui, t!("deploy.gate"), gate);
                let threshold = t!(
                    "deploy.threshold_short",
                    percent = plan.max_failure_percent,
                    sample = plan.min_sample
                );
                field_row_ui(ui, t!("deploy.threshold"), threshold);
                field_row_ui(ui, t!("deploy.release"), release_text(&plan.release));
            }
        });
    ui.add_space(8.0);
    merchants_ui(ui, ctx);
    ui.add_space(8.0);
    quota_ui(ui, ctx, quota_asked, out);
    ui.add_space(8.0);
    problems_ui(ui, ctx, &mut go);
    ui.add_space(6.0);
    ui.label(RichText::new(t!("deploy.runs_on_hub")).weak().small());
    go
}

fn release_text(release: &ReleasePolicy) -> String {
    match release {
        ReleasePolicy::Release => t!("deploy.release_release_short").to_owned(),
        ReleasePolicy::Hold => t!("deploy.release_hold_short").to_owned(),
        ReleasePolicy::Gray { steps, interval_secs } => {
            let steps: Vec<String> = steps.iter().map(|s| format!("{s}%")).collect();
            t!(
                "deploy.release_gray_short",
                steps = steps.join(", "),
                minutes = interval_secs / 60
            )
        }
    }
}

/// Ready and blocked, the blocked by name with why, and the first wave's merchants.
fn merchants_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>) {
    let (ready, blocked) = (&ctx.preflight.ready, &ctx.preflight.blocked);
    let name_of = |appid: &str| {
        ctx.rows
            .iter()
            .find(|row| row.appid == appid)
            .map(|row| row.nick_name.clone())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| appid.to_owned())
    };
    ui.horizontal_wrapped(|ui| {
        chip_ui(ui, t!("deploy.summary_ready", count = ready.len()), Tone::Good);
        if !blocked.is_empty() {
            chip_ui(ui, t!("deploy.summary_blocked", count = blocked.len()), Tone::Warning);
        }
    });
    if let Some(plan) = ctx.plan
        && let Ok(sizes) = wave_sizes(&plan.waves, plan.appids.len())
        && let Some(&first) = sizes.first()
        && sizes.len() > 1
    {
        let names: Vec<String> = plan
            .appids
            .iter()
            .take(first.min(FIRST_WAVE_NAMED))
            .map(|a| name_of(a))
            .collect();
        let mut text = names.join(t!("common.list_separator"));
        if first > FIRST_WAVE_NAMED {
            text.push_str(&t!("deploy.and_more", count = first - FIRST_WAVE_NAMED));
        }
        ui.label(t!("deploy.first_wave", names = text));
    }
    if blocked.is_empty() {
        return;
    }
    ui.label(tone_text(t!("deploy.blocked_left_out"), Tone::Warning));
    egui::Grid::new("deploy-blocked")
        .num_columns(3)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for (appid, why) in blocked.iter().take(BLOCKED_LISTED) {
                ui.label(name_of(appid));
                ui.label(RichText::new(appid).monospace());
                ui.label(tone_text(why.text(), Tone::Warning));
                ui.end_row();
            }
        });
    if blocked.len() > BLOCKED_LISTED {
        ui.label(RichText::new(t!("deploy.and_more", count = blocked.len() - BLOCKED_LISTED)).weak());
    }
}

/// What the plan spends of the platform's monthly audit quota (one `submit_audit` per merchant at most; a skipped
/// one spends none) against what is left, read through a ready merchant when the page opens.
fn quota_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, asked: &mut bool, out: &mut Outbox) {
    let Some(through) = ctx.preflight.ready.first() else {
        return;
    };
    let ask = Command::Jobs(JobsCommand::AuditQuota(through.clone()));
    let quota = &ctx.state.jobs.quota;
    if !*asked && !quota.is_loading() {
        *asked = true;
        out.send(ask.clone());
    }
    let need = ctx.preflight.ready.len();
    let first = ctx
        .plan
        .and_then(|plan| wave_sizes(&plan.waves, plan.appids.len()).ok())
        .and_then(|sizes| sizes.first().copied())
        .unwrap_or(need);
    ui.label(RichText::new(t!("deploy.quota")).strong());
    let needs = t!("deploy.quota_need", count = need, first = first);
    match (quota.value(), quota) {
        (_, Remote::Loading { .. }) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("{needs} {}", t!("deploy.quota_reading")));
            });
        }
        (_, Remote::Failed { error, .. }) => {
            ui.label(needs);
            ui.horizontal_wrapped(|ui| {
                ui.label(tone_text(
                    t!("deploy.quota_failed", error = error_text(error)),
                    Tone::Bad,
                ));
                if ui.button(t!("common.retry")).clicked() {
                    out.send(ask);
                }
            });
        }
        (Some(left), _) => {
            let rest = usize::try_from(left.rest.max(0)).unwrap_or(0);
            let (line, tone) = if rest >= need {
                (
                    t!("deploy.quota_enough", rest = left.rest, limit = left.limit),
                    Tone::Good,
                )
            } else if rest >= first {
                (
                    t!("deploy.quota_short", rest = left.rest, limit = left.limit),
                    Tone::Warning,
                )
            } else {
                (t!("deploy.quota_none", rest = left.rest, limit = left.limit), Tone::Bad)
            };
            ui.label(needs);
            ui.add(egui::Label::new(tone_text(line, tone)).wrap());
        }
        (None, _) => {
            ui.label(needs);
        }
    }
}

/// Every problem still in the way, by section, each with a way back to its input.
fn problems_ui(ui: &mut egui::Ui, ctx: &Ctx<'_>, go: &mut Option<Section>) {
    if ctx.all_problems.is_empty() {
        ui.label(tone_text(t!("deploy.no_problems"), Tone::Good));
        return;
    }
    ui.label(tone_text(
        t!("deploy.problems", count = ctx.all_problems.len()),
        Tone::Bad,
    ));
    for section in Section::ALL {
        let here: Vec<(&String, &String)> = ctx
            .all_problems
            .iter()
            .filter(|(path, _)| Section::of(path) == section)
            .collect();
        if here.is_empty() {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(section_title(section)).strong());
            if section != Section::Summary && ui.link(t!("deploy.fix")).clicked() {
                *go = Some(section);
            }
        });
        for (path, why) in here {
            ui.label(tone_text(format!("    ⚠ {why}"), Tone::Bad))
                .on_hover_text(path.as_str());
        }
    }
}
