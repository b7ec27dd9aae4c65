//! The shared widgets on their own, in egui_kittest: the table clicked with and without modifiers over a row type of
//! its own (numbers for keys, as the Activity log will have), the confirmation dialog's answers, and snapshots of the
//! chips, progress bars, table and dialog in zh-CN and en. Update the snapshots with
//! `UPDATE_SNAPSHOTS=1 cargo test --test console_widgets`.

use egui::Modifiers;
use egui::accesskit::Role;
use egui_extras::Column;
use egui_kittest::kittest::Queryable as _;
use egui_kittest::{Harness, HarnessBuilder, SnapshotResults};
use wxdesk::ui::i18n::{self, Lang, catalog};
use wxdesk::ui::theme::{Status, Tone};
use wxdesk::ui::widgets::chip::{chip_ui, status_chip_ui};
use wxdesk::ui::widgets::confirm::{Confirm, confirm_ui};
use wxdesk::ui::widgets::progress::{Progress, progress_ui};
use wxdesk::ui::widgets::table::{RowOrder, Sort, Table, TableColumn, TableState};
use wxdesk::ui::{fonts, theme};

fn text(lang: Lang, key: &str) -> &'static str {
    catalog(lang).get(key).unwrap_or_else(|| panic!("no {key}"))
}

/// A harness with the console's fonts and theme, in `lang`.
fn builder<State>(lang: Lang, size: [f32; 2]) -> HarnessBuilder<State> {
    i18n::set_current(lang);
    Harness::<State>::builder().with_size(size).with_context_setup(|ctx| {
        fonts::install(ctx);
        theme::install(ctx);
    })
}

/// A row of some other panel's list: a job with a sequence number.
#[derive(Debug, Clone)]
struct Job {
    seq: i64,
    name: String,
    status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobColumn {
    Seq,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobAction {
    Retry,
}

struct Jobs {
    list: Vec<Job>,
    order: RowOrder<(usize, Sort<JobColumn>, bool)>,
    sort: Sort<JobColumn>,
    only_even: bool,
    table: TableState<i64>,
    actions: Vec<(JobAction, Vec<i64>)>,
}

impl Jobs {
    fn new(count: i64) -> Jobs {
        let statuses = [Status::Running, Status::Completed, Status::Failed, Status::Paused];
        Jobs {
            list: (1..=count)
                .map(|seq| Job {
                    seq,
                    name: format!("job {seq}"),
                    status: statuses[seq as usize % statuses.len()],
                })
                .collect(),
            order: RowOrder::default(),
            sort: Sort::ascending(JobColumn::Seq),
            only_even: false,
            table: TableState::default(),
            actions: Vec::new(),
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        let (sort, only_even) = (self.sort, self.only_even);
        self.order.refresh(
            (self.list.len(), sort, only_even),
            &self.list,
            |job| !only_even || job.seq % 2 == 0,
            |a, b| {
                let ordering = match sort.column {
                    JobColumn::Seq => a.seq.cmp(&b.seq),
                    JobColumn::Name => a.name.cmp(&b.name),
                };
                sort.apply(ordering).then_with(|| a.seq.cmp(&b.seq))
            },
        );
        let response = Table::new(
            "jobs",
            &self.list,
            self.order.rows(),
            self.order.generation(),
            |job: &Job| &job.seq,
        )
        .column(
            TableColumn::new("#", Column::exact(60.0), |ui, job: &Job| {
                ui.label(job.seq.to_string());
            })
            .sortable(JobColumn::Seq),
        )
        .column(
            TableColumn::new("Name", Column::initial(160.0), |ui, job: &Job| {
                ui.add(egui::Label::new(&job.name).selectable(false));
            })
            .sortable(JobColumn::Name),
        )
        .column(TableColumn::new("Status", Column::remainder(), |ui, job: &Job| {
            status_chip_ui(ui, job.status);
        }))
        .show(ui, &mut self.table, &mut self.sort, |ui, _| {
            ui.button("Retry").clicked().then_some(JobAction::Retry)
        });
        if let Some(action) = response.action {
            let keys = self
                .table
                .selection
                .in_order(self.order.rows().iter().map(|&i| &self.list[i].seq));
            self.actions.push((action, keys));
        }
    }

    fn selected(&self) -> Vec<i64> {
        self.table
            .selection
            .in_order(self.order.rows().iter().map(|&i| &self.list[i].seq))
    }
}

fn jobs_harness(lang: Lang, count: i64) -> Harness<'static, Jobs> {
    let mut harness = builder(lang, [640.0, 420.0]).build_ui_state(|ui, jobs: &mut Jobs| jobs.ui(ui), Jobs::new(count));
    harness.run();
    harness
}

fn click(harness: &mut Harness<'_, Jobs>, label: &str, modifiers: Modifiers) {
    harness.get_by_label(label).click_modifiers(modifiers);
    harness.run();
}

#[test]
fn clicks_select_one_toggle_and_range_over_the_sorted_rows() {
    let mut harness = jobs_harness(Lang::En, 100_000);
    click(&mut harness, "job 2", Modifiers::NONE);
    assert_eq!(harness.state().selected(), [2]);
    click(&mut harness, "job 5", Modifiers::SHIFT);
    assert_eq!(harness.state().selected(), [2, 3, 4, 5]);
    click(&mut harness, "job 3", Modifiers::COMMAND);
    assert_eq!(harness.state().selected(), [2, 4, 5], "ctrl-click takes one out");
    harness.get_by_label(&text(Lang::En, "table.selected").replace("{count}", "3"));

    // Sorted the other way, the selection stays; a range then runs over the new order.
    harness.get_by_role_and_label(Role::Button, "# ▲").click();
    harness.run();
    assert_eq!(harness.state().selected(), [5, 4, 2]);
    click(&mut harness, "job 100000", Modifiers::NONE);
    click(&mut harness, "job 99998", Modifiers::SHIFT);
    assert_eq!(harness.state().selected(), [100_000, 99_999, 99_998]);
}

#[test]
fn the_bulk_bar_acts_on_the_selection_and_clears_it() {
    let mut harness = jobs_harness(Lang::En, 20);
    assert!(
        harness.query_by_role_and_label(Role::Button, "Retry").is_none(),
        "no bar without a selection"
    );
    click(&mut harness, "job 1", Modifiers::NONE);
    click(&mut harness, "job 3", Modifiers::SHIFT);
    harness.get_by_role_and_label(Role::Button, "Retry").click();
    harness.run();
    assert_eq!(harness.state().actions, [(JobAction::Retry, vec![1, 2, 3])]);

    let select_all = text(Lang::En, "table.select_all").replace("{count}", "20");
    harness.get_by_role_and_label(Role::Button, &select_all).click();
    harness.run();
    assert_eq!(harness.state().selected().len(), 20);
    harness
        .get_by_role_and_label(Role::Button, text(Lang::En, "table.clear_selection"))
        .click();
    harness.run();
    assert!(harness.state().selected().is_empty());
    assert!(harness.query_by_role_and_label(Role::Button, "Retry").is_none());
}

#[test]
fn a_filter_drops_the_rows_it_hides_from_the_selection() {
    let mut harness = jobs_harness(Lang::En, 20);
    click(&mut harness, "job 1", Modifiers::NONE);
    click(&mut harness, "job 4", Modifiers::SHIFT);
    harness.state_mut().only_even = true;
    harness.run();
    assert_eq!(
        harness.state().selected(),
        [2, 4],
        "a bulk action never touches a row the operator cannot see"
    );
    harness.get_by_label(&text(Lang::En, "table.selected").replace("{count}", "2"));
}

#[derive(Default)]
struct Dialog {
    pending: Option<&'static str>,
    confirmed: Vec<&'static str>,
}

fn dialog_harness(lang: Lang) -> Harness<'static, Dialog> {
    let mut harness = builder(lang, [640.0, 320.0]).build_ui_state(
        |ui: &mut egui::Ui, dialog: &mut Dialog| {
            if ui.button("Delete…").clicked() {
                dialog.pending = Some("draft 12");
            }
            let confirm = |what: &&str| {
                let zh = i18n::current() == Lang::ZhCn;
                Confirm::new(
                    if zh { "删除草稿 12？" } else { "Delete draft 12?" },
                    if zh {
                        format!("{what} 将从草稿箱中删除，无法恢复。已用它提交的模板不受影响。")
                    } else {
                        format!("{what} will be removed from the drafts for good. Templates made from it stay.")
                    },
                    if zh { "删除草稿" } else { "Delete draft" },
                )
            };
            if let Some(what) = confirm_ui(ui.ctx(), &mut dialog.pending, confirm) {
                dialog.confirmed.push(what);
            }
        },
        Dialog::default(),
    );
    harness.run();
    harness
}

#[test]
fn the_dialog_confirms_only_on_its_red_button() {
    let mut harness = dialog_harness(Lang::En);
    harness.get_by_role_and_label(Role::Button, "Delete…").click();
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(harness.state().pending, None, "Esc cancels");
    assert!(harness.state().confirmed.is_empty());

    harness.get_by_role_and_label(Role::Button, "Delete…").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, text(Lang::En, "common.cancel"))
        .click();
    harness.run();
    assert_eq!(harness.state().pending, None, "Cancel cancels");

    harness.get_by_role_and_label(Role::Button, "Delete…").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Delete draft").click();
    harness.run();
    assert_eq!(harness.state().confirmed, ["draft 12"]);
    assert_eq!(harness.state().pending, None, "the dialog closes");
}

fn gallery_ui(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        for status in Status::ALL {
            status_chip_ui(ui, status);
        }
    });
    ui.horizontal(|ui| {
        for tone in [
            Tone::Good,
            Tone::Pending,
            Tone::Warning,
            Tone::Bad,
            Tone::Released,
            Tone::Neutral,
        ] {
            chip_ui(ui, format!("{tone:?}"), tone);
        }
    });
    ui.add_space(8.0);
    for progress in [
        Progress::default(),
        Progress {
            done: 37,
            total: 120,
            failed: 4,
            running: false,
        },
        Progress {
            done: 120,
            total: 120,
            failed: 0,
            running: false,
        },
    ] {
        progress_ui(ui, &progress);
    }
}

fn snapshot_widgets(lang: Lang) {
    let tag = lang.tag();
    // Three harnesses, one set of results: an update rewrites all the snapshots or none.
    let mut results = SnapshotResults::new();
    let mut harness = builder(lang, [640.0, 200.0]).build_ui(gallery_ui);
    harness.run();
    harness.snapshot(format!("widgets_{tag}"));
    results.extend_harness(&mut harness);

    let mut harness = jobs_harness(lang, 12);
    click(&mut harness, "job 2", Modifiers::NONE);
    click(&mut harness, "job 4", Modifiers::SHIFT);
    click(&mut harness, "job 7", Modifiers::COMMAND);
    harness.remove_cursor();
    harness.run();
    harness.snapshot(format!("table_selected_{tag}"));
    results.extend_harness(&mut harness);

    let mut harness = dialog_harness(lang);
    harness.get_by_role_and_label(Role::Button, "Delete…").click();
    harness.remove_cursor();
    harness.run();
    harness.snapshot(format!("confirm_{tag}"));
    results.extend_harness(&mut harness);
    results.unwrap();
}

#[test]
fn snapshots_in_zh_cn() {
    snapshot_widgets(Lang::ZhCn);
}

#[test]
fn snapshots_in_en() {
    snapshot_widgets(Lang::En);
}
