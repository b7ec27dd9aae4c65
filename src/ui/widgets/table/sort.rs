//! A table's sort (which column, which way, and what a header click does to it) and `RowOrder`, the filtered and
//! sorted row indices a table shows, recomputed only when what they depend on changes. Plain Rust.

use std::cmp::Ordering;

/// The column a table is sorted by, and the direction. `C` names the columns that can sort (an enum of the view's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: Copy + PartialEq> Sort<C> {
    pub fn ascending(column: C) -> Sort<C> {
        Sort {
            column,
            descending: false,
        }
    }

    pub fn descending(column: C) -> Sort<C> {
        Sort {
            column,
            descending: true,
        }
    }

    /// A click on `column`'s header: a second click on the sorted column flips the direction, a click on another
    /// column sorts by it ascending.
    pub fn click(&mut self, column: C) {
        *self = if self.column == column {
            Sort {
                column,
                descending: !self.descending,
            }
        } else {
            Sort::ascending(column)
        };
    }

    /// `ordering` (of the ascending order) turned the way this sort runs.
    pub fn apply(&self, ordering: Ordering) -> Ordering {
        if self.descending { ordering.reverse() } else { ordering }
    }

    /// The arrow a header shows beside its title: ▲ ascending, ▼ descending, nothing when not sorted by it.
    pub fn arrow(&self, column: C) -> Option<&'static str> {
        match (self.column == column, self.descending) {
            (false, _) => None,
            (true, false) => Some("▲"),
            (true, true) => Some("▼"),
        }
    }
}

/// The rows a table shows: indices into the caller's list, filtered and sorted, rebuilt only when `inputs` (whatever
/// they depend on: the list's version, the query, the sort) differ from last time. Its `generation` changes with
/// every rebuild, which is how the table knows to drop selected rows that went out of view.
#[derive(Debug)]
pub struct RowOrder<Q> {
    rows: Vec<usize>,
    generation: u64,
    computed_for: Option<Q>,
}

impl<Q> Default for RowOrder<Q> {
    fn default() -> Self {
        RowOrder {
            rows: Vec::new(),
            generation: 0,
            computed_for: None,
        }
    }
}

impl<Q: PartialEq> RowOrder<Q> {
    /// Brings the order up to date: the rows of `list` that `keep` accepts, sorted by `compare` (which should end
    /// in a tie-break on the row's key, so equal rows keep one order). Returns true when it recomputed.
    pub fn refresh<R>(
        &mut self,
        inputs: Q,
        list: &[R],
        keep: impl Fn(&R) -> bool,
        compare: impl Fn(&R, &R) -> Ordering,
    ) -> bool {
        if self.computed_for.as_ref() == Some(&inputs) {
            return false;
        }
        self.rows.clear();
        self.rows.extend((0..list.len()).filter(|&i| keep(&list[i])));
        self.rows.sort_by(|&a, &b| compare(&list[a], &list[b]));
        self.generation += 1;
        self.computed_for = Some(inputs);
        true
    }

    /// Indices into the list, in display order.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// A number that changes whenever `rows` does.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Col {
        Name,
        Size,
    }

    #[test]
    fn a_header_click_sorts_ascending_then_flips() {
        let mut sort = Sort::descending(Col::Size);
        sort.click(Col::Name);
        assert_eq!(sort, Sort::ascending(Col::Name), "a new column starts ascending");
        sort.click(Col::Name);
        assert_eq!(sort, Sort::descending(Col::Name));
        sort.click(Col::Name);
        assert_eq!(sort, Sort::ascending(Col::Name));
    }

    #[test]
    fn the_arrow_shows_on_the_sorted_column_only() {
        let sort = Sort::descending(Col::Size);
        assert_eq!(sort.arrow(Col::Size), Some("▼"));
        assert_eq!(sort.arrow(Col::Name), None);
        assert_eq!(Sort::ascending(Col::Name).arrow(Col::Name), Some("▲"));
    }

    #[test]
    fn row_order_filters_sorts_and_recomputes_only_on_change() {
        let list = [("b", 2), ("a", 9), ("c", 5), ("d", 1)];
        let mut order = RowOrder::default();
        let by = |sort: Sort<Col>| {
            move |x: &(&str, i32), y: &(&str, i32)| {
                let ordering = match sort.column {
                    Col::Name => x.0.cmp(y.0),
                    Col::Size => x.1.cmp(&y.1),
                };
                sort.apply(ordering).then_with(|| x.0.cmp(y.0))
            }
        };
        let sort = Sort::descending(Col::Size);
        assert!(order.refresh((1, sort), &list, |row| row.1 > 1, by(sort)));
        assert_eq!(order.rows(), [1, 2, 0], "sizes 9, 5, 2; the 1 filtered out");
        let generation = order.generation();
        assert!(!order.refresh((1, sort), &list, |row| row.1 > 1, by(sort)));
        assert_eq!(order.generation(), generation, "same inputs: same rows");

        let sort = Sort::ascending(Col::Name);
        assert!(order.refresh((1, sort), &list, |_| true, by(sort)));
        assert_eq!(order.rows(), [1, 0, 2, 3]);
        assert_ne!(order.generation(), generation);
    }
}
