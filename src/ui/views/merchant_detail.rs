//! The detail pane of one merchant: every field the hub knows, the permission sets it granted, by name, and for a
//! mini program still authorized its code (`merchant_code`).

use egui::RichText;

use crate::engine::protocol::{AccountKind, AuthorizerRow};
use crate::t;
use crate::ui::platform_text;
use crate::ui::state::AppState;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::merchant_table::verification;
use crate::ui::views::merchants::kind_text;
use crate::ui::views::{Outbox, UiAction, merchant_code};
use crate::ui::widgets::{chip_ui, field_row_ui, tone_text};

/// Draws the pane; returns true when the operator closed it.
pub fn detail_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow, state: &AppState, out: &mut Outbox) -> bool {
    let hide_volatile = state.hide_volatile;
    let mut close = false;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new(&merchant.nick_name).size(18.0).strong());
        if merchant.revoked_at.is_some() {
            ui.label(tone_text(t!("merchants.revoked_note"), Tone::Bad));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            close = ui.button(t!("common.close")).clicked();
            if ui.button(t!("merchants.copy_appid")).clicked() {
                ui.ctx().copy_text(merchant.appid.clone());
            }
            // §8.7: a mini program still authorized can be given a name, avatar, introduction and categories.
            if merchant.kind == AccountKind::MiniProgram
                && merchant.revoked_at.is_none()
                && ui.button(t!("setup.open")).clicked()
            {
                out.act(UiAction::SetUp(merchant.appid.clone()));
            }
        });
    });
    ui.add_space(4.0);
    // A revoked merchant's code cannot be read: the hub has no token for it.
    let has_code = merchant.kind == AccountKind::MiniProgram && merchant.revoked_at.is_none();
    ui.columns(if has_code { 3 } else { 2 }, |columns| {
        fields_ui(&mut columns[0], merchant, hide_volatile);
        if has_code {
            merchant_code::code_ui(&mut columns[1], &merchant.appid, state, out);
        }
        if let Some(last) = columns.last_mut() {
            sets_ui(last, merchant);
        }
    });
    close
}

fn fields_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow, hide_volatile: bool) {
    let when = |secs: i64| {
        if hide_volatile {
            "—".to_owned()
        } else {
            time_text::datetime(secs)
        }
    };
    egui::Grid::new("merchant-fields")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            field_row_ui(
                ui,
                t!("merchants.col_appid"),
                RichText::new(&merchant.appid).monospace(),
            );
            field_row_ui(
                ui,
                t!("merchants.original_id"),
                RichText::new(&merchant.user_name).monospace(),
            );
            field_row_ui(ui, t!("merchants.col_kind"), kind_text(merchant.kind));
            field_row_ui(ui, t!("merchants.col_principal"), merchant.principal_name.as_str());
            let (text, tone) = verification(merchant);
            field_row_ui(ui, t!("merchants.col_verified"), tone_text(text, tone));
            field_row_ui(ui, t!("merchants.col_authorized_at"), when(merchant.authorized_at));
            if let Some(revoked_at) = merchant.revoked_at {
                field_row_ui(ui, t!("merchants.revoked_at"), when(revoked_at));
            }
        });
}

fn sets_ui(ui: &mut egui::Ui, merchant: &AuthorizerRow) {
    ui.label(RichText::new(t!("merchants.granted_sets", count = merchant.func_ids.len())).strong());
    egui::ScrollArea::vertical().id_salt("granted-sets").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            for &id in &merchant.func_ids {
                chip_ui(ui, format!("{id} · {}", platform_text::permission_name(id)), Tone::Good);
            }
        });
    });
}
