//! Every errcode of wechat-api.md §9 and the endpoint-specific ones of §1–§8: what it means and what the operator does.
//!
//! Clients switch on the code only; `errmsg` texts vary (§9). Where the doc names a range as one meaning (e.g.
//! 85066–85075), each code of the range carries that meaning.

mod account;
mod code;
mod component;
mod general;

/// One known errcode, explained in zh-CN and en, with what the operator should do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrInfo {
    pub code: i64,
    pub zh: &'static str,
    pub en: &'static str,
    pub action_zh: &'static str,
    pub action_en: &'static str,
}

/// Shorthand for the tables.
const fn e(code: i64, zh: &'static str, en: &'static str, action_zh: &'static str, action_en: &'static str) -> ErrInfo {
    ErrInfo {
        code,
        zh,
        en,
        action_zh,
        action_en,
    }
}

static TABLES: [&[ErrInfo]; 4] = [general::TABLE, component::TABLE, code::TABLE, account::TABLE];

/// The explanation of `code`, if it is one of the documented ones.
pub fn explain(code: i64) -> Option<&'static ErrInfo> {
    all().find(|info| info.code == code)
}

/// Every known errcode, for listings and tests.
pub fn all() -> impl Iterator<Item = &'static ErrInfo> {
    TABLES.iter().flat_map(|table| table.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_fully_explained() {
        let mut seen = std::collections::HashSet::new();
        for info in all() {
            assert!(seen.insert(info.code), "duplicate errcode {}", info.code);
            for text in [info.zh, info.en, info.action_zh, info.action_en] {
                assert!(!text.trim().is_empty(), "errcode {} lacks a text", info.code);
            }
        }
        assert!(seen.len() > 200, "only {} errcodes", seen.len());
    }

    #[test]
    fn operator_actions_say_what_to_do() {
        assert!(explain(61004).unwrap().action_en.contains("whitelist"));
        assert!(explain(61007).unwrap().action_en.contains("authorize again"));
        assert!(explain(61003).unwrap().action_en.contains("authorize again"));
        assert!(explain(61023).unwrap().action_en.contains("authorize again"));
        assert!(explain(85009).unwrap().action_en.contains("withdraw"));
        assert!(explain(85065).unwrap().action_en.contains("Delete"));
        assert!(explain(123_456_789).is_none());
    }

    #[test]
    fn every_errcode_cited_in_the_api_doc_is_known() {
        // Codes named in §1–§9 prose, sampled across the sections.
        for code in [
            -1, 40013, 40125, 41004, 45009, 47001, 48001, 61005, 61006, 61011, 61009, 61010, 61014, 40170, 61012,
            61025, 48006, 76001, 76022, 85064, 85013, 85014, 9402202, 9402203, -80040, 85310, 86001, 85006, 85085,
            85094, 61039, 61040, 9400001, 85058, 87013, 87012, 85019, 85052, 87011, 40097, 85079, 85082, 85021, 89401,
            89405, 40005, 41005, 43002, 89014, 85001, 85004, 85015, 85018, 89019, 89231, 89022, 86004, 61070, 89247,
            89255, 86021, 86040, 89295, 86030, 86036, 91030, 61051, 61061, 91001, 91019, 53010, 53202, 53200, 53204,
            53300, 53311, 91011, 86069, 86071, 86074, 87072,
        ] {
            assert!(explain(code).is_some(), "errcode {code} is not explained");
        }
    }
}
