//! The table every list of the console uses: only the rows in view are laid out, so a hundred thousand merchants
//! scroll as smoothly as ten; a header click sorts; rows are selected by click, ctrl/cmd-click, shift-click and a
//! checkbox column with a select-all box; while rows are selected a bar of bulk actions sits under the table.
//!
//! Generic over the row type: the caller gives its list, the order to show it in (filtered and sorted, e.g. by a
//! `RowOrder`), each row's stable key, and each column's title, cell and sort column. The selection is kept by key in
//! a `TableState` that lives in the view's own state, so a re-sort or a refreshed list keeps it.

mod selection;
mod sort;

pub use selection::{Click, Selection};
pub use sort::{RowOrder, Sort};

use std::hash::Hash;

use egui::{Checkbox, Modifiers, PointerButton, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use crate::t;

const HEADER_HEIGHT: f32 = 30.0;
const CHECKBOX_WIDTH: f32 = 24.0;
/// The room the bulk-action bar takes under the table: the gap above it, its frame and a row of buttons.
const BAR_HEIGHT: f32 = 48.0;
const BAR_GAP: f32 = 6.0;

/// What a table remembers between frames. Keep it in the view's state struct, never in `AppState`.
#[derive(Debug)]
pub struct TableState<K> {
    pub selection: Selection<K>,
    /// The order generation the selection was last trimmed to.
    trimmed_for: Option<u64>,
}

impl<K> Default for TableState<K> {
    fn default() -> Self {
        TableState {
            selection: Selection::default(),
            trimmed_for: None,
        }
    }
}

/// Draws one cell of a row.
type CellUi<'a, R> = Box<dyn Fn(&mut egui::Ui, &R) + 'a>;

/// One column: its title, its width rules, how to draw its cell, and the sort column its header click picks.
pub struct TableColumn<'a, R, C> {
    title: String,
    width: Column,
    sort: Option<C>,
    cell: CellUi<'a, R>,
}

impl<'a, R, C> TableColumn<'a, R, C> {
    /// A column drawn by `cell`, which gets a left-to-right `Ui` the size of the cell (clip it in `width` when the
    /// content can run long).
    pub fn new(title: impl Into<String>, width: Column, cell: impl Fn(&mut egui::Ui, &R) + 'a) -> Self {
        TableColumn {
            title: title.into(),
            width,
            sort: None,
            cell: Box::new(cell),
        }
    }

    /// Makes the header a button that sorts by `column`.
    pub fn sortable(mut self, column: C) -> Self {
        self.sort = Some(column);
        self
    }
}

/// A table of `R` rows keyed by `K`, sortable by `C` columns. Build it each frame and `show` it.
pub struct Table<'a, R, K, C> {
    id_salt: &'a str,
    list: &'a [R],
    order: &'a [usize],
    generation: u64,
    key: Box<dyn Fn(&R) -> &K + 'a>,
    columns: Vec<TableColumn<'a, R, C>>,
    row_height: f32,
}

/// What happened in a table this frame.
#[derive(Debug)]
pub struct TableResponse<A> {
    /// The bulk action whose button was clicked.
    pub action: Option<A>,
    /// The selection changed: a click, select-all, clear, or selected rows going out of view.
    pub selection_changed: bool,
}

impl<'a, R, K: Clone + Eq + Hash, C: Copy + PartialEq> Table<'a, R, K, C> {
    /// A table of the rows of `list` at the indices `order` gives, in that order. `generation` must change whenever
    /// `order` or the list does (`RowOrder::generation`): the table then drops selected rows no longer shown.
    /// `key` gives a row's stable key.
    pub fn new(
        id_salt: &'a str,
        list: &'a [R],
        order: &'a [usize],
        generation: u64,
        key: impl Fn(&R) -> &K + 'a,
    ) -> Self {
        Table {
            id_salt,
            list,
            order,
            generation,
            key: Box::new(key),
            columns: Vec::new(),
            row_height: 28.0,
        }
    }

    pub fn column(mut self, column: TableColumn<'a, R, C>) -> Self {
        self.columns.push(column);
        self
    }

    /// Every row's height; the default suits one line of body text or a row of chips.
    pub fn row_height(mut self, row_height: f32) -> Self {
        self.row_height = row_height;
        self
    }

    /// Draws the table in the space left, and under it, while rows are selected, the bulk-action bar: the count, the
    /// buttons `bulk_ui` adds (it returns the action one of them asked for), select-all and clear.
    pub fn show<A>(
        self,
        ui: &mut egui::Ui,
        state: &mut TableState<K>,
        sort: &mut Sort<C>,
        bulk_ui: impl FnOnce(&mut egui::Ui, &Selection<K>) -> Option<A>,
    ) -> TableResponse<A> {
        let before = state.selection.len();
        if state.trimmed_for != Some(self.generation) {
            state.selection.keep_visible(self.visible());
            state.trimmed_for = Some(self.generation);
        }

        // The bar takes the bottom of the space, so rows never move when it appears; the table and its column lines
        // keep to the rest.
        let bar_shown = !state.selection.is_empty();
        let area = ui.available_rect_before_wrap();
        let bar_top = if bar_shown { area.max.y - BAR_HEIGHT } else { area.max.y };
        let table_rect = egui::Rect::from_min_max(area.min, egui::pos2(area.max.x, bar_top));
        let clicks = ui
            .scope_builder(egui::UiBuilder::new().max_rect(table_rect), |ui| {
                ui.set_clip_rect(table_rect.intersect(ui.clip_rect()));
                self.grid_ui(ui, &state.selection, sort)
            })
            .inner;
        self.apply(clicks, &mut state.selection);

        let mut action = None;
        if bar_shown && !state.selection.is_empty() {
            let bar_rect = egui::Rect::from_min_max(egui::pos2(area.min.x, bar_top), area.max);
            action = ui
                .scope_builder(egui::UiBuilder::new().max_rect(bar_rect), |ui| {
                    bar_ui(ui, &mut state.selection, self.order.len(), bulk_ui, || self.visible())
                })
                .inner;
        }
        if bar_shown == state.selection.is_empty() {
            // The bar comes or goes: lay the table out again for the space it leaves.
            ui.ctx().request_repaint();
        }
        TableResponse {
            action,
            selection_changed: clicks.any() || state.selection.len() != before,
        }
    }

    /// Every visible row's key, in display order.
    fn visible(&self) -> impl Iterator<Item = &K> + '_ {
        self.order.iter().map(|&i| (self.key)(&self.list[i]))
    }

    /// The header and the rows in view; returns what was clicked.
    fn grid_ui(&self, ui: &mut egui::Ui, selection: &Selection<K>, sort: &mut Sort<C>) -> Clicks {
        // The selection holds visible rows only, so comparing counts tells whether all are selected.
        let all_selected = !self.order.is_empty() && selection.len() == self.order.len();
        let mut clicks = Clicks {
            row: None,
            select_all: None,
        };
        let mut builder = TableBuilder::new(ui)
            .id_salt(self.id_salt)
            .striped(true)
            .resizable(true)
            .sense(Sense::click())
            // egui_extras scrolls no less than 200 points by default, which overruns a table given less room.
            .min_scrolled_height(0.0)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(CHECKBOX_WIDTH));
        for column in &self.columns {
            builder = builder.column(column.width);
        }
        builder
            .header(HEADER_HEIGHT, |mut header| {
                header.col(|ui| {
                    let mut all = all_selected;
                    let indeterminate = !all_selected && !selection.is_empty();
                    let response = ui.add(Checkbox::without_text(&mut all).indeterminate(indeterminate));
                    named(&response, all_selected, t!("table.select_all_shown"));
                    if response.on_hover_text(t!("table.select_all_hint")).clicked() {
                        clicks.select_all = Some(!all_selected);
                    }
                });
                for column in &self.columns {
                    header.col(|ui| header_cell_ui(ui, column, sort));
                }
            })
            .body(|body| {
                body.rows(self.row_height, self.order.len(), |mut row| {
                    let position = row.index();
                    let item = &self.list[self.order[position]];
                    if let Some(click) = self.row_ui(&mut row, item, selection.contains((self.key)(item))) {
                        clicks.row = Some((position, click));
                    }
                });
            });
        clicks
    }

    /// One row: its checkbox, then the caller's cells. Returns how it was clicked, if it was.
    fn row_ui(&self, row: &mut egui_extras::TableRow<'_, '_>, item: &R, selected: bool) -> Option<Click> {
        row.set_selected(selected);
        let mut click = None;
        let mut checked = selected;
        row.col(|ui| {
            let response = ui.add(Checkbox::without_text(&mut checked));
            named(&response, selected, t!("table.select_row"));
            if response.clicked() {
                // The box toggles; with shift it still ranges, as a shift-click on the row does.
                click = Some(match Click::from_modifiers(click_modifiers(ui.ctx())) {
                    Click::Only => Click::Toggle,
                    other => other,
                });
            }
        });
        for column in &self.columns {
            row.col(|ui| {
                // egui_extras paints a selected row's text in the selection stroke's green, which reads poorly on
                // the selection fill; the fill alone marks the row, and the text keeps its own colours.
                ui.visuals_mut().override_text_color = None;
                (column.cell)(ui, item)
            });
        }
        let response = row.response();
        if click.is_none() && response.clicked() {
            click = Some(Click::from_modifiers(click_modifiers(&response.ctx)));
        }
        click
    }

    fn apply(&self, clicks: Clicks, selection: &mut Selection<K>) {
        if let Some((position, click)) = clicks.row {
            let clicked = (self.key)(&self.list[self.order[position]]).clone();
            selection.click(&clicked, click, self.visible());
        } else if let Some(select) = clicks.select_all {
            if select {
                selection.select_all(self.visible());
            } else {
                selection.clear();
            }
        }
    }
}

/// What was clicked in the table this frame.
#[derive(Debug, Clone, Copy)]
struct Clicks {
    /// The row's position in the display order, and how it was clicked.
    row: Option<(usize, Click)>,
    /// The select-all box: true to select every row shown, false to clear.
    select_all: Option<bool>,
}

impl Clicks {
    fn any(&self) -> bool {
        self.row.is_some() || self.select_all.is_some()
    }
}

fn header_cell_ui<R, C: Copy + PartialEq>(ui: &mut egui::Ui, column: &TableColumn<'_, R, C>, sort: &mut Sort<C>) {
    let Some(by) = column.sort else {
        ui.label(RichText::new(&column.title).strong());
        return;
    };
    let title = match sort.arrow(by) {
        Some(arrow) => format!("{} {arrow}", column.title),
        None => column.title.clone(),
    };
    if ui
        .add(egui::Button::new(RichText::new(title).strong()).frame(false))
        .clicked()
    {
        sort.click(by);
    }
}

/// Gives a checkbox without text its name for screen readers (and for tests that click by label).
fn named(response: &egui::Response, checked: bool, name: &str) {
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, checked, name));
}

/// The modifiers held when the pointer button went up this frame. The event carries them: the live modifiers may
/// already have changed by the time the frame runs (a quick shift-click, or a test's synthetic one).
fn click_modifiers(ctx: &egui::Context) -> Modifiers {
    ctx.input(|input| {
        input
            .events
            .iter()
            .rev()
            .find_map(|event| match event {
                egui::Event::PointerButton {
                    button: PointerButton::Primary,
                    pressed: false,
                    modifiers,
                    ..
                } => Some(*modifiers),
                _ => None,
            })
            .unwrap_or(input.modifiers)
    })
}

/// The bulk-action bar: "N selected", the caller's buttons, then select-all (when not all are) and clear.
fn bar_ui<'k, K: Clone + Eq + Hash + 'k, A, I: Iterator<Item = &'k K>>(
    ui: &mut egui::Ui,
    selection: &mut Selection<K>,
    shown: usize,
    bulk_ui: impl FnOnce(&mut egui::Ui, &Selection<K>) -> Option<A>,
    visible: impl Fn() -> I,
) -> Option<A> {
    ui.add_space(BAR_GAP);
    let visuals = ui.visuals().clone();
    egui::Frame::new()
        .fill(visuals.selection.bg_fill)
        .stroke(visuals.selection.stroke)
        .corner_radius(6)
        .inner_margin(egui::Margin::symmetric(10, 4))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let count = selection.len();
                ui.label(RichText::new(t!("table.selected", count = count)).strong());
                ui.separator();
                let action = bulk_ui(ui, selection);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(t!("table.clear_selection")).clicked() {
                        selection.clear();
                    }
                    if count < shown && ui.button(t!("table.select_all", count = shown)).clicked() {
                        selection.select_all(visible());
                    }
                });
                action
            })
            .inner
        })
        .inner
}
