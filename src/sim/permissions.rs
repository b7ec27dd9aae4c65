//! Permission sets (权限集) of wechat-api.md §3 that the simulated platform publishes, with their names.

use super::merchants::Kind;

/// Official-account sets the platform requests by default (§3.1).
pub const OFFICIAL_ACCOUNT_SETS: &[(u16, &str)] = &[
    (1, "消息管理"),
    (2, "用户管理"),
    (3, "账号服务"),
    (4, "网页服务"),
    (7, "群发与通知"),
    (11, "素材管理"),
    (15, "菜单管理"),
    (24, "开放平台账号管理"),
    (27, "快速注册小程序"),
    (33, "小程序关联管理"),
    (89, "服务号订阅通知"),
];

/// Mini-program sets the platform requests by default (§3.2).
pub const MINIPROGRAM_SETS: &[(u16, &str)] = &[
    (17, "获取小程序码"),
    (18, "小程序开发与数据分析"),
    (19, "小程序客服管理"),
    (25, "开放平台账号管理"),
    (30, "小程序基本信息管理"),
    (31, "小程序认证名称检测"),
    (37, "附近的小程序管理"),
    (40, "小程序插件管理"),
    (49, "小程序云开发管理"),
    (52, "小程序直播管理"),
    (65, "小程序广告管理"),
    (81, "试用小程序快速认证"),
    (86, "小商店装修"),
    (88, "获取小程序链接"),
];

pub fn sets_for(kind: Kind) -> &'static [(u16, &'static str)] {
    match kind {
        Kind::Miniprogram => MINIPROGRAM_SETS,
        Kind::OfficialAccount => OFFICIAL_ACCOUNT_SETS,
    }
}

/// Keeps the ids that exist for `kind`, sorted and without duplicates; an empty request means every set.
pub fn grantable(kind: Kind, requested: &[u16]) -> Vec<u16> {
    let all = sets_for(kind);
    let mut ids: Vec<u16> = if requested.is_empty() {
        all.iter().map(|(id, _)| *id).collect()
    } else {
        requested
            .iter()
            .copied()
            .filter(|id| all.iter().any(|(known, _)| known == id))
            .collect()
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
        assert_eq!(grantable(Kind::OfficialAccount, &[]).len(), OFFICIAL_ACCOUNT_SETS.len());
        assert_eq!(parse_id_list("1|2| 18"), vec![1, 2, 18]);
    }
}
