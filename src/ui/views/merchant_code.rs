//! The Code section of a mini program's detail pane: its trial (体验版) and online (线上版) versions from
//! `getversioninfo` (wechat-api.md §6.14, relayed by the hub with the mini program's own token), its latest audit
//! with the status chip the Audits panel uses, and the way to that audit in the Audits panel.

use egui::RichText;

use crate::engine::protocol::{Audit, Command, MerchantsCommand};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::{AppState, load_audits};
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::audits::status_of;
use crate::ui::views::{Outbox, UiAction};
use crate::ui::widgets::chip::status_chip_ui;
use crate::ui::widgets::{error_text, field_row_ui, tone_text};
use crate::wechat::api::code::VersionInfoResponse;

/// Draws the section for the mini program `appid`, asking for what it shows the first time it is shown: the
/// versions (each time they were forgotten, e.g. after a release) and the audit rows (once, if the Audits panel has
/// not read them yet).
pub fn code_ui(ui: &mut egui::Ui, appid: &str, state: &AppState, out: &mut Outbox) {
    let ask = Command::Merchants(MerchantsCommand::Versions(appid.to_owned()));
    if state.merchants.wants_versions(appid) && !out.commands.contains(&ask) {
        out.send(ask.clone());
    }
    let profile = state.profiles.profile.value().is_some();
    if profile && matches!(state.audits.page, Remote::NotLoaded) && !out.commands.contains(&load_audits()) {
        out.send(load_audits());
    }

    ui.horizontal(|ui| {
        ui.label(RichText::new(t!("merchants.code")).strong());
        let loading = state.merchants.versions.get(appid).is_some_and(Remote::is_loading);
        if loading {
            ui.spinner();
        } else if ui.small_button(t!("common.refresh")).clicked() {
            out.send(ask.clone());
        }
    });
    let versions = state.merchants.versions.get(appid);
    if let Some(Remote::Failed { error, .. }) = versions {
        ui.label(tone_text(error_text(error), Tone::Bad));
    }
    egui::Grid::new("merchant-code")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            if let Some(shown) = versions.and_then(Remote::value) {
                versions_ui(ui, shown, state.hide_volatile);
            }
            audit_row_ui(ui, state, appid);
        });
    if state.audits.audit(appid).is_some() {
        ui.add_space(2.0);
        // In a row of its own, so the column's justified layout does not stretch it across.
        ui.horizontal(|ui| {
            if ui.button(t!("merchants.code_show_in_audits")).clicked() {
                out.act(UiAction::ShowAudit(appid.to_owned()));
            }
        });
    }
}

/// The trial and online versions; "none" where the platform answered without one.
fn versions_ui(ui: &mut egui::Ui, versions: &VersionInfoResponse, hide_volatile: bool) {
    let trial = versions
        .exp_info
        .as_ref()
        .map(|exp| (exp.exp_version.as_str(), exp.exp_desc.as_str(), exp.exp_time));
    let online = versions.release_info.as_ref().map(|online| {
        (
            online.release_version.as_str(),
            online.release_desc.as_str(),
            online.release_time,
        )
    });
    for (key, version) in [
        (t!("merchants.code_trial"), trial),
        (t!("merchants.code_online"), online),
    ] {
        let text = match version {
            Some((version, desc, at)) => version_text(version, desc, (!hide_volatile).then_some(at)),
            None => t!("merchants.code_none").to_owned(),
        };
        field_row_ui(ui, key, text);
    }
}

/// "1.3.0 · 门店自提与预约 · 2026-11-21 10:00": the version, its description when it has one, and when.
pub fn version_text(version: &str, desc: &str, at: Option<i64>) -> String {
    let mut parts = vec![version.to_owned()];
    if !desc.is_empty() {
        parts.push(desc.to_owned());
    }
    if let Some(at) = at {
        parts.push(time_text::datetime(at));
    }
    parts.join(" · ")
}

/// The latest audit as the Audits panel has it: its status chip and version, a spinner while the rows are read.
fn audit_row_ui(ui: &mut egui::Ui, state: &AppState, appid: &str) {
    ui.label(RichText::new(t!("merchants.code_latest_audit")).color(egui::Color32::from_gray(0x70)));
    match state.audits.audit(appid) {
        Some(audit) => {
            ui.horizontal(|ui| {
                status_chip_ui(ui, status_of(audit.status));
                ui.label(audit_text(audit, state.hide_volatile));
            });
        }
        None if state.audits.page.is_loading() => {
            ui.spinner();
        }
        None => match state.audits.page.error() {
            Some(error) => {
                ui.label(tone_text(error_text(error), Tone::Bad));
            }
            None => {
                ui.label(RichText::new(t!("merchants.code_no_audit")).weak());
            }
        },
    }
    ui.end_row();
}

fn audit_text(audit: &Audit, hide_volatile: bool) -> String {
    let submitted = audit.submitted_at.filter(|_| !hide_volatile);
    version_text(audit.user_version.as_deref().unwrap_or("—"), "", submitted)
}
