//! Permission sets (权限集) of wechat-api.md §3 that the simulated platform offers, read from the one list both the
//! simulator and the console use (`wechat::permissions::simulator_sets`).

use super::merchants::Kind;
use crate::wechat::permissions::{AccountKind, permission_set, simulator_sets};

fn account_kind(kind: Kind) -> AccountKind {
    match kind {
        Kind::Miniprogram => AccountKind::MiniProgram,
        Kind::OfficialAccount => AccountKind::OfficialAccount,
    }
}

/// The ids the platform offers an account of `kind`, in order.
pub fn offered(kind: Kind) -> Vec<u16> {
    simulator_sets(account_kind(kind))
        .iter()
        .filter_map(|&id| u16::try_from(id).ok())
        .collect()
}

/// The sets the platform offers an account of `kind`, with their zh-CN names (the authorization page's words).
pub fn sets_for(kind: Kind) -> impl Iterator<Item = (u16, &'static str)> {
    offered(kind)
        .into_iter()
        .map(|id| (id, permission_set(u32::from(id)).map_or("", |set| set.zh)))
}

/// The requested ids the platform does not offer an account of `kind`, in request order.
pub fn not_offered(kind: Kind, requested: &[u16]) -> Vec<u16> {
    let offered = offered(kind);
    requested.iter().copied().filter(|id| !offered.contains(id)).collect()
}

/// Keeps the ids that exist for `kind`, sorted and without duplicates; an empty request means every set.
pub fn grantable(kind: Kind, requested: &[u16]) -> Vec<u16> {
    let all = offered(kind);
    let mut ids: Vec<u16> = if requested.is_empty() {
        all
    } else {
        requested.iter().copied().filter(|id| all.contains(id)).collect()
    };
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Parses `category_id_list=1|2|3` (§2.3).
pub fn parse_id_list(text: &str) -> Vec<u16> {
    text.split(['|', ','])
        .filter_map(|part| part.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sets_of_the_account_kind_are_granted() {
        assert_eq!(grantable(Kind::Miniprogram, &[18, 1, 18, 17]), vec![17, 18]);
        assert_eq!(
            grantable(Kind::OfficialAccount, &[]).len(),
            simulator_sets(AccountKind::OfficialAccount).len()
        );
        assert_eq!(not_offered(Kind::Miniprogram, &[18, 1, 20, 17]), vec![1, 20]);
        assert_eq!(parse_id_list("1|2| 18"), vec![1, 2, 18]);
    }

    #[test]
    fn every_offered_set_has_its_name() {
        for kind in [Kind::Miniprogram, Kind::OfficialAccount] {
            assert!(sets_for(kind).all(|(_, name)| !name.is_empty()));
        }
    }
}
