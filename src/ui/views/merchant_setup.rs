//! The set-up of a mini program (wechat-api.md §8.7), in a window over the Merchants panel: a checklist of what it
//! still lacks before code can be deployed to it (name, avatar, introduction, an approved category, and the same
//! pre-flight the deployments use), then one section per item: the name with its pre-check and its review, an
//! avatar from an image file (cropped, scaled and compressed before anything is sent), the introduction with its
//! length rule, and the categories from the platform's tree with the month's quota.

use std::collections::BTreeMap;

use egui::{RichText, TextureHandle, TextureOptions};

use crate::engine::protocol::{
    AccountSetup, AuthorizerRow, Avatar, Command, FeedbackImage, NAME_CHARS, SIGNATURE_CHARS, SetupAction, SetupCommand,
};
use crate::t;
use crate::ui::deploy_ready;
use crate::ui::remote::Remote;
use crate::ui::state::{AppState, NAME_APPROVED, NAME_REJECTED, NameAudit, SetupState};
use crate::ui::theme::Tone;
use crate::ui::views::Outbox;
use crate::ui::views::audit_actions::feedback_image;
use crate::ui::widgets::confirm::{Confirm, confirm_ui};
use crate::ui::widgets::{error_detail_ui, error_text, tone_text};
use crate::wechat::api::category::{CategoryNode, SettingCategory};

/// §8.7.7 `audit_status`.
const CATEGORY_AUDITING: i64 = 1;
const CATEGORY_APPROVED: i64 = 3;

/// The window's own state: whose set-up it shows and what is typed.
#[derive(Default)]
pub struct SetupView {
    /// The mini program whose set-up is open.
    pub open: Option<String>,
    pub name: String,
    pub signature: String,
    /// Whose introduction `signature` was filled from.
    signature_of: Option<String>,
    pub first: Option<i64>,
    pub second: Option<i64>,
    /// Supporting material for a name that needs it (§8.7.1), or why the dropped file is not one.
    material: Option<FeedbackImage>,
    material_error: Option<String>,
    /// A category delete waiting for its confirmation.
    deleting: Option<(i64, i64, String)>,
    avatar_texture: Option<(usize, TextureHandle)>,
}

impl std::fmt::Debug for SetupView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupView")
            .field("open", &self.open)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// How one item of the checklist stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Done,
    /// Sent, waiting for the platform (a name or a category under review).
    Waiting,
    Missing,
}

/// One item: its name, how it stands, and what it is or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub label: &'static str,
    pub check: Check,
    pub note: String,
}

/// What the mini program still lacks before code can be deployed to it: §8.7's four items as the platform reports
/// them, then the deployment's own pre-flight on the hub's row (`deploy_ready`), which is what a deployment checks.
pub fn checklist(account: &AccountSetup, row: Option<&AuthorizerRow>, audit: Option<&NameAudit>) -> Vec<ChecklistItem> {
    let basic = &account.basic;
    let item = |label, check, note: String| ChecklistItem { label, check, note };
    let name = match (basic.nickname.trim(), audit) {
        (name, _) if !name.is_empty() => item(t!("setup.item_name"), Check::Done, name.to_owned()),
        (_, Some(audit)) if audit.stat != NAME_REJECTED && audit.stat != NAME_APPROVED => item(
            t!("setup.item_name"),
            Check::Waiting,
            t!("setup.name_in_review", name = audit.name),
        ),
        _ => item(t!("setup.item_name"), Check::Missing, t!("setup.missing").to_owned()),
    };
    let avatar = match basic.head_image_info.head_image_url.is_empty() {
        false => item(t!("setup.item_avatar"), Check::Done, t!("setup.set").to_owned()),
        true => item(t!("setup.item_avatar"), Check::Missing, t!("setup.missing").to_owned()),
    };
    let intro = basic.signature_info.signature.trim();
    let intro = match intro.is_empty() {
        false => item(t!("setup.item_intro"), Check::Done, intro.to_owned()),
        true => item(t!("setup.item_intro"), Check::Missing, t!("setup.missing").to_owned()),
    };
    let categories = &account.categories.categories;
    let approved: Vec<String> = categories
        .iter()
        .filter(|c| c.audit_status == CATEGORY_APPROVED)
        .map(category_name)
        .collect();
    let category = if !approved.is_empty() {
        item(t!("setup.item_category"), Check::Done, approved.join("、"))
    } else if categories.iter().any(|c| c.audit_status == CATEGORY_AUDITING) {
        item(
            t!("setup.item_category"),
            Check::Waiting,
            t!("setup.category_in_review").to_owned(),
        )
    } else {
        item(
            t!("setup.item_category"),
            Check::Missing,
            t!("setup.missing").to_owned(),
        )
    };
    let deploy = match deploy_ready::blocked(row) {
        None => item(
            t!("setup.item_deploy"),
            Check::Done,
            t!("setup.deploy_ready").to_owned(),
        ),
        Some(why) => item(t!("setup.item_deploy"), Check::Missing, why.text().to_owned()),
    };
    vec![name, avatar, intro, category, deploy]
}

fn category_name(category: &SettingCategory) -> String {
    format!("{} › {}", category.first_name, category.second_name)
}

impl SetupView {
    /// Opens the window on `appid`, asking for its set-up unless it is the one read.
    pub fn open(&mut self, appid: &str, state: &AppState, out: &mut Outbox) {
        if self.open.as_deref() != Some(appid) {
            *self = SetupView {
                open: Some(appid.to_owned()),
                ..SetupView::default()
            };
        }
        if state.setup.wants(appid) {
            out.send(Command::Setup(SetupCommand::Load(appid.to_owned())));
        }
    }
}

/// Draws the window while it is open.
pub fn setup_window(ctx: &egui::Context, view: &mut SetupView, state: &AppState, out: &mut Outbox) {
    let Some(appid) = view.open.clone() else {
        return;
    };
    let row = state
        .merchants
        .list
        .value()
        .and_then(|list| list.iter().find(|row| row.appid == appid));
    let title = match row.map(|r| r.nick_name.trim()).filter(|n| !n.is_empty()) {
        Some(name) => t!("setup.title", name = name),
        None => t!("setup.title", name = appid),
    };
    let mut open = true;
    // The panels' grey, not the windows' white: the form's white text fields must show where they are.
    let frame = egui::Frame::window(&ctx.global_style()).fill(ctx.global_style().visuals.panel_fill);
    egui::Window::new(title)
        .id(egui::Id::unique("merchant-setup"))
        .frame(frame)
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_size([620.0, 560.0])
        .max_height(ctx.content_rect().height() - 40.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                setup_ui(ui, view, &appid, row, state, out);
            });
        });
    if let Some((first, second, _)) = confirm_ui(ctx, &mut view.deleting, |(_, _, name)| {
        Confirm::new(
            t!("setup.delete_category_title", category = name),
            t!("setup.delete_category_consequence", category = name),
            t!("setup.delete_category"),
        )
    }) {
        act(out, &appid, SetupAction::DeleteCategory { first, second });
    }
    if !open {
        view.open = None;
    }
}

fn act(out: &mut Outbox, appid: &str, action: SetupAction) {
    out.send(Command::Setup(SetupCommand::Act {
        appid: appid.to_owned(),
        action,
    }));
}

fn setup_ui(
    ui: &mut egui::Ui,
    view: &mut SetupView,
    appid: &str,
    row: Option<&AuthorizerRow>,
    state: &AppState,
    out: &mut Outbox,
) {
    let setup = &state.setup;
    ui.horizontal(|ui| {
        ui.label(RichText::new(appid).monospace().weak());
        if setup.account.is_loading() {
            ui.spinner();
        } else if ui.small_button(t!("common.refresh")).clicked() {
            out.send(Command::Setup(SetupCommand::Load(appid.to_owned())));
        }
    });
    let account = match (&setup.account, setup.appid.as_deref() == Some(appid)) {
        (remote, true) => remote.value(),
        _ => None,
    };
    if let (Some(error), true) = (setup.account.error(), setup.appid.as_deref() == Some(appid)) {
        ui.label(tone_text(error_text(error), Tone::Bad));
        error_detail_ui(ui, error);
    }
    let Some(account) = account else {
        return;
    };
    if view.signature_of.as_deref() != Some(appid) {
        view.signature = account.basic.signature_info.signature.clone();
        view.signature_of = Some(appid.to_owned());
    }

    // A dropped file is the name's supporting material while a name that needs it has none; otherwise the avatar.
    let name = view.name.trim().to_owned();
    let wants_material = view.material.is_none()
        && setup
            .name_checked
            .as_ref()
            .is_some_and(|(checked, hit, _)| *hit && *checked == name);
    let dropped = ui.ctx().input(|input| input.raw.dropped_files.first().cloned());
    if let Some(file) = dropped {
        match wants_material {
            true => match feedback_image(file.as_ref()) {
                Ok(image) => {
                    view.material = Some(image);
                    view.material_error = None;
                }
                Err(why) => view.material_error = Some(why),
            },
            false => out.send(Command::Setup(SetupCommand::PrepareAvatar(file.path().to_path_buf()))),
        }
    }

    let items = checklist(account, row, setup.name_audit());
    checklist_ui(ui, &items);
    last_action_ui(ui, setup);
    ui.separator();
    let busy = setup.acted.is_loading();
    name_ui(ui, view, appid, account, setup, busy, state.is_sandbox(), out);
    ui.separator();
    avatar_ui(ui, view, appid, account, setup, busy, out);
    ui.separator();
    intro_ui(ui, view, appid, account, busy, out);
    ui.separator();
    categories_ui(ui, view, appid, account, setup, busy, out);
}

fn checklist_ui(ui: &mut egui::Ui, items: &[ChecklistItem]) {
    let done = items.iter().filter(|i| i.check == Check::Done).count();
    let (headline, tone) = match done == items.len() {
        true => (t!("setup.complete").to_owned(), Tone::Good),
        false => (t!("setup.lacking", left = items.len() - done), Tone::Warning),
    };
    ui.label(tone_text(headline, tone).strong());
    egui::Grid::new("setup-checklist")
        .num_columns(3)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            for item in items {
                let (mark, tone) = match item.check {
                    Check::Done => ("✓", Tone::Good),
                    Check::Waiting => ("…", Tone::Pending),
                    Check::Missing => ("×", Tone::Bad),
                };
                ui.label(tone_text(mark, tone));
                ui.label(item.label);
                ui.label(RichText::new(&item.note).weak());
                ui.end_row();
            }
        });
}

/// The last write's answer: done, or the platform's refusal in words.
fn last_action_ui(ui: &mut egui::Ui, setup: &SetupState) {
    match &setup.acted {
        Remote::Loading { .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(t!("setup.sending"));
            });
        }
        Remote::Failed { error, .. } => {
            ui.label(tone_text(error_text(error), Tone::Bad));
            error_detail_ui(ui, error);
        }
        Remote::Ready(_) | Remote::NotLoaded => {}
    }
}

fn quota_text(used: i64, quota: i64) -> String {
    t!("setup.quota", used = used, quota = quota)
}

/// A section's title and what is left of its monthly quota.
fn section_header_ui(ui: &mut egui::Ui, title: &str, quota: String) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).strong());
        ui.label(RichText::new(quota).small().weak());
    });
}

#[allow(clippy::too_many_arguments)]
fn name_ui(
    ui: &mut egui::Ui,
    view: &mut SetupView,
    appid: &str,
    account: &AccountSetup,
    setup: &SetupState,
    busy: bool,
    sandbox: bool,
    out: &mut Outbox,
) {
    let info = &account.basic.nickname_info;
    section_header_ui(
        ui,
        t!("setup.item_name"),
        quota_text(info.modify_used_count, info.modify_quota),
    );
    let label = ui.label(t!("setup.name_rule", min = NAME_CHARS.start(), max = NAME_CHARS.end()));
    let before = view.name.clone();
    let edit = egui::TextEdit::singleline(&mut view.name)
        .hint_text(account.basic.nickname.as_str())
        .desired_width(280.0);
    ui.add(edit).labelled_by(label.id);
    if view.name != before {
        // Material was for the name it was dropped for.
        view.material = None;
        view.material_error = None;
    }
    let name = view.name.trim().to_owned();
    let length = name.chars().count();
    let valid = NAME_CHARS.contains(&length);
    if !name.is_empty() && !valid {
        ui.label(tone_text(t!("setup.name_length", count = length), Tone::Bad).small());
    }
    let mut needs_material = false;
    if let Some((checked, hit, wording)) = &setup.name_checked
        && *checked == name
    {
        needs_material = *hit;
        let (text, tone) = match hit {
            true => (t!("setup.name_needs_material", wording = wording), Tone::Warning),
            false => (t!("setup.name_clear").to_owned(), Tone::Good),
        };
        ui.label(tone_text(text, tone).small());
    }
    // §8.7.1: `id_card` for a person, `license` for an organization (§8.7.6 `principal_type` 0 is a person).
    let personal = account.basic.principal_type == 0;
    if needs_material {
        let hint = match personal {
            true => t!("setup.material_id_card"),
            false => t!("setup.material_license"),
        };
        ui.label(RichText::new(hint).small().weak());
        if let Some(file_name) = view.material.as_ref().map(|m| m.file_name.clone()) {
            ui.horizontal(|ui| {
                ui.label(RichText::new(file_name).small());
                if ui.small_button(t!("audits.image_remove")).clicked() {
                    view.material = None;
                }
            });
        }
        if let Some(error) = &view.material_error {
            ui.label(tone_text(error, Tone::Bad).small());
        }
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(valid && !busy, egui::Button::new(t!("setup.name_check")))
            .clicked()
        {
            act(out, appid, SetupAction::CheckName(name.clone()));
        }
        if ui
            .add_enabled(valid && !busy, egui::Button::new(t!("setup.name_set")))
            .clicked()
        {
            let material = view.material.clone().filter(|_| needs_material);
            act(
                out,
                appid,
                SetupAction::SetName {
                    name: name.clone(),
                    material,
                    personal,
                },
            );
        }
    });
    if let Some(audit) = setup.name_audit() {
        let open = audit.stat != NAME_APPROVED && audit.stat != NAME_REJECTED;
        ui.horizontal(|ui| {
            let (text, tone) = match audit.stat {
                NAME_APPROVED => (t!("setup.name_approved", name = audit.name), Tone::Good),
                NAME_REJECTED => (
                    t!("setup.name_rejected", name = audit.name, reason = audit.reason),
                    Tone::Bad,
                ),
                _ => (t!("setup.name_in_review", name = audit.name), Tone::Pending),
            };
            ui.label(tone_text(text, tone));
            if open
                && ui
                    .add_enabled(!busy, egui::Button::new(t!("setup.name_query")))
                    .clicked()
            {
                act(out, appid, SetupAction::QueryName(audit.audit_id));
            }
        });
        if open && sandbox {
            // Sandbox only: play the platform's reviewer.
            ui.horizontal(|ui| {
                let idle = !setup.simulated.is_loading();
                let choices = [
                    (t!("setup.sandbox_approve_name"), true),
                    (t!("setup.sandbox_reject_name"), false),
                ];
                for (text, approve) in choices {
                    if ui.add_enabled(idle, egui::Button::new(text).small()).clicked() {
                        out.send(Command::Setup(SetupCommand::SimulateNameReview {
                            appid: appid.to_owned(),
                            approve,
                        }));
                    }
                }
            });
        }
    }
}

fn avatar_ui(
    ui: &mut egui::Ui,
    view: &mut SetupView,
    appid: &str,
    account: &AccountSetup,
    setup: &SetupState,
    busy: bool,
    out: &mut Outbox,
) {
    let info = &account.basic.head_image_info;
    section_header_ui(
        ui,
        t!("setup.item_avatar"),
        quota_text(info.modify_used_count, info.modify_quota),
    );
    ui.label(
        RichText::new(t!(
            "setup.avatar_hint",
            side = crate::engine::avatar::MAX_SIDE,
            mb = crate::engine::avatar::MAX_FILE_BYTES >> 20
        ))
        .small()
        .weak(),
    );
    match &setup.avatar {
        Remote::Loading { .. } => {
            ui.spinner();
        }
        Remote::Failed { error, .. } => {
            ui.label(tone_text(avatar_error(error), Tone::Bad));
            error_detail_ui(ui, error);
        }
        Remote::Ready(avatar) => {
            ui.horizontal(|ui| {
                let texture = avatar_texture(ui.ctx(), view, avatar);
                ui.add(egui::Image::new(&texture).fit_to_exact_size(egui::vec2(96.0, 96.0)));
                ui.vertical(|ui| {
                    let (w, h) = avatar.original;
                    ui.label(t!(
                        "setup.avatar_prepared",
                        name = avatar.file_name,
                        w = w,
                        h = h,
                        side = avatar.side,
                        kb = avatar.jpeg.len().div_ceil(1024)
                    ));
                    if ui
                        .add_enabled(!busy, egui::Button::new(t!("setup.avatar_set")))
                        .clicked()
                    {
                        act(out, appid, SetupAction::Avatar(avatar.clone()));
                    }
                });
            });
        }
        Remote::NotLoaded => {}
    }
}

/// A file that could not be made an avatar, in the operator's words.
fn avatar_error(error: &crate::engine::protocol::EngineError) -> String {
    match error.kind {
        crate::engine::protocol::ErrorKind::Decode => t!("setup.avatar_not_image").to_owned(),
        crate::engine::protocol::ErrorKind::Io => t!("setup.avatar_unreadable").to_owned(),
        _ => error_text(error),
    }
}

fn avatar_texture(ctx: &egui::Context, view: &mut SetupView, avatar: &Avatar) -> TextureHandle {
    let key = std::sync::Arc::as_ptr(&avatar.rgba) as usize;
    if let Some((known, texture)) = &view.avatar_texture
        && *known == key
    {
        return texture.clone();
    }
    let side = avatar.side as usize;
    let image = egui::ColorImage::from_rgba_unmultiplied([side, side], &avatar.rgba);
    let texture = ctx.load_texture("setup-avatar", image, TextureOptions::LINEAR);
    view.avatar_texture = Some((key, texture.clone()));
    texture
}

fn intro_ui(
    ui: &mut egui::Ui,
    view: &mut SetupView,
    appid: &str,
    account: &AccountSetup,
    busy: bool,
    out: &mut Outbox,
) {
    let info = &account.basic.signature_info;
    section_header_ui(
        ui,
        t!("setup.item_intro"),
        quota_text(info.modify_used_count, info.modify_quota),
    );
    let count = view.signature.trim().chars().count();
    let valid = SIGNATURE_CHARS.contains(&count);
    let label = ui.label(t!(
        "setup.intro_rule",
        min = SIGNATURE_CHARS.start(),
        max = SIGNATURE_CHARS.end(),
        count = count
    ));
    let edit = egui::TextEdit::multiline(&mut view.signature)
        .desired_rows(2)
        .desired_width(f32::INFINITY);
    ui.add(edit).labelled_by(label.id);
    if count > 0 && !valid {
        ui.label(tone_text(t!("setup.intro_length", count = count), Tone::Bad).small());
    }
    let unchanged = view.signature.trim() == info.signature.trim();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(valid && !unchanged && !busy, egui::Button::new(t!("setup.intro_save")))
            .clicked()
        {
            act(out, appid, SetupAction::Signature(view.signature.trim().to_owned()));
        }
    });
}

fn categories_ui(
    ui: &mut egui::Ui,
    view: &mut SetupView,
    appid: &str,
    account: &AccountSetup,
    setup: &SetupState,
    busy: bool,
    out: &mut Outbox,
) {
    let categories = &account.categories;
    let quota = t!(
        "setup.category_quota",
        left = categories.quota,
        limit = categories.limit,
        count = categories.categories.len(),
        max = categories.category_limit
    );
    section_header_ui(ui, t!("setup.item_category"), quota);
    for category in &categories.categories {
        ui.horizontal(|ui| {
            let (status, tone) = match category.audit_status {
                CATEGORY_APPROVED => (t!("setup.category_approved"), Tone::Good),
                CATEGORY_AUDITING => (t!("setup.category_auditing"), Tone::Pending),
                _ => (t!("setup.category_rejected"), Tone::Bad),
            };
            crate::ui::widgets::chip::chip_ui(ui, status, tone);
            let name = category_name(category);
            ui.label(&name);
            if !category.audit_reason.is_empty() {
                ui.label(RichText::new(&category.audit_reason).small().weak());
            }
            let deletable = category.audit_status != CATEGORY_AUDITING;
            if ui
                .add_enabled(
                    deletable && !busy,
                    egui::Button::new(t!("setup.delete_category")).small(),
                )
                .clicked()
            {
                view.deleting = Some((category.first, category.second, name));
            }
        });
    }
    if categories.categories.is_empty() {
        ui.label(RichText::new(t!("setup.no_categories")).weak());
    }
    // The tree is read once per account, when its section is first drawn.
    let tree_is_ours = setup.tree_of.as_deref() == Some(appid);
    if !tree_is_ours || matches!(setup.tree, Remote::NotLoaded) {
        let ask = Command::Setup(SetupCommand::Tree(appid.to_owned()));
        if !out.commands.contains(&ask) && !setup.tree.is_loading() {
            out.send(ask);
        }
        return;
    }
    match &setup.tree {
        Remote::Ready(tree) => add_category_ui(ui, view, appid, tree, categories.quota, busy, out),
        Remote::Failed { error, .. } => {
            ui.label(tone_text(error_text(error), Tone::Bad));
        }
        _ => {
            ui.spinner();
        }
    }
}

/// Two pickers from the tree (§8.7.7: level 1 and its level-2 children) and Add. A category that needs
/// qualification material (`sensitive_type` 1) is shown but not offered: its certificates are uploaded on the
/// platform's own pages.
fn add_category_ui(
    ui: &mut egui::Ui,
    view: &mut SetupView,
    appid: &str,
    tree: &[CategoryNode],
    quota: i64,
    busy: bool,
    out: &mut Outbox,
) {
    let by_id: BTreeMap<i64, &CategoryNode> = tree.iter().map(|node| (node.id, node)).collect();
    let firsts: Vec<&CategoryNode> = tree.iter().filter(|node| node.level == 1).collect();
    let name_of = |id: Option<i64>| {
        id.and_then(|id| by_id.get(&id))
            .map_or_else(|| t!("setup.category_pick").to_owned(), |node| node.name.clone())
    };
    ui.horizontal(|ui| {
        egui::ComboBox::from_label(t!("setup.category_first"))
            .selected_text(name_of(view.first))
            .show_ui(ui, |ui| {
                for node in &firsts {
                    if ui.selectable_label(view.first == Some(node.id), &node.name).clicked() {
                        view.first = Some(node.id);
                        view.second = None;
                    }
                }
            });
        let children: Vec<&CategoryNode> = view
            .first
            .and_then(|id| by_id.get(&id))
            .map(|first| first.children.iter().filter_map(|id| by_id.get(id).copied()).collect())
            .unwrap_or_default();
        egui::ComboBox::from_label(t!("setup.category_second"))
            .selected_text(name_of(view.second))
            .show_ui(ui, |ui| {
                for node in children {
                    let needs_material = node.sensitive_type == 1;
                    let label = match needs_material {
                        true => format!("{} ({})", node.name, t!("setup.category_needs_material")),
                        false => node.name.clone(),
                    };
                    let pick = ui.add_enabled(
                        !needs_material,
                        egui::Button::selectable(view.second == Some(node.id), label),
                    );
                    if pick.clicked() {
                        view.second = Some(node.id);
                    }
                }
            });
        let ready = view.first.is_some() && view.second.is_some() && quota > 0;
        if ui
            .add_enabled(ready && !busy, egui::Button::new(t!("setup.category_add")))
            .clicked()
            && let (Some(first), Some(second)) = (view.first, view.second)
        {
            act(out, appid, SetupAction::AddCategory { first, second });
        }
    });
    if quota <= 0 {
        ui.label(tone_text(t!("setup.category_no_quota"), Tone::Warning).small());
    }
}
