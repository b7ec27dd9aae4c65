//! The Merchants panel: every authorizer in a virtualised table with search, filters, sort, multi-select with bulk
//! actions and a detail pane; Sync with its progress; and the way into "Authorize a merchant…".

use egui::RichText;

use crate::engine::protocol::{AccountKind, Command, MerchantsCommand};
use crate::t;
use crate::ui::merchant_index::{AuthFilter, MerchantIndex, MerchantQuery};
use crate::ui::platform_text;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::views::merchant_setup::{self, SetupView};
use crate::ui::views::{Outbox, Panel, UiAction, View, merchant_detail, merchant_table};
use crate::ui::widgets::progress::{Progress, progress_ui};
use crate::ui::widgets::table::{Click, TableState};
use crate::ui::widgets::{remote_line_ui, tone_text};

/// The panel's own state: the query, the row order it produced, and the selected merchants, by appid. The detail
/// pane shows the merchant when exactly one is selected.
#[derive(Debug, Default)]
pub struct MerchantsView {
    pub query: MerchantQuery,
    pub index: MerchantIndex,
    pub table: TableState<String>,
    /// The set-up window (§8.7), and the mini program to open it on at the next frame.
    pub setup: SetupView,
    pending_setup: Option<String>,
}

impl Panel {
    pub const MERCHANTS: Panel = Panel("merchants");
}

impl MerchantsView {
    /// Selects `appid`'s row, with the search cleared so it shows, and opens its set-up.
    pub fn set_up(&mut self, appid: &str) {
        self.query = MerchantQuery::default();
        self.table.selection.clear();
        let key = appid.to_owned();
        self.table.selection.click(&key, Click::Only, std::iter::empty());
        self.pending_setup = Some(key);
    }
}

impl View for MerchantsView {
    fn panel(&self) -> Panel {
        Panel::MERCHANTS
    }

    fn title(&self) -> &'static str {
        t!("nav.merchants")
    }

    fn ui(&mut self, ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
        merchants_ui(ui, state, self, out);
    }
}

fn merchants_ui(ui: &mut egui::Ui, state: &AppState, view: &mut MerchantsView, out: &mut Outbox) {
    let empty = Vec::new();
    let list = state.merchants.list.value().unwrap_or(&empty);
    view.index.refresh(state.merchants.version, list, &view.query);
    if let Some(appid) = view.pending_setup.take() {
        view.setup.open(&appid, state, out);
    }
    merchant_setup::setup_window(ui.ctx(), &mut view.setup, state, out);
    detail_pane_ui(ui, state, view, out);

    header_ui(ui, state, list.len(), view.index.rows.len(), out);
    remote_line_ui(
        ui,
        &state.merchants.list,
        Some(Command::Merchants(MerchantsCommand::Load)),
        &mut out.commands,
    );
    sync_ui(ui, state, out);
    filters_ui(ui, &mut view.query);
    ui.add_space(4.0);

    if list.is_empty() {
        empty_ui(ui, state);
        return;
    }
    if view.index.rows.is_empty() {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| ui.label(RichText::new(t!("merchants.no_match")).weak()));
        return;
    }
    merchant_table::table_ui(ui, list, view, state.hide_volatile, out);
}

/// The detail pane along the bottom of the panel: the table keeps its full width for its seven columns.
/// Panels must be laid out before the content they border, so this runs first.
fn detail_pane_ui(ui: &mut egui::Ui, state: &AppState, view: &mut MerchantsView, out: &mut Outbox) {
    let list = state.merchants.list.value().map(Vec::as_slice).unwrap_or_default();
    let Some(row) = view
        .table
        .selection
        .single()
        .and_then(|appid| list.iter().find(|row| &row.appid == appid))
    else {
        return;
    };
    let mut close = false;
    egui::Panel::bottom("merchant-detail")
        .resizable(true)
        .default_size(230.0)
        .min_size(160.0)
        .show(ui, |ui| {
            close = merchant_detail::detail_ui(ui, row, state, out);
        });
    if close {
        view.table.selection.clear();
    }
}

fn header_ui(ui: &mut egui::Ui, state: &AppState, total: usize, shown: usize, out: &mut Outbox) {
    ui.horizontal(|ui| {
        ui.heading(t!("merchants.title"));
        ui.label(RichText::new(t!("merchants.count", shown = shown, total = total)).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let authorize = egui::Button::new(RichText::new(t!("merchants.authorize")).color(egui::Color32::WHITE))
                .fill(crate::ui::theme::ACCENT);
            if ui.add(authorize).clicked() {
                out.act(UiAction::Go(Panel::AUTHORIZE));
            }
            let syncing = state.merchants.sync_started.is_loading() || state.merchants.running_sync().is_some();
            if ui
                .add_enabled(!syncing, egui::Button::new(t!("merchants.sync")))
                .clicked()
            {
                out.send(Command::Merchants(MerchantsCommand::Sync));
            }
            if ui
                .add_enabled(
                    !state.merchants.list.is_loading(),
                    egui::Button::new(t!("common.refresh")),
                )
                .clicked()
            {
                out.send(Command::Merchants(MerchantsCommand::Load));
            }
        });
    });
}

/// The hub's sync job while it runs (it goes on when the console closes), then how it ended.
fn sync_ui(ui: &mut egui::Ui, state: &AppState, out: &mut Outbox) {
    let sync = &state.merchants;
    if let Some(job) = sync.sync_job.as_ref() {
        let counts = job.counts;
        if !job.state.is_final() {
            ui.horizontal(|ui| {
                ui.label(t!("merchants.syncing"));
                let progress = Progress {
                    done: counts.finished().max(0) as u64,
                    total: counts.total.max(0) as u64,
                    failed: counts.failed.max(0) as u64,
                    running: true,
                };
                progress_ui(ui, &progress);
            });
            ui.label(RichText::new(t!("merchants.sync_background")).small().weak());
            return;
        }
        let tone = if counts.failed > 0 { Tone::Warning } else { Tone::Good };
        let text = t!(
            "merchants.sync_done",
            synced = counts.done,
            total = counts.total,
            failed = counts.failed
        );
        ui.label(tone_text(text, tone));
        return;
    }
    if sync.sync_started.error().is_some() {
        let retry = Command::Merchants(MerchantsCommand::Sync);
        remote_line_ui(ui, &sync.sync_started, Some(retry), &mut out.commands);
    }
}

fn filters_ui(ui: &mut egui::Ui, query: &mut MerchantQuery) {
    ui.horizontal_wrapped(|ui| {
        let search = egui::TextEdit::singleline(&mut query.text)
            .hint_text(t!("merchants.search_hint"))
            .desired_width(260.0);
        ui.add(search);

        let label = ui.label(t!("merchants.filter_kind"));
        egui::ComboBox::from_id_salt("kind-filter")
            .selected_text(kind_filter_text(query.kind))
            .show_ui(ui, |ui| {
                for kind in [None, Some(AccountKind::MiniProgram), Some(AccountKind::OfficialAccount)] {
                    ui.selectable_value(&mut query.kind, kind, kind_filter_text(kind));
                }
            })
            .response
            .labelled_by(label.id);

        let label = ui.label(t!("merchants.filter_auth"));
        egui::ComboBox::from_id_salt("auth-filter")
            .selected_text(auth_filter_text(query.auth))
            .show_ui(ui, |ui| {
                for auth in [AuthFilter::All, AuthFilter::Authorized, AuthFilter::Revoked] {
                    ui.selectable_value(&mut query.auth, auth, auth_filter_text(auth));
                }
            })
            .response
            .labelled_by(label.id);

        let label = ui.label(t!("merchants.filter_set"));
        egui::ComboBox::from_id_salt("set-filter")
            .selected_text(set_filter_text(query.func_id))
            .width(220.0)
            .height(420.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut query.func_id, None, set_filter_text(None));
                for id in platform_text::permission_ids() {
                    ui.selectable_value(&mut query.func_id, Some(id), set_filter_text(Some(id)));
                }
            })
            .response
            .labelled_by(label.id);

        let filtered = *query
            != MerchantQuery {
                sort: query.sort,
                ..Default::default()
            };
        if ui
            .add_enabled(filtered, egui::Button::new(t!("merchants.clear_filters")))
            .clicked()
        {
            *query = MerchantQuery {
                sort: query.sort,
                ..Default::default()
            };
        }
    });
}

pub fn kind_text(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::MiniProgram => t!("kind.mini_program"),
        AccountKind::OfficialAccount => t!("kind.official_account"),
    }
}

fn kind_filter_text(kind: Option<AccountKind>) -> &'static str {
    kind.map_or(t!("merchants.all_kinds"), kind_text)
}

fn auth_filter_text(auth: AuthFilter) -> &'static str {
    match auth {
        AuthFilter::All => t!("merchants.all_states"),
        AuthFilter::Authorized => t!("merchants.authorized"),
        AuthFilter::Revoked => t!("merchants.revoked"),
    }
}

fn set_filter_text(func_id: Option<u32>) -> String {
    match func_id {
        None => t!("merchants.any_set").to_owned(),
        Some(id) => format!("{id} · {}", platform_text::permission_name(id)),
    }
}

fn empty_ui(ui: &mut egui::Ui, state: &AppState) {
    if state.merchants.list.is_loading() {
        return;
    }
    ui.add_space(32.0);
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(t!("merchants.empty")).size(16.0));
        ui.label(RichText::new(t!("merchants.empty_hint")).weak());
    });
}
