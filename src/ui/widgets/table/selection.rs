//! What the operator selected in a table, kept as stable row keys (an appid, a sequence number) rather than row
//! positions, so a re-sort or a refreshed list keeps it. Plain Rust: the table widget turns clicks into `Click`s and
//! hands over the keys in their visible, sorted order.

use std::collections::HashSet;
use std::hash::Hash;

/// How a row was clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    /// A plain click: this row alone.
    Only,
    /// Ctrl-click (cmd-click on macOS), or the row's checkbox: this row in or out, the others kept.
    Toggle,
    /// Shift-click: exactly the visible rows from the anchor to this one.
    Range,
    /// Ctrl-shift-click: the visible rows from the anchor to this one, added to the others.
    AddRange,
}

impl Click {
    /// The click that these modifiers make, as file managers do it.
    pub fn from_modifiers(modifiers: egui::Modifiers) -> Click {
        match (modifiers.shift, modifiers.command) {
            (true, true) => Click::AddRange,
            (true, false) => Click::Range,
            (false, true) => Click::Toggle,
            (false, false) => Click::Only,
        }
    }
}

/// The selected keys and the anchor of shift-click ranges (the row last clicked without shift).
#[derive(Debug, Clone)]
pub struct Selection<K> {
    keys: HashSet<K>,
    anchor: Option<K>,
}

impl<K> Default for Selection<K> {
    fn default() -> Self {
        Selection {
            keys: HashSet::new(),
            anchor: None,
        }
    }
}

impl<K: Clone + Eq + Hash> Selection<K> {
    /// Applies a click on the row `clicked`. `visible` is every visible row's key in display order: a range runs
    /// over what the operator sees, not over the list's storage order.
    pub fn click<'k>(&mut self, clicked: &K, click: Click, visible: impl IntoIterator<Item = &'k K>)
    where
        K: 'k,
    {
        match click {
            Click::Only => {
                self.keys.clear();
                self.keys.insert(clicked.clone());
                self.anchor = Some(clicked.clone());
            }
            Click::Toggle => {
                if !self.keys.remove(clicked) {
                    self.keys.insert(clicked.clone());
                }
                self.anchor = Some(clicked.clone());
            }
            Click::Range | Click::AddRange => {
                // Without an anchor on screen there is no range to speak of: the click selects like a plain one.
                let Some(range) = self.anchor.as_ref().and_then(|anchor| range(anchor, clicked, visible)) else {
                    return self.click(clicked, Click::Only, []);
                };
                if click == Click::Range {
                    self.keys.clear();
                }
                self.keys.extend(range);
            }
        }
    }

    /// Selects every visible row (the filtered ones, never the hidden).
    pub fn select_all<'k>(&mut self, visible: impl IntoIterator<Item = &'k K>)
    where
        K: 'k,
    {
        self.keys.clear();
        self.keys.extend(visible.into_iter().cloned());
    }

    pub fn clear(&mut self) {
        self.keys.clear();
        self.anchor = None;
    }

    /// Keeps only the selected rows that are still visible, after the list was refreshed or the filter changed: a
    /// bulk action must act on no row the operator cannot see, and a row gone from the list is gone from here.
    pub fn keep_visible<'k>(&mut self, visible: impl IntoIterator<Item = &'k K>)
    where
        K: 'k,
    {
        if self.keys.is_empty() && self.anchor.is_none() {
            return;
        }
        let mut anchor_visible = false;
        let mut kept = HashSet::with_capacity(self.keys.len());
        for key in visible {
            anchor_visible |= self.anchor.as_ref() == Some(key);
            if self.keys.contains(key) {
                kept.insert(key.clone());
            }
        }
        self.keys = kept;
        if !anchor_visible {
            self.anchor = None;
        }
    }

    pub fn contains(&self, key: &K) -> bool {
        self.keys.contains(key)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The one selected key when exactly one row is selected: the row a detail pane shows.
    pub fn single(&self) -> Option<&K> {
        match self.keys.len() {
            1 => self.keys.iter().next(),
            _ => None,
        }
    }

    /// The selected keys in display order, for an action whose result the operator reads (copied appids).
    pub fn in_order<'k>(&self, visible: impl IntoIterator<Item = &'k K>) -> Vec<K>
    where
        K: 'k,
    {
        visible
            .into_iter()
            .filter(|key| self.keys.contains(key))
            .cloned()
            .collect()
    }
}

/// The keys from `anchor` to `clicked` inclusive, in display order; `None` when either is not visible.
fn range<'k, K: Clone + Eq + 'k>(anchor: &K, clicked: &K, visible: impl IntoIterator<Item = &'k K>) -> Option<Vec<K>> {
    let mut range = Vec::new();
    let mut inside = false;
    for key in visible {
        let end = key == anchor || key == clicked;
        if inside || end {
            range.push(key.clone());
        }
        if end {
            if inside || anchor == clicked {
                return Some(range);
            }
            inside = true;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &str) -> Vec<String> {
        names.split_whitespace().map(str::to_owned).collect()
    }

    fn selected(selection: &Selection<String>, visible: &[String]) -> String {
        selection.in_order(visible).join(" ")
    }

    fn key(name: &str) -> String {
        name.to_owned()
    }

    #[test]
    fn a_plain_click_selects_that_row_alone() {
        let visible = keys("a b c d");
        let mut selection = Selection::default();
        selection.click(&key("b"), Click::Only, &visible);
        selection.click(&key("c"), Click::Only, &visible);
        assert_eq!(selected(&selection, &visible), "c");
        assert_eq!(selection.single(), Some(&key("c")));
    }

    #[test]
    fn ctrl_click_toggles_one_row_and_keeps_the_others() {
        let visible = keys("a b c d");
        let mut selection = Selection::default();
        selection.click(&key("a"), Click::Only, &visible);
        selection.click(&key("c"), Click::Toggle, &visible);
        assert_eq!(selected(&selection, &visible), "a c");
        assert_eq!(selection.single(), None, "two rows: no detail pane");
        selection.click(&key("a"), Click::Toggle, &visible);
        assert_eq!(selected(&selection, &visible), "c");
    }

    #[test]
    fn shift_click_selects_the_range_in_the_visible_sorted_order() {
        // Stored as a b c d e, shown sorted the other way round: the range follows what is on screen.
        let shown = keys("e d c b a");
        let mut selection = Selection::default();
        selection.click(&key("d"), Click::Only, &shown);
        selection.click(&key("b"), Click::Range, &shown);
        assert_eq!(selected(&selection, &shown), "d c b");
        // Upwards from the same anchor, replacing the last range.
        selection.click(&key("e"), Click::Range, &shown);
        assert_eq!(selected(&selection, &shown), "e d");
    }

    #[test]
    fn ctrl_shift_click_adds_a_range_to_the_selection() {
        let visible = keys("a b c d e f");
        let mut selection = Selection::default();
        selection.click(&key("a"), Click::Only, &visible);
        selection.click(&key("d"), Click::Toggle, &visible);
        selection.click(&key("f"), Click::AddRange, &visible);
        assert_eq!(selected(&selection, &visible), "a d e f");
    }

    #[test]
    fn shift_click_without_an_anchor_on_screen_selects_one_row() {
        let visible = keys("a b c");
        let mut selection = Selection::default();
        selection.click(&key("b"), Click::Range, &visible);
        assert_eq!(selected(&selection, &visible), "b");
        // The anchor filtered away: the next range starts afresh.
        selection.keep_visible(&keys("a c"));
        selection.click(&key("c"), Click::Range, &keys("a c"));
        assert_eq!(selected(&selection, &visible), "c");
    }

    #[test]
    fn select_all_takes_only_the_visible_rows() {
        let mut selection = Selection::default();
        selection.select_all(&keys("b d"));
        assert_eq!(selected(&selection, &keys("a b c d")), "b d");
        assert_eq!(selection.len(), 2);
    }

    #[test]
    fn a_refresh_that_drops_a_row_drops_it_from_the_selection() {
        let mut selection = Selection::default();
        let before = keys("a b c");
        selection.select_all(&before);
        // The refreshed list lost b, gained z, and came back in another order.
        let after = keys("z c a");
        selection.keep_visible(&after);
        assert_eq!(selected(&selection, &after), "c a");
        assert!(!selection.contains(&key("b")));
    }

    #[test]
    fn a_re_sort_keeps_the_selection_by_key() {
        let mut selection = Selection::default();
        selection.click(&key("a"), Click::Only, &keys("a b c"));
        selection.click(&key("b"), Click::Range, &keys("a b c"));
        let resorted = keys("c b a");
        selection.keep_visible(&resorted);
        assert_eq!(selected(&selection, &resorted), "b a");
        // The anchor survived the re-sort: a shift-click ranges from it in the new order.
        selection.click(&key("c"), Click::Range, &resorted);
        assert_eq!(selected(&selection, &resorted), "c b a");
    }

    #[test]
    fn keys_can_be_numbers() {
        let visible: Vec<i64> = vec![30, 20, 10];
        let mut selection = Selection::default();
        selection.click(&30, Click::Only, &visible);
        selection.click(&10, Click::Range, &visible);
        assert_eq!(selection.in_order(&visible), [30, 20, 10]);
    }

    #[test]
    fn clicks_follow_the_platform_modifiers() {
        use egui::Modifiers;
        assert_eq!(Click::from_modifiers(Modifiers::NONE), Click::Only);
        assert_eq!(Click::from_modifiers(Modifiers::COMMAND), Click::Toggle);
        assert_eq!(Click::from_modifiers(Modifiers::SHIFT), Click::Range);
        assert_eq!(
            Click::from_modifiers(Modifiers::COMMAND | Modifiers::SHIFT),
            Click::AddRange
        );
    }
}
