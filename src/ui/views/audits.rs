//! The Audits panel (审核): every mini program's latest audit across merchants, in the shared table, with status
//! chips that filter and count, a filter for audits waiting longer than two days, and a search by name or appid.
//! The selected row opens the detail pane (`audit_detail`): the rejection's reasons as a numbered list and its
//! screenshots. Read-only: the rows change on the hub (pushes, polls, deployments), and `audit_updated` events
//! bring each change to every console.

use std::collections::HashMap;

use egui::RichText;
use egui_extras::Column;

use crate::engine::protocol::{Audit, AuditStatus};
use crate::t;
use crate::ui::state::{AppState, load_audits};
use crate::ui::theme::{Status, Tone};
use crate::ui::time_text;
use crate::ui::views::{Outbox, Panel, View, audit_actions, audit_detail};
use crate::ui::widgets::chip::{status_chip_ui, status_text};
use crate::ui::widgets::remote_line_ui;
use crate::ui::widgets::table::{Click, RowOrder, Sort, Table, TableColumn, TableState};

impl Panel {
    pub const AUDITS: Panel = Panel("audits");
}

/// How long an audit may run before the age filter calls it long: the platform's audits usually end within a day
/// or two (wechat-api.md §4.3), so two days is when an operator should look, and perhaps speed it up.
pub const LONG_WAIT_SECS: i64 = 2 * 86_400;

/// The table's sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditColumn {
    Name,
    Appid,
    Status,
    Submitted,
}

/// What the rows are filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this status; every status when `None`.
    pub status: Option<AuditStatus>,
    /// Only audits still running that were submitted more than [`LONG_WAIT_SECS`] ago.
    pub long_waiting: bool,
    /// Part of the name or the appid, any case.
    pub text: String,
}

impl AuditFilter {
    pub fn keeps(&self, audit: &Audit, now: i64) -> bool {
        self.keeps_text(audit, now, &self.needle())
    }

    /// The search text as rows are matched against it, made once per filtering rather than once per row.
    fn needle(&self) -> String {
        self.text.trim().to_lowercase()
    }

    fn keeps_text(&self, audit: &Audit, now: i64, needle: &str) -> bool {
        self.status.is_none_or(|status| audit.status == status)
            && (!self.long_waiting || waiting_secs(audit, now).is_some_and(|secs| secs > LONG_WAIT_SECS))
            && matches_text(audit, needle)
    }
}

/// `needle` is already trimmed and lowercased.
fn matches_text(audit: &Audit, needle: &str) -> bool {
    needle.is_empty()
        || contains_any_case(&audit.appid, needle)
        || audit
            .nick_name
            .as_deref()
            .is_some_and(|name| contains_any_case(name, needle))
}

/// Whether `haystack`, lowercased, contains `needle`. Most appids and Chinese names have nothing to lowercase, so
/// they are searched as they are, without a copy per row per keystroke (10,000 rows: `benches/console_audits.rs`).
fn contains_any_case(haystack: &str, needle: &str) -> bool {
    match haystack.chars().any(char::is_uppercase) {
        true => haystack.to_lowercase().contains(needle),
        false => haystack.contains(needle),
    }
}

/// How long a running audit has waited; `None` for one that ended.
pub fn waiting_secs(audit: &Audit, now: i64) -> Option<i64> {
    match audit.status.is_pending() {
        true => audit.submitted_at.map(|at| (now - at).max(0)),
        false => None,
    }
}

/// The status's word and tone, the same as everywhere else in the console.
pub fn status_of(status: AuditStatus) -> Status {
    match status {
        AuditStatus::Auditing => Status::Auditing,
        AuditStatus::Approved => Status::Approved,
        AuditStatus::Rejected => Status::Rejected,
        AuditStatus::Withdrawn => Status::Withdrawn,
        AuditStatus::Delayed => Status::Delayed,
        AuditStatus::Released => Status::Released,
    }
}

/// The panel's own state: the filter, the row order it produced, the selection (the detail pane shows the one
/// selected row), and the screenshots' textures, made once per media id.
pub struct AuditsView {
    pub filter: AuditFilter,
    pub sort: Sort<AuditColumn>,
    pub order: RowOrder<(u64, AuditFilter, Sort<AuditColumn>, i64)>,
    pub table: TableState<String>,
    pub textures: HashMap<String, egui::TextureHandle>,
    /// The screenshot open large in its window.
    pub enlarged: Option<String>,
    /// The actions' dialog and forms.
    pub actions: audit_actions::ActionsView,
}

impl Default for AuditsView {
    fn default() -> Self {
        AuditsView {
            filter: AuditFilter::default(),
            sort: Sort::descending(AuditColumn::Submitted),
            order: RowOrder::default(),
            table: TableState::default(),
            textures: HashMap::new(),
            enlarged: None,
            actions: audit_actions::ActionsView::default(),
        }
    }
}

impl AuditsView {
    /// Shows one mini program's audit, as the merchant detail's "Show in Audits" asks: its row alone (searched by
    /// appid, so no scrolling is needed to find it), selected, with the detail pane open. "Clear filters" brings
    /// back every row.
    pub fn show(&mut self, appid: &str) {
        self.filter = AuditFilter {
            text: appid.to_owned(),
            ..AuditFilter::default()
        };
        self.table.selection.clear();
        let key = appid.to_owned();
        self.table.selection.click(&key, Click::Only, std::iter::empty());
    }
}

impl std::fmt::Debug for AuditsView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditsView")
            .field("filter", &self.filter)
            .field("textures", &self.textures.keys().collect::<Vec<_>>())
            .field("enlarged", &self.enlarged)
            .finish_non_exhaustive()
    }
}

impl View for AuditsView {
    fn panel(&self) -> Panel {
        Panel::AUDITS
    }

    fn title(&self) -> &'static str {
        t!("nav.audits")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        audits_ui(ui, state, self, out);
    }

    /// Events keep the rows current while the console is connected; a read on opening covers what it missed.
    fn opened(&mut self, state: &AppState, out: &mut Outbox) {
        if can_read(state) && !out.commands.contains(&load_audits()) {
            out.send(load_audits());
        }
        if state.profiles.profile.value().is_some() && !state.audits.quota.is_loading() {
            out.send(audit_actions::quota_command());
        }
    }
}

/// A profile is active and no read is on its way.
fn can_read(state: &AppState) -> bool {
    state.profiles.profile.value().is_some() && !state.audits.page.is_loading()
}

fn audits_ui(ui: &mut egui::Ui, state: &AppState, view: &mut AuditsView, out: &mut Outbox) {
    let audits = state.audits.audits();
    refresh_order(view, audits, state.audits.version, state.now);
    audit_actions::keep_current(state, view, out);
    audit_actions::confirm_pending_ui(ui.ctx(), view, out);
    audit_detail::detail_pane_ui(ui, state, view, out);

    ui.horizontal(|ui| {
        ui.heading(t!("audits.title"));
        ui.label(
            RichText::new(t!(
                "audits.count",
                shown = view.order.rows().len(),
                total = audits.len()
            ))
            .weak(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add_enabled(can_read(state), egui::Button::new(t!("common.refresh")))
                .clicked()
            {
                out.send(load_audits());
            }
        });
    });
    ui.label(RichText::new(t!("audits.intro")).weak());
    audit_actions::quota_ui(ui, state, out);
    audit_actions::batch_ui(ui, state, &mut view.actions, out);
    // The engine reads every page, but rows that changed while it paged can leave it short of the hub's count:
    // say so rather than count short.
    if let Some(page) = state.audits.page.value()
        && page.total > page.audits.len() as i64
    {
        let text = t!("audits.truncated", shown = page.audits.len(), total = page.total);
        ui.label(crate::ui::widgets::tone_text(text, Tone::Warning));
    }
    remote_line_ui(ui, &state.audits.page, Some(load_audits()), &mut out.commands);
    if state.audits.page.value().is_none() {
        // Opened before the profile was active, or a new hub forgot the rows: read them now.
        if matches!(state.audits.page, crate::ui::remote::Remote::NotLoaded) && can_read(state) {
            out.send(load_audits());
        }
        if state.audits.page.is_loading() {
            return;
        }
    }
    filters_ui(ui, audits, &mut view.filter);
    ui.add_space(4.0);
    if audits.is_empty() {
        if !state.audits.page.is_loading() && state.audits.page.value().is_some() {
            empty_ui(ui, t!("audits.empty"), t!("audits.empty_hint"));
        }
        return;
    }
    if view.order.rows().is_empty() {
        empty_ui(ui, t!("audits.no_match"), t!("audits.no_match_hint"));
        return;
    }
    table_ui(ui, audits, view, state);
}

/// Filters and sorts the rows again when the rows (`version`), the filter or the sort changed since the last frame:
/// a keystroke in the search box costs one call. Public for `benches/console_audits.rs`.
pub fn refresh_order(view: &mut AuditsView, audits: &[Audit], version: u64, now: i64) {
    // The age filter moves with the clock, a minute at a time.
    let clock = if view.filter.long_waiting { now / 60 } else { 0 };
    let (filter, sort) = (view.filter.clone(), view.sort);
    let needle = filter.needle();
    // Each status's word looked up once, not twice per comparison: a catalog lookup in a sort of 10,000 rows
    // took a keystroke past 16 ms.
    let words = AuditStatus::ALL.map(|status| (status, status_text(status_of(status))));
    let word = |status: AuditStatus| words.iter().find(|(s, _)| *s == status).map_or("", |(_, word)| *word);
    view.order.refresh(
        (version, filter.clone(), sort, clock),
        audits,
        |audit| filter.keeps_text(audit, now, &needle),
        |a, b| {
            let ordering = match sort.column {
                AuditColumn::Name => a.nick_name.cmp(&b.nick_name),
                AuditColumn::Appid => a.appid.cmp(&b.appid),
                AuditColumn::Status => word(a.status).cmp(word(b.status)),
                AuditColumn::Submitted => a.submitted_at.cmp(&b.submitted_at),
            };
            sort.apply(ordering).then_with(|| a.appid.cmp(&b.appid))
        },
    );
}

fn empty_ui(ui: &mut egui::Ui, title: &str, hint: &str) {
    ui.add_space(32.0);
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(title).size(16.0));
        ui.label(RichText::new(hint).weak());
    });
}

/// The status chips with their counts, the age filter and the search box.
fn filters_ui(ui: &mut egui::Ui, audits: &[Audit], filter: &mut AuditFilter) {
    ui.horizontal_wrapped(|ui| {
        let all = format!("{} {}", t!("audits.all"), audits.len());
        if ui.selectable_label(filter.status.is_none(), all).clicked() {
            filter.status = None;
        }
        for status in AuditStatus::ALL {
            let count = audits.iter().filter(|audit| audit.status == status).count();
            let selected = filter.status == Some(status);
            let word = status_text(status_of(status));
            let tone = status_of(status).tone();
            let label = RichText::new(format!("{word} {count}")).color(tone.ink());
            let button = egui::Button::selectable(selected, label).fill(if selected {
                tone.fill()
            } else {
                egui::Color32::TRANSPARENT
            });
            if ui.add(button).clicked() {
                filter.status = if selected { None } else { Some(status) };
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        let search = egui::TextEdit::singleline(&mut filter.text)
            .hint_text(t!("audits.search_hint"))
            .desired_width(260.0);
        ui.add(search);
        ui.checkbox(&mut filter.long_waiting, t!("audits.long_waiting"))
            .on_hover_text(t!("audits.long_waiting_hint"));
        let filtered = *filter != AuditFilter::default();
        if ui
            .add_enabled(filtered, egui::Button::new(t!("audits.clear_filters")))
            .clicked()
        {
            *filter = AuditFilter::default();
        }
    });
}

fn table_ui(ui: &mut egui::Ui, audits: &[Audit], view: &mut AuditsView, state: &AppState) {
    let (now, hide_volatile) = (state.now, state.hide_volatile);
    let clipped = |initial: f32, at_least: f32| Column::initial(initial).at_least(at_least).clip(true);
    let columns = vec![
        TableColumn::new(t!("audits.col_name"), clipped(150.0, 100.0), |ui, a: &Audit| {
            text_ui(ui, a.nick_name.as_deref().unwrap_or("—"))
        })
        .sortable(AuditColumn::Name),
        TableColumn::new(t!("audits.col_appid"), clipped(160.0, 120.0), |ui, a: &Audit| {
            ui.add(egui::Label::new(RichText::new(&a.appid).monospace()).selectable(false));
        })
        .sortable(AuditColumn::Appid),
        TableColumn::new(t!("audits.col_version"), clipped(70.0, 50.0), |ui, a: &Audit| {
            text_ui(ui, a.user_version.as_deref().unwrap_or("—"))
        }),
        TableColumn::new(t!("audits.col_desc"), clipped(130.0, 60.0), |ui, a: &Audit| {
            text_ui(ui, a.user_desc.as_deref().unwrap_or(""))
        }),
        TableColumn::new(t!("audits.col_status"), clipped(100.0, 80.0), |ui, a: &Audit| {
            status_chip_ui(ui, status_of(a.status));
        })
        .sortable(AuditColumn::Status),
        TableColumn::new(
            t!("audits.col_submitted"),
            clipped(150.0, 90.0),
            move |ui, a: &Audit| {
                let when = match (hide_volatile, a.submitted_at) {
                    (false, Some(at)) => time_text::datetime(at),
                    _ => "—".to_owned(),
                };
                text_ui(ui, &when)
            },
        )
        .sortable(AuditColumn::Submitted),
        TableColumn::new(t!("audits.col_waiting"), clipped(100.0, 70.0), move |ui, a: &Audit| {
            waiting_ui(ui, a, now, hide_volatile)
        }),
        TableColumn::new(
            t!("audits.col_reason"),
            Column::remainder().at_least(120.0).clip(true),
            |ui, a: &Audit| {
                if let Some(first) = a.reasons.first() {
                    let summary = match a.reasons.len() {
                        1 => first.clone(),
                        more => t!("audits.reason_more", first = first, more = more - 1),
                    };
                    text_ui(ui, &summary);
                }
            },
        ),
    ];
    let order = view.order.rows();
    let mut table = Table::new("audit-table", audits, order, view.order.generation(), |a: &Audit| {
        &a.appid
    });
    for column in columns {
        table = table.column(column);
    }
    let quota = state.audits.quota.value();
    let response = table.show(ui, &mut view.table, &mut view.sort, |ui, selection| {
        audit_actions::bulk_ui(ui, selection, audits, quota)
    });
    if let Some(pending) = response.action {
        view.actions.pending = Some(pending);
    }
}

fn text_ui(ui: &mut egui::Ui, text: &str) {
    ui.add(egui::Label::new(text).truncate().selectable(false));
}

/// How long a running audit has waited, in the warning tone past [`LONG_WAIT_SECS`].
fn waiting_ui(ui: &mut egui::Ui, audit: &Audit, now: i64, hide_volatile: bool) {
    let Some(secs) = waiting_secs(audit, now) else {
        return;
    };
    let text = if hide_volatile {
        "—".to_owned()
    } else {
        waiting_text(secs)
    };
    let tone = if secs > LONG_WAIT_SECS {
        Tone::Warning
    } else {
        Tone::Neutral
    };
    ui.add(egui::Label::new(RichText::new(text).color(tone.color())).selectable(false));
}

/// "3 天 4 小时" / "3 d 4 h" past a day; hours and minutes below.
pub fn waiting_text(secs: i64) -> String {
    if secs >= 86_400 {
        t!("audits.days_hours", days = secs / 86_400, hours = secs % 86_400 / 3600)
    } else {
        time_text::duration(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::AuditSource;

    fn audit(appid: &str, name: &str, status: AuditStatus, submitted_at: i64) -> Audit {
        Audit {
            appid: appid.into(),
            nick_name: Some(name.into()),
            auditid: Some(1),
            user_version: None,
            user_desc: None,
            status,
            submitted_at: Some(submitted_at),
            resolved_at: None,
            reasons: Vec::new(),
            screenshots: Vec::new(),
            screenshot_files: Vec::new(),
            source: AuditSource::Poll,
            updated_at: submitted_at,
            gray_percentage: None,
            withdrawals: Default::default(),
        }
    }

    #[test]
    fn the_filter_keeps_a_status_a_long_wait_and_a_name_or_appid() {
        let now = 10 * 86_400;
        let old = audit("wxold0000000000001", "老店", AuditStatus::Auditing, now - 3 * 86_400);
        let new = audit("wxnew0000000000002", "New Shop", AuditStatus::Delayed, now - 3600);
        let old_rejected = audit(
            "wxrej0000000000003",
            "Rejected Shop",
            AuditStatus::Rejected,
            now - 9 * 86_400,
        );
        let long = AuditFilter {
            long_waiting: true,
            ..Default::default()
        };
        assert!(long.keeps(&old, now));
        assert!(!long.keeps(&new, now), "an hour is not long");
        assert!(!long.keeps(&old_rejected, now), "a rejection waits for nothing");

        let delayed = AuditFilter {
            status: Some(AuditStatus::Delayed),
            ..Default::default()
        };
        assert!(delayed.keeps(&new, now) && !delayed.keeps(&old, now));

        let search = |text: &str| AuditFilter {
            text: text.into(),
            ..Default::default()
        };
        assert!(search("new shop").keeps(&new, now));
        assert!(search("WXREJ").keeps(&old_rejected, now));
        assert!(search("老").keeps(&old, now) && !search("老").keeps(&new, now));
    }

    #[test]
    fn sorted_by_status_the_rows_follow_the_status_words_and_a_search_ignores_case() {
        crate::ui::i18n::set_current(crate::ui::i18n::Lang::En);
        let rows = [
            audit("wxc", "Tea", AuditStatus::Rejected, 1),
            audit("wxa", "云朵", AuditStatus::Released, 2),
            audit("wxb", "Blue Harbor", AuditStatus::Approved, 3),
            audit("wxd", "BLUE sky", AuditStatus::Auditing, 4),
        ];
        let mut view = AuditsView {
            sort: Sort::ascending(AuditColumn::Status),
            ..AuditsView::default()
        };
        refresh_order(&mut view, &rows, 1, 10);
        let shown: Vec<&str> = view.order.rows().iter().map(|&i| rows[i].appid.as_str()).collect();
        assert_eq!(
            shown,
            ["wxb", "wxd", "wxc", "wxa"],
            "Approved, Auditing, Rejected, Released"
        );

        view.filter.text = " blue ".into();
        refresh_order(&mut view, &rows, 1, 10);
        let shown: Vec<&str> = view.order.rows().iter().map(|&i| rows[i].appid.as_str()).collect();
        assert_eq!(shown, ["wxb", "wxd"]);
    }

    #[test]
    fn a_wait_past_a_day_counts_days_and_hours() {
        crate::ui::i18n::set_current(crate::ui::i18n::Lang::En);
        assert_eq!(waiting_text(3 * 86_400 + 4 * 3600 + 59), "3 d 4 h");
        assert_eq!(waiting_text(2 * 3600 + 3 * 60), "2 h 3 min");
    }
}
