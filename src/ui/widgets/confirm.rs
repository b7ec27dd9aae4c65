//! The confirmation dialog of destructive or costly actions (STYLE.md: they ask first and say what will happen): a
//! modal with a title, one sentence on exactly what will happen, a button named after the action (red for what
//! destroys, green for what starts costly work), and Cancel. Esc, a click outside and Cancel all cancel; the keyboard
//! focus starts on Cancel so a stray Enter starts or destroys nothing.

use egui::{Color32, RichText};

use crate::t;
use crate::ui::theme::Tone;

/// What a dialog says. All three are the caller's: only it knows what will be lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The question: "Delete draft 12?"
    pub title: String,
    /// What will happen, exactly: what is removed, from where, and whether it can be undone.
    pub consequence: String,
    /// The confirm button: the action's own name ("Delete draft"), never "OK".
    pub action: String,
    /// The confirm button's colour: the bad tone for what destroys, the good tone for what starts costly work (a
    /// deployment that spends audit quota).
    pub tone: Tone,
}

/// The operator's answer in one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Still open.
    Undecided,
    Confirmed,
    Cancelled,
}

impl Confirm {
    pub fn new(title: impl Into<String>, consequence: impl Into<String>, action: impl Into<String>) -> Confirm {
        Confirm {
            title: title.into(),
            consequence: consequence.into(),
            action: action.into(),
            tone: Tone::Bad,
        }
    }

    /// The same dialog with its confirm button in `tone`.
    pub fn with_tone(self, tone: Tone) -> Confirm {
        Confirm { tone, ..self }
    }

    /// Shows the dialog over everything for this frame. The caller keeps showing it until the answer is not
    /// `Undecided`. `id_salt` tells two dialogs apart.
    pub fn show(&self, ctx: &egui::Context, id_salt: impl std::hash::Hash + std::fmt::Debug) -> Answer {
        let frame = egui::Frame::popup(&ctx.global_style())
            .inner_margin(egui::Margin::same(18))
            .corner_radius(8);
        let modal = egui::Modal::new(egui::Id::unique(("confirm", id_salt)))
            .frame(frame)
            .show(ctx, |ui| {
                ui.set_max_width(440.0);
                ui.label(RichText::new(&self.title).size(17.0).strong());
                ui.add_space(6.0);
                ui.label(&self.consequence);
                ui.add_space(12.0);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let confirm =
                        egui::Button::new(RichText::new(&self.action).color(Color32::WHITE)).fill(self.tone.color());
                    let confirmed = ui.add(confirm).clicked();
                    let cancel = ui.button(t!("common.cancel"));
                    if ui.memory(|memory| memory.focused().is_none()) {
                        cancel.request_focus();
                    }
                    match (confirmed, cancel.clicked()) {
                        (true, _) => Answer::Confirmed,
                        (false, true) => Answer::Cancelled,
                        (false, false) => Answer::Undecided,
                    }
                })
                .inner
            });
        match modal.inner {
            Answer::Undecided if modal.should_close() => Answer::Cancelled,
            answer => answer,
        }
    }
}

/// The usual shape: the view holds the action waiting for an answer in `pending`. While it is `Some`, the dialog
/// `dialog` describes is shown; a confirmation takes the action out and returns it, a cancellation drops it.
pub fn confirm_ui<T>(ctx: &egui::Context, pending: &mut Option<T>, dialog: impl FnOnce(&T) -> Confirm) -> Option<T> {
    let answer = dialog(pending.as_ref()?).show(ctx, std::any::type_name::<T>());
    match answer {
        Answer::Undecided => None,
        Answer::Cancelled => {
            *pending = None;
            None
        }
        Answer::Confirmed => pending.take(),
    }
}
