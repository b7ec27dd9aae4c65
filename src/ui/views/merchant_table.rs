//! The merchant table: the shared table widget over the authorizer list, in the order the index computed, with its
//! bulk actions for the merchants the operator selected.

use egui::RichText;
use egui_extras::Column;

use crate::engine::protocol::AuthorizerRow;
use crate::t;
use crate::ui::merchant_index::SortColumn;
use crate::ui::platform_text;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::merchants::{MerchantsView, kind_text};
use crate::ui::views::{Outbox, UiAction};
use crate::ui::widgets::chip::chip_row_ui;
use crate::ui::widgets::table::{Selection, Table, TableColumn};
use crate::ui::widgets::tone_text;

/// What the bulk bar's buttons ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bulk {
    CopyAppids,
    Deploy,
}

/// Draws the table and its bulk bar, and carries out what the bar asked for.
pub fn table_ui(
    ui: &mut egui::Ui,
    list: &[AuthorizerRow],
    view: &mut MerchantsView,
    hide_volatile: bool,
    out: &mut Outbox,
) {
    let order = &view.index.rows;
    let mut table = Table::new("merchant-table", list, order, view.index.generation(), appid_of);
    for column in columns(hide_volatile) {
        table = table.column(column);
    }
    let response = table.show(ui, &mut view.table, &mut view.query.sort, bulk_ui);
    // In the table's order: the deployment's first wave is the first rows the operator sees.
    let selected = || view.table.selection.in_order(order.iter().map(|&i| appid_of(&list[i])));
    match response.action {
        Some(Bulk::CopyAppids) => ui.ctx().copy_text(selected().join("\n")),
        Some(Bulk::Deploy) => out.act(UiAction::DeployTo(selected())),
        None => {}
    }
}

/// A merchant's key in the table: its appid, which no re-sort or refresh changes.
fn appid_of(merchant: &AuthorizerRow) -> &String {
    &merchant.appid
}

fn columns(hide_volatile: bool) -> Vec<TableColumn<'static, AuthorizerRow, SortColumn>> {
    let clipped = |initial: f32, at_least: f32| Column::initial(initial).at_least(at_least).clip(true);
    let authorized_at = move |ui: &mut egui::Ui, merchant: &AuthorizerRow| {
        let when = if hide_volatile {
            "—".to_owned()
        } else {
            time_text::date(merchant.authorized_at)
        };
        ui.add(egui::Label::new(when).selectable(false));
    };
    vec![
        TableColumn::new(t!("merchants.col_name"), clipped(170.0, 120.0), name_ui).sortable(SortColumn::Name),
        TableColumn::new(t!("merchants.col_appid"), clipped(160.0, 140.0), appid_ui).sortable(SortColumn::Appid),
        TableColumn::new(t!("merchants.col_kind"), clipped(105.0, 60.0), kind_ui).sortable(SortColumn::Kind),
        TableColumn::new(t!("merchants.col_principal"), clipped(165.0, 100.0), principal_ui)
            .sortable(SortColumn::Principal),
        TableColumn::new(t!("merchants.col_verified"), clipped(85.0, 60.0), verified_ui).sortable(SortColumn::Verified),
        TableColumn::new(t!("merchants.col_authorized_at"), clipped(105.0, 90.0), authorized_at)
            .sortable(SortColumn::AuthorizedAt),
        TableColumn::new(
            t!("merchants.col_sets"),
            Column::remainder().at_least(160.0).clip(true),
            sets_ui,
        )
        .sortable(SortColumn::PermissionSets),
    ]
}

fn bulk_ui(ui: &mut egui::Ui, _selection: &Selection<String>) -> Option<Bulk> {
    let copy = ui
        .button(t!("merchants.bulk_copy_appids"))
        .on_hover_text(t!("merchants.bulk_copy_appids_hint"));
    let deploy = ui
        .button(t!("merchants.bulk_deploy"))
        .on_hover_text(t!("merchants.bulk_deploy_hint"));
    match (copy.clicked(), deploy.clicked()) {
        (true, _) => Some(Bulk::CopyAppids),
        (_, true) => Some(Bulk::Deploy),
        _ => None,
    }
}

fn name_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    let name = if merchant.revoked_at.is_some() {
        tone_text(
            format!("{} · {}", merchant.nick_name, t!("merchants.revoked")),
            Tone::Bad,
        )
    } else {
        RichText::new(&merchant.nick_name)
    };
    ui.add(egui::Label::new(name).truncate().selectable(false));
}

fn appid_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    ui.add(egui::Label::new(RichText::new(&merchant.appid).monospace()).selectable(false));
}

fn kind_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    ui.add(egui::Label::new(kind_text(merchant.kind)).selectable(false));
}

fn principal_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    ui.add(egui::Label::new(&merchant.principal_name).truncate().selectable(false));
}

fn verified_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    let (text, tone) = verification(merchant);
    ui.add(egui::Label::new(tone_text(text, tone)).selectable(false));
}

/// The granted permission sets by name, as many chips as the column has room for.
fn sets_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    let names: Vec<String> = merchant
        .func_ids
        .iter()
        .map(|&id| platform_text::permission_name(id))
        .collect();
    chip_row_ui(ui, &names, Tone::Neutral);
}

pub fn verification(merchant: &AuthorizerRow) -> (&'static str, Tone) {
    if merchant.verified {
        (t!("merchants.verified"), Tone::Good)
    } else {
        (t!("merchants.unverified"), Tone::Neutral)
    }
}
