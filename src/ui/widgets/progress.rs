//! The progress bar of long work (a sync, a deployment): "done / total (pct%)" on the bar, and how many failed in the
//! bad tone beside it, so the operator sees both how far it is and whether anything needs a look.

use egui::{ProgressBar, Response};

use crate::t;
use crate::ui::theme::Tone;
use crate::ui::widgets::tone_text;

/// How far some work is. `done` counts every item that finished, `failed` those of them that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub failed: u64,
    /// Still moving: the bar shows a spinner (and keeps repainting). A paused or finished job is not.
    pub running: bool,
}

impl Progress {
    /// The share done as a whole percent, rounded down so that 100% means every item finished; 0 when there is
    /// nothing to do yet.
    pub fn percent(&self) -> u64 {
        if self.total == 0 {
            return 0;
        }
        self.done.min(self.total) * 100 / self.total
    }

    /// The bar's fill, from 0 to 1.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            return 0.0;
        }
        (self.done.min(self.total) as f64 / self.total as f64) as f32
    }

    /// "done / total (pct%)"; without the percentage while the total is 0, where it would mean nothing.
    pub fn counts_text(&self) -> String {
        if self.total == 0 {
            return t!("progress.counts_only", done = self.done, total = self.total);
        }
        t!(
            "progress.counts",
            done = self.done,
            total = self.total,
            percent = self.percent()
        )
    }
}

/// The bar across the width left, with the failed count at its right when there is one. The response is the bar's.
pub fn progress_ui(ui: &mut egui::Ui, progress: &Progress) -> Response {
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if progress.failed > 0 {
                ui.label(tone_text(t!("progress.failed", failed = progress.failed), Tone::Bad));
            }
            // Beside the bar, not in it: egui's animated bar draws its spinner at the fill's end, over the counts
            // while little is done.
            if progress.running {
                ui.spinner();
            }
            ui.add(ProgressBar::new(progress.fraction()).text(progress.counts_text()))
        })
        .inner
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::{Lang, set_current};

    fn progress(done: u64, total: u64) -> Progress {
        Progress {
            done,
            total,
            ..Progress::default()
        }
    }

    #[test]
    fn percent_rounds_down_so_only_the_end_says_100() {
        assert_eq!(progress(0, 10).percent(), 0);
        assert_eq!(progress(1, 3).percent(), 33);
        assert_eq!(progress(999, 1000).percent(), 99);
        assert_eq!(progress(1000, 1000).percent(), 100);
    }

    #[test]
    fn nothing_to_do_is_an_empty_bar_without_a_percentage() {
        set_current(Lang::En);
        let empty = progress(0, 0);
        assert_eq!((empty.percent(), empty.fraction()), (0, 0.0));
        assert_eq!(empty.counts_text(), "0 / 0");
        assert_eq!(progress(3, 4).counts_text(), "3 / 4 (75%)");
    }

    #[test]
    fn more_done_than_total_stays_full() {
        // A total counted before a late item arrived must not draw past the end.
        assert_eq!(progress(12, 10).percent(), 100);
        assert_eq!(progress(12, 10).fraction(), 1.0);
    }
}
