//! The 全网发布 readiness checklist of the Provider panel (wechat-api.md §14.1): each item the hub checked, green,
//! amber or red, with what to do in the operator's language; the push URLs and the IP the platform saw ready to copy.

use egui::RichText;

use crate::engine::protocol::{Command, Level, ReadinessItem, StatusCommand, release_step};
use crate::t;
use crate::ui::remote::Remote;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::Outbox;
use crate::ui::widgets::chip::chip_ui;
use crate::ui::widgets::{error_text, tone_text};

fn check() -> Command {
    Command::Status(StatusCommand::Readiness)
}

fn last_access_check() -> Command {
    Command::Status(StatusCommand::ReleaseCheck)
}

/// The platform-level domain being edited (§7.3 server, §7.4 business), and a change waiting for its confirmation.
#[derive(Debug, Default)]
pub struct DomainsEditor {
    /// Which list is open: `Some(true)` the business domains.
    pub business: Option<bool>,
    pub text: String,
    pub published_too: bool,
    confirming: Option<(bool, String, bool)>,
}

pub fn readiness_ui(ui: &mut egui::Ui, state: &AppState, editor: &mut DomainsEditor, out: &mut Outbox) {
    let readiness = &state.status.readiness;
    // Read the first time the section is seen with a hub to ask; after that, when the operator asks.
    if state.is_connected() && matches!(readiness, Remote::NotLoaded) && !out.commands.contains(&check()) {
        out.send(check());
        out.send(last_access_check());
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(t!("readiness.title")).strong());
        if readiness.is_loading() {
            ui.spinner();
        } else if ui.small_button(t!("readiness.check")).clicked() {
            out.send(check());
            out.send(last_access_check());
        }
    });
    ui.label(RichText::new(t!("readiness.intro")).small().weak());
    if let Some(error) = readiness.error() {
        ui.label(tone_text(error_text(error), Tone::Bad));
    }
    let Some(report) = readiness.value() else {
        return;
    };
    access_check_ui(ui, state);
    let blocking = report.items.iter().filter(|i| i.level == Level::Red).count();
    let (headline, tone) = match blocking {
        0 => (t!("readiness.ready").to_owned(), Tone::Good),
        n => (t!("readiness.not_ready", count = n), Tone::Bad),
    };
    ui.horizontal(|ui| {
        ui.label(tone_text(headline, tone).strong());
        if !state.hide_volatile {
            ui.label(RichText::new(time_text::datetime(report.checked_at)).small().weak());
        }
    });
    egui::Grid::new("readiness")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            for item in &report.items {
                let (word, tone) = level_chip(item.level);
                ui.horizontal(|ui| {
                    chip_ui(ui, word, tone);
                    ui.label(title(&item.key));
                });
                ui.vertical(|ui| {
                    item_ui(ui, item, state.hide_volatile);
                    if let Some(business) = domains_of(&item.key) {
                        domains_editor_ui(ui, state, item, business, editor);
                    }
                });
                ui.end_row();
            }
        });
}

/// Which platform-level list an item is: `Some(true)` the business domains.
fn domains_of(key: &str) -> Option<bool> {
    match key {
        "server_domains" => Some(false),
        "jump_domains" => Some(true),
        _ => None,
    }
}

/// Edit…: the list as `;`-separated host names, replaced with action `set` (§7.3, §7.4) after a confirmation that
/// says what it changes and spends.
fn domains_editor_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    item: &ReadinessItem,
    business: bool,
    editor: &mut DomainsEditor,
) {
    if editor.business != Some(business) {
        if ui.small_button(t!("readiness.domains_edit")).clicked() {
            editor.business = Some(business);
            editor.text = item.value.clone().unwrap_or_default();
            editor.published_too = false;
        }
        return;
    }
    let label = ui.label(RichText::new(t!("readiness.domains_hint")).small().weak());
    ui.add(egui::TextEdit::singleline(&mut editor.text).desired_width(420.0))
        .labelled_by(label.id);
    ui.checkbox(&mut editor.published_too, t!("readiness.domains_published_too"));
    ui.horizontal(|ui| {
        let busy = state.status.domains_set.is_loading();
        if ui.add_enabled(!busy, egui::Button::new(t!("common.save"))).clicked() {
            editor.confirming = Some((business, normalized(&editor.text), editor.published_too));
        }
        if ui.button(t!("common.cancel")).clicked() {
            editor.business = None;
        }
        if busy {
            ui.spinner();
        }
    });
    match &state.status.domains_set {
        Remote::Ready(invalid) if !invalid.is_empty() => {
            ui.label(tone_text(
                t!("readiness.domains_invalid", domains = invalid),
                Tone::Warning,
            ));
        }
        Remote::Failed { error, .. } => {
            ui.label(tone_text(error_text(error), Tone::Bad));
        }
        _ => {}
    }
}

/// Host names separated by `;`, each once, without blanks.
pub fn normalized(text: &str) -> String {
    let mut hosts: Vec<&str> = Vec::new();
    for host in text
        .split([';', ',', ' ', '\n'])
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts.join(";")
}

/// The confirmation of a domain change, shown over the panel; a confirmed change is sent.
pub fn domains_confirm_ui(ctx: &egui::Context, editor: &mut DomainsEditor, out: &mut Outbox) {
    let confirmed =
        crate::ui::widgets::confirm::confirm_ui(ctx, &mut editor.confirming, |(business, domains, published)| {
            let which = match business {
                true => t!("readiness.jump_domains"),
                false => t!("readiness.server_domains"),
            };
            let shown = if domains.is_empty() {
                "—".to_owned()
            } else {
                domains.clone()
            };
            let consequence = match published {
                true => t!(
                    "readiness.domains_consequence_published",
                    which = which,
                    domains = shown
                ),
                false => t!("readiness.domains_consequence", which = which, domains = shown),
            };
            crate::ui::widgets::confirm::Confirm::new(
                t!("readiness.domains_confirm_title", which = which),
                consequence,
                t!("readiness.domains_confirm_action"),
            )
            .with_tone(Tone::Good)
        });
    if let Some((business, domains, published_too)) = confirmed {
        editor.business = None;
        out.send(Command::Status(StatusCommand::SetPlatformDomains {
            business,
            domains,
            published_too,
        }));
    }
}

fn level_chip(level: Level) -> (&'static str, Tone) {
    match level {
        Level::Green => (t!("readiness.green"), Tone::Good),
        Level::Amber => (t!("readiness.amber"), Tone::Warning),
        Level::Red => (t!("readiness.red"), Tone::Bad),
    }
}

fn title(key: &str) -> &'static str {
    match key {
        "ticket" => t!("readiness.ticket"),
        "secret" => t!("readiness.secret"),
        "whitelist" => t!("readiness.whitelist"),
        "published" => t!("readiness.published"),
        "push_urls" => t!("readiness.push_urls"),
        "server_domains" => t!("readiness.server_domains"),
        "jump_domains" => t!("readiness.jump_domains"),
        "drafts" => t!("readiness.drafts"),
        _ => t!("readiness.other"),
    }
}

/// What the item means and what to do, in the operator's language; the hub's own words behind a fold.
fn item_ui(ui: &mut egui::Ui, item: &ReadinessItem, hide_volatile: bool) {
    let value = item.value.clone().unwrap_or_default();
    let text = match (item.key.as_str(), item.level) {
        ("ticket", Level::Red) => t!("readiness.ticket_red").to_owned(),
        ("ticket", level) => {
            let age = match hide_volatile {
                true => "—".to_owned(),
                false => time_text::duration(value.parse().unwrap_or_default()),
            };
            match level {
                Level::Green => t!("readiness.ticket_green", age = age),
                _ => t!("readiness.ticket_amber", age = age),
            }
        }
        ("secret", Level::Green) => t!("readiness.secret_green").to_owned(),
        ("secret", Level::Red) => t!("readiness.secret_red").to_owned(),
        ("whitelist", Level::Green) => t!("readiness.whitelist_green").to_owned(),
        ("whitelist", Level::Red) => t!("readiness.whitelist_red", ip = value),
        ("published", Level::Green) => t!("readiness.published_green").to_owned(),
        ("published", Level::Red) => t!("readiness.published_red").to_owned(),
        ("push_urls", Level::Green) => t!("readiness.push_urls_green").to_owned(),
        ("push_urls", _) => t!("readiness.push_urls_red").to_owned(),
        ("server_domains" | "jump_domains", Level::Green) => t!("readiness.domains_green", domains = value),
        ("server_domains" | "jump_domains", _) => t!("readiness.domains_amber").to_owned(),
        ("drafts", Level::Green) => t!("readiness.drafts_green", count = value),
        ("drafts", _) => t!("readiness.drafts_amber").to_owned(),
        (_, _) => t!("readiness.unknown").to_owned(),
    };
    let tone = match item.level {
        Level::Green => Tone::Neutral,
        Level::Amber => Tone::Warning,
        Level::Red => Tone::Bad,
    };
    ui.add(egui::Label::new(tone_text(text, tone)).wrap());
    // What the operator copies: the push URLs, the refused IP.
    let copyable = match item.key.as_str() {
        "push_urls" => item.value.as_deref(),
        "whitelist" if item.level == Level::Red => item.value.as_deref(),
        _ => None,
    };
    for line in copyable.iter().flat_map(|v| v.lines()) {
        ui.horizontal(|ui| {
            // The sandbox's hub listens on a port chosen at start: snapshots hide it.
            let shown = if hide_volatile { "—" } else { line };
            ui.label(RichText::new(shown).monospace());
            if ui.small_button(t!("readiness.copy")).clicked() {
                ui.ctx().copy_text(line.to_owned());
            }
        });
    }
    if item.level != Level::Green {
        egui::CollapsingHeader::new(RichText::new(t!("errors.details")).small().weak())
            .id_salt(("readiness-detail", item.key.as_str()))
            .show(ui, |ui| {
                ui.label(RichText::new(&item.detail).small().monospace());
            });
    }
}

/// The last automated access check (§14.2) as the hub answered it: advisory, since WeChat says a failed check does
/// not block publishing.
fn access_check_ui(ui: &mut egui::Ui, state: &AppState) {
    let Some(check) = state.status.release_check.value() else {
        return;
    };
    let (text, tone) = match &check.last_run {
        None => (t!("readiness.access_none").to_owned(), Tone::Neutral),
        Some(run) => {
            let at = match state.hide_volatile {
                true => "—".to_owned(),
                false => time_text::datetime(run.started_at),
            };
            match run.passed {
                true => (t!("readiness.access_passed", at = at), Tone::Good),
                false => {
                    let failed: Vec<&str> = run.steps.iter().filter(|s| !s.ok).map(|s| step_name(&s.step)).collect();
                    (
                        t!("readiness.access_failed", at = at, steps = failed.join("、")),
                        Tone::Warning,
                    )
                }
            }
        }
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(t!("readiness.access_title")).strong());
        ui.label(tone_text(text, tone));
    });
    ui.label(RichText::new(t!("readiness.access_advisory")).small().weak());
}

fn step_name(step: &str) -> &'static str {
    match step {
        release_step::AUTHORIZED => t!("readiness.step_authorized"),
        release_step::TEXT_CALLBACK => t!("readiness.step_text"),
        release_step::QUERY_AUTH_CODE => t!("readiness.step_query_auth_code"),
        release_step::EVENT_CALLBACK => t!("readiness.step_event"),
        release_step::UNAUTHORIZED => t!("readiness.step_unauthorized"),
        _ => t!("readiness.other"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_domains_become_one_list_each_once() {
        assert_eq!(
            super::normalized(" api.example.com; img.example.com,api.example.com\n cdn.example.com "),
            "api.example.com;img.example.com;cdn.example.com"
        );
        assert_eq!(super::normalized(" ; "), "");
    }
}
