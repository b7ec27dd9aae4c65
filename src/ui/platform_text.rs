//! The platform's own words in the console's language: permission-set names and errcode explanations, taken from
//! the wire layer's tables (`crate::wechat::permissions`, `crate::wechat::errcodes`) so console and hub never disagree.

use crate::ui::i18n::{self, Lang};
use crate::wechat::{errcodes, permissions, registration_status};

/// The permission set's name (wechat-api.md §3) in the current language, e.g. "小程序开发与数据分析" for 18.
pub fn permission_name(func_id: u32) -> String {
    match (permissions::permission_set(func_id), i18n::current()) {
        (Some(set), Lang::ZhCn) => set.zh.to_owned(),
        (Some(set), Lang::En) => set.en.to_owned(),
        // A set newer than the table: its number is all the platform told us.
        (None, Lang::ZhCn) => format!("权限集 {func_id}"),
        (None, Lang::En) => format!("Permission set {func_id}"),
    }
}

/// What a registration task's last status means (wechat-api.md §4.2, §8.3, §8.4), in the current language. An open
/// task's status came from creating or querying it; an ended one's from the result push.
pub fn registration_status(personal: bool, open: bool, code: i64) -> Option<&'static str> {
    let info = if open {
        registration_status::query_status(personal, code)
    } else {
        registration_status::push_status(code)
    }?;
    Some(match i18n::current() {
        Lang::ZhCn => info.zh,
        Lang::En => info.en,
    })
}

/// Every known permission set id, mini-program sets first (the console's main use), then by number.
pub fn permission_ids() -> Vec<u32> {
    let mut sets: Vec<&permissions::PermissionSet> = permissions::PERMISSION_SETS.iter().collect();
    sets.sort_by_key(|set| (set.kind != permissions::AccountKind::MiniProgram, set.id));
    sets.into_iter().map(|set| set.id).collect()
}

/// The permission sets a simulated scan offers an account of this kind: exactly those the simulator offers
/// (`permissions::simulator_sets`), which refuses any other.
pub fn simulated_scan_ids(kind: crate::engine::protocol::AccountKind) -> &'static [u32] {
    permissions::simulator_sets(match kind {
        crate::engine::protocol::AccountKind::MiniProgram => permissions::AccountKind::MiniProgram,
        crate::engine::protocol::AccountKind::OfficialAccount => permissions::AccountKind::OfficialAccount,
    })
}

/// What an errcode means and what the operator should do, in the current language.
pub fn errcode(code: i64) -> Option<(&'static str, &'static str)> {
    let info = errcodes::explain(code)?;
    Some(match i18n::current() {
        Lang::ZhCn => (info.zh, info.action_zh),
        Lang::En => (info.en, info.action_en),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::set_current;

    #[test]
    fn names_follow_the_language_and_unknown_sets_keep_their_number() {
        set_current(Lang::ZhCn);
        assert_eq!(permission_name(18), "小程序开发与数据分析");
        assert_eq!(permission_name(9999), "权限集 9999");
        set_current(Lang::En);
        assert_eq!(permission_name(18), "Development and data analysis");
        assert_eq!(permission_name(9999), "Permission set 9999");
    }

    #[test]
    fn mini_program_sets_come_first() {
        let ids = permission_ids();
        assert_eq!(ids.first(), Some(&17));
        assert!(ids.contains(&1) && ids.len() == permissions::PERMISSION_SETS.len());
    }

    #[test]
    fn errcodes_are_explained_with_what_to_do() {
        set_current(Lang::En);
        let (meaning, action) = errcode(61004).expect("61004 is documented");
        assert!(
            meaning.contains("whitelist") && action.contains("whitelist"),
            "{meaning} / {action}"
        );
        assert_eq!(errcode(-424242), None);
    }
}
