//! Which merchants a deployment can reach, as the console's authorizer rows show it: each chosen merchant ready, or
//! blocked and why (not authorized, revoked, an official account, no set 18, no name, no avatar: what the hub would
//! refuse or skip), in the order chosen; and a row as the hub's placeholder filling reads it.

use std::collections::HashMap;

use crate::engine::protocol::{AccountKind, Authorizer, AuthorizerRow};
use crate::t;

/// Permission set 18, code management (§3.2): every call of a deployment needs it.
pub const CODE_MANAGEMENT: u32 = 18;

/// Why a chosen merchant cannot be deployed to, as its authorizer row shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Blocked {
    /// Not among the authorizers (any more).
    NotAuthorized,
    Revoked,
    OfficialAccount,
    NoCodeManagement,
    NoName,
    NoAvatar,
}

impl Blocked {
    /// Why, in words; the first two and the official account would make the hub refuse the plan, the others would
    /// only be skipped, but none can be deployed to, so none is sent.
    pub fn text(self) -> &'static str {
        match self {
            Blocked::NotAuthorized => t!("deploy.blocked_not_authorized"),
            Blocked::Revoked => t!("deploy.blocked_revoked"),
            Blocked::OfficialAccount => t!("deploy.blocked_official_account"),
            Blocked::NoCodeManagement => t!("deploy.blocked_no_set_18"),
            Blocked::NoName => t!("deploy.blocked_no_name"),
            Blocked::NoAvatar => t!("deploy.blocked_no_avatar"),
        }
    }
}

/// Why `row` cannot be deployed to, in the order the hub checks; `None` when it can.
pub fn blocked(row: Option<&AuthorizerRow>) -> Option<Blocked> {
    let Some(row) = row else {
        return Some(Blocked::NotAuthorized);
    };
    if row.revoked_at.is_some() {
        Some(Blocked::Revoked)
    } else if row.kind == AccountKind::OfficialAccount {
        Some(Blocked::OfficialAccount)
    } else if !row.func_ids.contains(&CODE_MANAGEMENT) {
        Some(Blocked::NoCodeManagement)
    } else if row.nick_name.trim().is_empty() {
        Some(Blocked::NoName)
    } else if row.head_img.trim().is_empty() {
        Some(Blocked::NoAvatar)
    } else {
        None
    }
}

/// The chosen merchants split into those the plan will name and those it leaves out, each in the order chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preflight {
    pub ready: Vec<String>,
    pub blocked: Vec<(String, Blocked)>,
}

pub fn preflight(appids: &[String], rows: &[AuthorizerRow]) -> Preflight {
    let by_appid: HashMap<&str, &AuthorizerRow> = rows.iter().map(|row| (row.appid.as_str(), row)).collect();
    let mut out = Preflight::default();
    for appid in appids {
        match blocked(by_appid.get(appid.as_str()).copied()) {
            None => out.ready.push(appid.clone()),
            Some(why) => out.blocked.push((appid.clone(), why)),
        }
    }
    out
}

/// A merchant row as the hub's placeholder filling reads it.
pub fn as_authorizer(row: &AuthorizerRow) -> Authorizer {
    let some = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    Authorizer {
        authorizer_appid: row.appid.clone(),
        nick_name: some(&row.nick_name),
        kind: Some(row.kind),
        principal_name: some(&row.principal_name),
        verify_type: Some(i64::from(row.verify_type)),
        service_type: Some(i64::from(row.service_type)),
        user_name: some(&row.user_name),
        head_img: some(&row.head_img),
        authorized_at: row.authorized_at,
        revoked_at: row.revoked_at,
        func_ids: row.func_ids.iter().map(|&id| i64::from(id)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::engine::protocol::fill_placeholders;
    use crate::ui::deploy_plan::{DEFAULT_EXT_JSON, Problems, parse_ext_json};
    use crate::ui::i18n::{Lang, set_current};

    fn ready(appids: &[&str]) -> Vec<String> {
        appids.iter().map(|a| (*a).to_owned()).collect()
    }

    fn row(appid: &str, name: &str, sets: &[u32]) -> AuthorizerRow {
        AuthorizerRow {
            appid: appid.into(),
            nick_name: name.into(),
            kind: AccountKind::MiniProgram,
            principal_name: "某某餐饮有限公司".into(),
            verified: true,
            verify_type: 0,
            authorized_at: 0,
            revoked_at: None,
            func_ids: sets.to_vec(),
            user_name: format!("gh_{appid}"),
            head_img: "https://example.com/a.png".into(),
            service_type: 0,
        }
    }

    #[test]
    fn blocked_merchants_say_why_and_the_rest_keep_the_order_chosen() {
        set_current(Lang::En);
        let mut revoked = row("wxrevoked", "旧店", &[18]);
        revoked.revoked_at = Some(5);
        let mut official = row("wxofficial", "公众号", &[1]);
        official.kind = AccountKind::OfficialAccount;
        let mut nameless = row("wxnameless", "", &[18]);
        nameless.head_img.clear();
        let mut faceless = row("wxfaceless", "无头像", &[18]);
        faceless.head_img.clear();
        let rows = vec![
            row("wxb", "B 店", &[17, 18]),
            row("wxa", "A 店", &[18]),
            row("wxno18", "没有代码管理", &[17]),
            revoked,
            official,
            nameless,
            faceless,
        ];
        let chosen = ready(&[
            "wxa",
            "wxgone",
            "wxb",
            "wxno18",
            "wxrevoked",
            "wxofficial",
            "wxnameless",
            "wxfaceless",
        ]);
        let split = preflight(&chosen, &rows);
        assert_eq!(
            split.ready,
            ready(&["wxa", "wxb"]),
            "in the order chosen, not the list's"
        );
        let why: Vec<(&str, Blocked)> = split.blocked.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        assert_eq!(
            why,
            vec![
                ("wxgone", Blocked::NotAuthorized),
                ("wxno18", Blocked::NoCodeManagement),
                ("wxrevoked", Blocked::Revoked),
                ("wxofficial", Blocked::OfficialAccount),
                // No name comes before no avatar, as the hub checks them.
                ("wxnameless", Blocked::NoName),
                ("wxfaceless", Blocked::NoAvatar),
            ]
        );
        assert!(Blocked::NoCodeManagement.text().contains("18"));
    }

    #[test]
    fn the_preview_fills_placeholders_as_the_hub_will() {
        let shop = row("wx0123456789abcdef", "茶饮小铺", &[18]);
        let mut problems = Problems::new();
        let value = parse_ext_json(DEFAULT_EXT_JSON, false, &mut problems).unwrap();
        assert!(problems.is_empty());
        assert_eq!(
            fill_placeholders(&value, &as_authorizer(&shop)),
            json!({ "extAppid": "wx0123456789abcdef", "ext": { "name": "茶饮小铺" } })
        );
    }
}
