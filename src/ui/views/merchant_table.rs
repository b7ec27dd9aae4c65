//! The merchant table: only the rows in view are laid out (`TableBuilder::rows`), in the order the index computed.

use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

use crate::engine::protocol::AuthorizerRow;
use crate::t;
use crate::ui::merchant_index::SortColumn;
use crate::ui::platform_text;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::merchants::{MerchantsView, kind_text};
use crate::ui::widgets::{chip_ui, tone_text};

const ROW_HEIGHT: f32 = 28.0;

/// Draws the table; returns the appid of a row the operator clicked.
pub fn table_ui(
    ui: &mut egui::Ui,
    list: &[AuthorizerRow],
    view: &mut MerchantsView,
    hide_volatile: bool,
) -> Option<String> {
    let mut clicked = None;
    let selected = view.selected.clone();
    let rows = &view.index.rows;
    let query = &mut view.query;
    TableBuilder::new(ui)
        .id_salt("merchant-table")
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(190.0).at_least(120.0).clip(true))
        .column(Column::initial(170.0).at_least(140.0).clip(true))
        .column(Column::initial(80.0).at_least(60.0).clip(true))
        .column(Column::initial(200.0).at_least(100.0).clip(true))
        .column(Column::initial(70.0).at_least(60.0).clip(true))
        .column(Column::initial(130.0).at_least(100.0).clip(true))
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(30.0, |mut header| {
            for (column, title) in columns() {
                header.col(|ui| {
                    let marker = match (query.sort == column, query.descending) {
                        (true, true) => " ▼",
                        (true, false) => " ▲",
                        (false, _) => "",
                    };
                    let label = RichText::new(format!("{title}{marker}")).strong();
                    if ui.add(egui::Button::new(label).frame(false)).clicked() {
                        // A second click on the sorted column flips the direction.
                        query.descending = if query.sort == column { !query.descending } else { false };
                        query.sort = column;
                    }
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                let merchant = &list[rows[row.index()]];
                row.set_selected(selected.as_deref() == Some(merchant.appid.as_str()));
                row_cells(&mut row, merchant, hide_volatile);
                if row.response().clicked() {
                    clicked = Some(merchant.appid.clone());
                }
            });
        });
    clicked
}

fn columns() -> [(SortColumn, &'static str); 7] {
    [
        (SortColumn::Name, t!("merchants.col_name")),
        (SortColumn::Appid, t!("merchants.col_appid")),
        (SortColumn::Kind, t!("merchants.col_kind")),
        (SortColumn::Principal, t!("merchants.col_principal")),
        (SortColumn::Verified, t!("merchants.col_verified")),
        (SortColumn::AuthorizedAt, t!("merchants.col_authorized_at")),
        (SortColumn::PermissionSets, t!("merchants.col_sets")),
    ]
}

fn row_cells(row: &mut egui_extras::TableRow<'_, '_>, merchant: &AuthorizerRow, hide_volatile: bool) {
    row.col(|ui| {
        let name = if merchant.revoked_at.is_some() {
            tone_text(
                format!("{} · {}", merchant.nick_name, t!("merchants.revoked")),
                Tone::Bad,
            )
        } else {
            RichText::new(&merchant.nick_name)
        };
        ui.add(egui::Label::new(name).truncate().selectable(false));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(RichText::new(&merchant.appid).monospace()).selectable(false));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(kind_text(merchant.kind)).selectable(false));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(&merchant.principal_name).truncate().selectable(false));
    });
    row.col(|ui| {
        let (text, tone) = verification(merchant);
        ui.add(egui::Label::new(tone_text(text, tone)).selectable(false));
    });
    row.col(|ui| {
        let when = if hide_volatile {
            "—".to_owned()
        } else {
            time_text::date(merchant.authorized_at)
        };
        ui.add(egui::Label::new(when).selectable(false));
    });
    row.col(|ui| {
        for &id in &merchant.func_ids {
            chip_ui(ui, platform_text::permission_name(id), Tone::Neutral);
        }
    });
}

pub fn verification(merchant: &AuthorizerRow) -> (&'static str, Tone) {
    if merchant.verified {
        (t!("merchants.verified"), Tone::Good)
    } else {
        (t!("merchants.unverified"), Tone::Neutral)
    }
}
