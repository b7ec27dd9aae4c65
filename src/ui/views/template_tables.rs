//! The Templates panel's two tables, on the shared table widget: the draft box (with "Add to template library…" on
//! each draft) and the template library (with "Deploy…" and "Delete…" on each template). Each returns the row
//! button clicked; the panel decides what it opens.

use std::cell::Cell;

use egui::RichText;
use egui_extras::Column;

use crate::engine::protocol::{TemplateKind, TemplateLibrary};
use crate::t;
use crate::ui::theme::Tone;
use crate::ui::time_text;
use crate::ui::views::templates::TemplatesView;
use crate::ui::widgets::chip_ui;
use crate::ui::widgets::table::{Table, TableColumn};
use crate::wechat::api::template::{Draft, Template};
use crate::wechat::ids::{DraftId, TemplateId};

/// Below this width the tables drop the draft's source and the time of day, so the row buttons stay in view.
const NARROW_BELOW: f32 = 860.0;

/// The draft box's sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftColumn {
    Id,
    Version,
    Uploaded,
}

/// The library's sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateColumn {
    Id,
    Version,
    Kind,
    Created,
}

/// A row button clicked this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowClick {
    Add(DraftId),
    Deploy(TemplateId),
    Delete(TemplateId),
}

pub fn kind_text(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Ordinary => t!("templates.ordinary"),
        TemplateKind::Standard => t!("templates.standard"),
    }
}

/// The kind in a table cell, where the column's title already says it is a template type.
fn kind_short(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Ordinary => t!("templates.ordinary_short"),
        TemplateKind::Standard => t!("templates.standard_short"),
    }
}

/// The draft box, newest upload first unless the operator sorts otherwise. `idle`: no add or delete is on its way.
pub fn drafts_ui(
    ui: &mut egui::Ui,
    library: &TemplateLibrary,
    version: u64,
    view: &mut TemplatesView,
    idle: bool,
    hide_volatile: bool,
) -> Option<RowClick> {
    let list = library.drafts.as_slice();
    let sort = view.draft_sort;
    view.drafts.refresh(
        (version, sort),
        list,
        |_| true,
        |a, b| {
            let ordering = match sort.column {
                DraftColumn::Id => a.draft_id.cmp(&b.draft_id),
                DraftColumn::Version => a.user_version.cmp(&b.user_version),
                DraftColumn::Uploaded => a.create_time.cmp(&b.create_time),
            };
            sort.apply(ordering).then_with(|| a.draft_id.cmp(&b.draft_id))
        },
    );
    let narrow = ui.available_width() < NARROW_BELOW;
    let clicked = Cell::new(None);
    let add = |ui: &mut egui::Ui, draft: &Draft| {
        if ui.add_enabled(idle, egui::Button::new(t!("templates.add"))).clicked() {
            clicked.set(Some(RowClick::Add(draft.draft_id)));
        }
    };
    let mut columns = vec![
        TableColumn::new(t!("templates.col_id"), fixed(64.0), |ui, d: &Draft| {
            id_ui(ui, d.draft_id.0)
        })
        .sortable(DraftColumn::Id),
        TableColumn::new(t!("templates.col_version"), fixed(72.0), |ui, d: &Draft| {
            text_ui(ui, &d.user_version)
        })
        .sortable(DraftColumn::Version),
        TableColumn::new(t!("templates.col_desc"), description(), |ui, d: &Draft| {
            text_ui(ui, &d.user_desc)
        }),
        TableColumn::new(
            t!("templates.col_uploaded"),
            when_width(narrow),
            move |ui, d: &Draft| when_ui(ui, d.create_time, narrow, hide_volatile),
        )
        .sortable(DraftColumn::Uploaded),
    ];
    if !narrow {
        columns.push(TableColumn::new(t!("templates.col_source"), fixed(130.0), source_ui));
    }
    columns.push(TableColumn::new(t!("templates.col_actions"), fixed(190.0), add));
    // Column counts differ with the width: each layout keeps its own widths.
    let salt = if narrow {
        "template-drafts-narrow"
    } else {
        "template-drafts"
    };
    let order = view.drafts.rows();
    let mut table = Table::new(salt, list, order, view.drafts.generation(), |d: &Draft| &d.draft_id);
    for column in columns {
        table = table.column(column);
    }
    table.show(ui, &mut view.draft_table, &mut view.draft_sort, |_, _| None::<()>);
    clicked.get()
}

/// The library, newest template first unless the operator sorts otherwise.
pub fn templates_ui(
    ui: &mut egui::Ui,
    library: &TemplateLibrary,
    version: u64,
    view: &mut TemplatesView,
    idle: bool,
    hide_volatile: bool,
) -> Option<RowClick> {
    let list = library.templates.as_slice();
    let sort = view.template_sort;
    view.templates.refresh(
        (version, sort),
        list,
        |_| true,
        |a, b| {
            let ordering = match sort.column {
                TemplateColumn::Id => a.template_id.cmp(&b.template_id),
                TemplateColumn::Version => a.user_version.cmp(&b.user_version),
                TemplateColumn::Kind => a.template_type.cmp(&b.template_type),
                TemplateColumn::Created => a.create_time.cmp(&b.create_time),
            };
            sort.apply(ordering).then_with(|| a.template_id.cmp(&b.template_id))
        },
    );
    let narrow = ui.available_width() < NARROW_BELOW;
    let clicked = Cell::new(None);
    let actions = |ui: &mut egui::Ui, template: &Template| {
        let deploy = ui
            .button(t!("templates.deploy"))
            .on_hover_text(t!("templates.deploy_hint"));
        if deploy.clicked() {
            clicked.set(Some(RowClick::Deploy(template.template_id)));
        }
        if ui
            .add_enabled(idle, egui::Button::new(t!("templates.delete")))
            .clicked()
        {
            clicked.set(Some(RowClick::Delete(template.template_id)));
        }
    };
    let columns = vec![
        TableColumn::new(t!("templates.col_id"), fixed(64.0), |ui, t: &Template| {
            id_ui(ui, t.template_id.0)
        })
        .sortable(TemplateColumn::Id),
        TableColumn::new(t!("templates.col_version"), fixed(72.0), |ui, t: &Template| {
            text_ui(ui, &t.user_version)
        })
        .sortable(TemplateColumn::Version),
        TableColumn::new(t!("templates.col_desc"), description(), |ui, t: &Template| {
            text_ui(ui, &t.user_desc)
        }),
        TableColumn::new(t!("templates.col_kind"), fixed(90.0), kind_ui).sortable(TemplateColumn::Kind),
        TableColumn::new(
            t!("templates.col_created"),
            when_width(narrow),
            move |ui, t: &Template| when_ui(ui, t.create_time, narrow, hide_volatile),
        )
        .sortable(TemplateColumn::Created),
        TableColumn::new(t!("templates.col_actions"), fixed(184.0), actions),
    ];
    let salt = if narrow {
        "template-library-narrow"
    } else {
        "template-library"
    };
    let order = view.templates.rows();
    let generation = view.templates.generation();
    let mut table = Table::new(salt, list, order, generation, |t: &Template| &t.template_id);
    for column in columns {
        table = table.column(column);
    }
    table.show(ui, &mut view.template_table, &mut view.template_sort, |_, _| None::<()>);
    clicked.get()
}

/// The description takes the room the other columns leave, as the window grows or shrinks: egui_extras keeps a
/// resizable column at its first width, so this one is not resizable (the others are).
fn description() -> Column {
    Column::remainder().at_least(100.0).clip(true).resizable(false)
}

/// Room for a date and time, or for the date alone in a narrow window.
fn when_width(narrow: bool) -> Column {
    fixed(if narrow { 96.0 } else { 150.0 })
}

/// A column that starts at `width`, may be resized, and clips what does not fit.
fn fixed(width: f32) -> Column {
    Column::initial(width).at_least(50.0).clip(true)
}

fn id_ui(ui: &mut egui::Ui, id: u64) {
    ui.add(egui::Label::new(RichText::new(format!("#{id}")).monospace()).selectable(false));
}

fn text_ui(ui: &mut egui::Ui, text: &str) {
    ui.add(egui::Label::new(text).truncate().selectable(false));
}

fn when_ui(ui: &mut egui::Ui, unix_secs: i64, narrow: bool, hide_volatile: bool) {
    let when = match (hide_volatile, narrow) {
        (true, _) => "—".to_owned(),
        (false, true) => time_text::date(unix_secs),
        (false, false) => time_text::datetime(unix_secs),
    };
    ui.add(egui::Label::new(when).selectable(false));
}

fn source_ui(ui: &mut egui::Ui, draft: &Draft) {
    let name = if draft.source_miniprogram.is_empty() {
        &draft.source_miniprogram_appid
    } else {
        &draft.source_miniprogram
    };
    ui.add(egui::Label::new(name.as_str()).truncate().selectable(false))
        .on_hover_text(RichText::new(&draft.source_miniprogram_appid).monospace());
}

/// Standard templates stand out: their ext_json is limited, and the platform advises against them.
fn kind_ui(ui: &mut egui::Ui, template: &Template) {
    let kind = TemplateKind::of(template);
    let tone = match kind {
        TemplateKind::Ordinary => Tone::Neutral,
        TemplateKind::Standard => Tone::Warning,
    };
    chip_ui(ui, kind_short(kind), tone).on_hover_text(kind_text(kind));
}
