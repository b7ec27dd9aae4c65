//! The merchant table's row order: which authorizers match the search and filters, sorted by the chosen column, as a
//! `Vec<usize>` of indices into the list. Rebuilt only when the list, the query or the sort changes, never per frame,
//! so a hundred thousand merchants scroll as smoothly as ten.

use std::cmp::Ordering;

use memchr::memmem::Finder;

use crate::engine::protocol::{AccountKind, AuthorizerRow};
use crate::ui::widgets::table::Sort;

/// Authorized now, or revoked by the merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthFilter {
    #[default]
    All,
    Authorized,
    Revoked,
}

/// A sortable column of the merchant table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    Name,
    Appid,
    Kind,
    Principal,
    Verified,
    #[default]
    AuthorizedAt,
    PermissionSets,
}

/// What the operator asked to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantQuery {
    /// Matched case-insensitively against name, appid and principal.
    pub text: String,
    pub kind: Option<AccountKind>,
    pub auth: AuthFilter,
    /// Only merchants that granted this permission set.
    pub func_id: Option<u32>,
    pub sort: Sort<SortColumn>,
}

impl Default for MerchantQuery {
    fn default() -> Self {
        // Newest authorizations first: the merchant just onboarded is the one the operator looks for.
        MerchantQuery {
            text: String::new(),
            kind: None,
            auth: AuthFilter::All,
            func_id: None,
            sort: Sort::descending(SortColumn::AuthorizedAt),
        }
    }
}

/// The filtered, sorted row indices, with what they were computed from.
#[derive(Debug, Default)]
pub struct MerchantIndex {
    /// Indices into the authorizer list, in display order.
    pub rows: Vec<usize>,
    /// Lowercased "name\nappid\nprincipal" per authorizer, built once per list version; `None` where lowercasing
    /// changes nothing (Chinese names, lowercase appids: most rows), so the row's own fields are searched.
    haystacks: Vec<Option<Box<str>>>,
    /// All indices sorted by `sorted_by`, built once per list version and sort.
    sorted: Vec<usize>,
    sorted_by: Option<(u64, Sort<SortColumn>)>,
    computed_for: Option<(u64, MerchantQuery)>,
    generation: u64,
}

impl MerchantIndex {
    /// Brings `rows` up to date for list `version` and `query`. Returns true when it recomputed.
    pub fn refresh(&mut self, version: u64, list: &[AuthorizerRow], query: &MerchantQuery) -> bool {
        if self
            .computed_for
            .as_ref()
            .is_some_and(|(v, q)| *v == version && q == query)
        {
            return false;
        }
        let list_changed = self.computed_for.as_ref().is_none_or(|(v, _)| *v != version);
        if list_changed || self.haystacks.len() != list.len() {
            self.haystacks = list.iter().map(haystack).collect();
        }
        let sort_key = (version, query.sort);
        if self.sorted_by != Some(sort_key) || self.sorted.len() != list.len() {
            self.sorted = (0..list.len()).collect();
            self.sorted.sort_by(|&a, &b| compare(&list[a], &list[b], query.sort));
            self.sorted_by = Some(sort_key);
        }
        let needle = query.text.trim().to_lowercase();
        let finder = (!needle.is_empty()).then(|| Finder::new(needle.as_bytes()));
        self.rows.clear();
        self.rows.extend(self.sorted.iter().copied().filter(|&i| {
            matches(&list[i], query)
                && finder
                    .as_ref()
                    .is_none_or(|finder| contains(&list[i], self.haystacks[i].as_deref(), finder))
        }));
        self.computed_for = Some((version, query.clone()));
        self.generation += 1;
        true
    }

    /// A number that changes whenever `rows` is recomputed, for the table's `generation`.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

fn haystack(row: &AuthorizerRow) -> Option<Box<str>> {
    let joined = format!("{}\n{}\n{}", row.nick_name, row.appid, row.principal_name);
    let lowered = joined.to_lowercase();
    (lowered != joined).then(|| lowered.into_boxed_str())
}

/// Whether the lowercased needle of `finder` is in the row's name, appid or principal, ignoring case.
fn contains(row: &AuthorizerRow, lowered: Option<&str>, finder: &Finder<'_>) -> bool {
    match lowered {
        Some(lowered) => finder.find(lowered.as_bytes()).is_some(),
        None => [&row.nick_name, &row.appid, &row.principal_name]
            .iter()
            .any(|field| finder.find(field.as_bytes()).is_some()),
    }
}

fn matches(row: &AuthorizerRow, query: &MerchantQuery) -> bool {
    let kind_ok = query.kind.is_none_or(|kind| row.kind == kind);
    let auth_ok = match query.auth {
        AuthFilter::All => true,
        AuthFilter::Authorized => row.revoked_at.is_none(),
        AuthFilter::Revoked => row.revoked_at.is_some(),
    };
    let set_ok = query.func_id.is_none_or(|id| row.func_ids.contains(&id));
    kind_ok && auth_ok && set_ok
}

fn compare(a: &AuthorizerRow, b: &AuthorizerRow, sort: Sort<SortColumn>) -> Ordering {
    let primary = match sort.column {
        SortColumn::Name => a.nick_name.cmp(&b.nick_name),
        SortColumn::Appid => a.appid.cmp(&b.appid),
        SortColumn::Kind => a.kind.as_str().cmp(b.kind.as_str()),
        SortColumn::Principal => a.principal_name.cmp(&b.principal_name),
        SortColumn::Verified => a.verified.cmp(&b.verified),
        SortColumn::AuthorizedAt => a.authorized_at.cmp(&b.authorized_at),
        SortColumn::PermissionSets => a.func_ids.len().cmp(&b.func_ids.len()),
    };
    let primary = sort.apply(primary);
    // The appid breaks ties, so equal keys keep one stable order across refreshes.
    primary.then_with(|| a.appid.cmp(&b.appid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(appid: &str, name: &str, principal: &str, kind: AccountKind, at: i64, func_ids: &[u32]) -> AuthorizerRow {
        AuthorizerRow {
            appid: appid.into(),
            nick_name: name.into(),
            kind,
            principal_name: principal.into(),
            verified: true,
            verify_type: 0,
            authorized_at: at,
            revoked_at: None,
            func_ids: func_ids.to_vec(),
            user_name: format!("gh_{appid}"),
            head_img: String::new(),
            service_type: 0,
        }
    }

    fn list() -> Vec<AuthorizerRow> {
        let mut revoked = row(
            "wx03",
            "Tea House",
            "茶馆有限公司",
            AccountKind::OfficialAccount,
            300,
            &[1, 18],
        );
        revoked.revoked_at = Some(400);
        vec![
            row(
                "wx01",
                "云朵咖啡",
                "云朵餐饮管理有限公司",
                AccountKind::MiniProgram,
                100,
                &[17, 18],
            ),
            row("wx02", "Bakery", "面包坊", AccountKind::MiniProgram, 200, &[17]),
            revoked,
        ]
    }

    fn names(index: &MerchantIndex, list: &[AuthorizerRow]) -> Vec<String> {
        index.rows.iter().map(|&i| list[i].nick_name.clone()).collect()
    }

    #[test]
    fn newest_first_by_default() {
        let list = list();
        let mut index = MerchantIndex::default();
        index.refresh(1, &list, &MerchantQuery::default());
        assert_eq!(names(&index, &list), ["Tea House", "Bakery", "云朵咖啡"]);
    }

    #[test]
    fn search_covers_name_appid_and_principal_ignoring_case() {
        let list = list();
        let mut index = MerchantIndex::default();
        for (text, expected) in [("tea", "Tea House"), ("WX02", "Bakery"), ("餐饮", "云朵咖啡")] {
            index.refresh(
                1,
                &list,
                &MerchantQuery {
                    text: text.into(),
                    ..MerchantQuery::default()
                },
            );
            assert_eq!(names(&index, &list), [expected], "search {text:?}");
        }
    }

    #[test]
    fn filters_combine() {
        let list = list();
        let mut index = MerchantIndex::default();
        let query = MerchantQuery {
            func_id: Some(18),
            ..MerchantQuery::default()
        };
        index.refresh(1, &list, &query);
        assert_eq!(names(&index, &list), ["Tea House", "云朵咖啡"]);
        let query = MerchantQuery {
            auth: AuthFilter::Authorized,
            ..query
        };
        index.refresh(1, &list, &query);
        assert_eq!(names(&index, &list), ["云朵咖啡"]);
        let query = MerchantQuery {
            kind: Some(AccountKind::OfficialAccount),
            auth: AuthFilter::Revoked,
            ..query
        };
        index.refresh(1, &list, &query);
        assert_eq!(names(&index, &list), ["Tea House"]);
    }

    #[test]
    fn sorts_by_column_both_ways() {
        let list = list();
        let mut index = MerchantIndex::default();
        let query = MerchantQuery {
            sort: Sort::ascending(SortColumn::Appid),
            ..MerchantQuery::default()
        };
        index.refresh(1, &list, &query);
        assert_eq!(names(&index, &list), ["云朵咖啡", "Bakery", "Tea House"]);
        index.refresh(
            1,
            &list,
            &MerchantQuery {
                sort: Sort::descending(SortColumn::Appid),
                ..query
            },
        );
        assert_eq!(names(&index, &list), ["Tea House", "Bakery", "云朵咖啡"]);
    }

    #[test]
    fn recomputes_only_when_something_changed() {
        let mut list = list();
        let mut index = MerchantIndex::default();
        let query = MerchantQuery::default();
        assert!(index.refresh(1, &list, &query));
        let generation = index.generation();
        assert!(
            !index.refresh(1, &list, &query),
            "same version and query: nothing to do"
        );
        assert_eq!(index.generation(), generation, "the table keeps its selection as it is");
        list.push(row("wx04", "New", "New Co", AccountKind::MiniProgram, 900, &[]));
        assert!(index.refresh(2, &list, &query));
        assert_eq!(names(&index, &list)[0], "New");
        assert_ne!(
            index.generation(),
            generation,
            "the table trims its selection to the new rows"
        );
    }
}
