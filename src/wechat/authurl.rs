//! The authorization page URLs a merchant opens (wechat-api.md §2) and the reuse-official-account page (§8.6).
//!
//! Every value is URL-encoded, `redirect_uri` included: unencoded multi-parameter URIs lose parameters (§2.1).

use url::form_urlencoded::Serializer;

/// Which accounts the phone lists for authorization (`auth_type`, §2.3). 7 and 10 are unconfirmed and left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AuthType {
    /// 1: official accounts only.
    OfficialAccount,
    /// 2: mini programs only (what the console offers first: most merchants come for their mini program).
    #[default]
    MiniProgram,
    /// 3: official accounts and mini programs (the SDKs' default).
    Both,
    /// 4: mini-program promoter accounts (小程序推客账号).
    Promoter,
    /// 5: Channels (视频号) accounts.
    Channels,
    /// 6: official accounts, mini programs and Channels.
    All,
    /// 8: sales-assistant (带货助手) accounts.
    SalesAssistant,
}

impl AuthType {
    pub const ALL: [Self; 7] = [
        Self::OfficialAccount,
        Self::MiniProgram,
        Self::Both,
        Self::Promoter,
        Self::Channels,
        Self::All,
        Self::SalesAssistant,
    ];

    /// The number sent as `auth_type`.
    pub fn code(self) -> u8 {
        match self {
            Self::OfficialAccount => 1,
            Self::MiniProgram => 2,
            Self::Both => 3,
            Self::Promoter => 4,
            Self::Channels => 5,
            Self::All => 6,
            Self::SalesAssistant => 8,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Serialized as the platform's number (§2.3), so the hub API and the authorization URL agree.
impl serde::Serialize for AuthType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

/// Only the numbers of §2.3 that are confirmed; 7 and 10 are refused (the safer reading).
impl<'de> serde::Deserialize<'de> for AuthType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = u8::deserialize(deserializer)?;
        Self::from_code(code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "auth_type must be one of 1, 2, 3, 4, 5, 6, 8 (wechat-api.md §2.3), not {code}"
            ))
        })
    }
}

/// What both authorization pages take (§2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest<'a> {
    pub component_appid: &'a str,
    pub pre_auth_code: &'a str,
    /// Must be on the platform's authorization-origin domain (§2.1).
    pub redirect_uri: &'a str,
    pub auth_type: AuthType,
    /// Restricts the page to one account; it wins over `auth_type` when they conflict (§2.3).
    pub biz_appid: Option<&'a str>,
    /// Permission-set ids to request; empty means every set the platform published (§2.3).
    pub category_id_list: &'a [u32],
}

impl AuthRequest<'_> {
    fn append_to(&self, query: &mut Serializer<'_, String>) {
        query
            .append_pair("component_appid", self.component_appid)
            .append_pair("pre_auth_code", self.pre_auth_code)
            .append_pair("redirect_uri", self.redirect_uri)
            .append_pair("auth_type", &self.auth_type.code().to_string());
        if let Some(biz_appid) = self.biz_appid {
            query.append_pair("biz_appid", biz_appid);
        }
        if !self.category_id_list.is_empty() {
            let ids: Vec<String> = self.category_id_list.iter().map(u32::to_string).collect();
            query.append_pair("category_id_list", &ids.join("|"));
        }
    }
}

/// The PC scan page, `{mp_base}/cgi-bin/componentloginpage?…` (§2.1).
pub fn pc_url(mp_base: &str, request: &AuthRequest<'_>) -> String {
    let mut query = Serializer::new(String::new());
    request.append_to(&mut query);
    format!(
        "{}/cgi-bin/componentloginpage?{}",
        mp_base.trim_end_matches('/'),
        query.finish()
    )
}

/// The mobile H5 link, opened inside WeChat: `{open_base}/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&…
/// #wechat_redirect` (§2.2, the current host).
pub fn h5_url(open_base: &str, request: &AuthRequest<'_>) -> String {
    let mut query = Serializer::new(String::new());
    query.append_pair("action", "bindcomponent").append_pair("no_scan", "1");
    request.append_to(&mut query);
    format!(
        "{}/wxaopen/safe/bindcomponent?{}#wechat_redirect",
        open_base.trim_end_matches('/'),
        query.finish()
    )
}

/// The page where an official account's administrator agrees to register a mini program reusing its qualification
/// (§8.6 step 1); the redirect then carries `ticket` for `/cgi-bin/account/fastregister`.
pub fn fastregisterauth_url(
    mp_base: &str,
    official_account_appid: &str,
    component_appid: &str,
    copy_wx_verify: bool,
    redirect_uri: &str,
) -> String {
    let query = Serializer::new(String::new())
        .append_pair("appid", official_account_appid)
        .append_pair("component_appid", component_appid)
        .append_pair("copy_wx_verify", if copy_wx_verify { "1" } else { "0" })
        .append_pair("redirect_uri", redirect_uri)
        .finish();
    format!("{}/cgi-bin/fastregisterauth?{query}", mp_base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn decode(url: &str) -> (url::Url, HashMap<String, String>) {
        let url = url::Url::parse(url).unwrap();
        let pairs = url.query_pairs().into_owned().collect();
        (url, pairs)
    }

    const REDIRECT: &str = "https://hub.example.com/wechat/authorized?profile=a&x=1";

    fn request(categories: &[u32]) -> AuthRequest<'_> {
        AuthRequest {
            component_appid: "wx134c8103faa5a59e",
            pre_auth_code: "preauthcode@@@abc",
            redirect_uri: REDIRECT,
            auth_type: AuthType::MiniProgram,
            biz_appid: Some("wxf8b4f85f3a794e77"),
            category_id_list: categories,
        }
    }

    #[test]
    fn pc_url_decodes_back_to_every_parameter() {
        let text = pc_url("https://mp.weixin.qq.com/", &request(&[17, 18, 30]));
        assert!(!text.contains("profile=a&x=1"), "redirect_uri must be encoded: {text}");
        assert!(text.contains("category_id_list=17%7C18%7C30"), "{text}");
        let (url, q) = decode(&text);
        assert_eq!(
            (url.host_str(), url.path()),
            (Some("mp.weixin.qq.com"), "/cgi-bin/componentloginpage")
        );
        assert_eq!(q["component_appid"], "wx134c8103faa5a59e");
        assert_eq!(q["pre_auth_code"], "preauthcode@@@abc");
        assert_eq!(q["redirect_uri"], REDIRECT);
        assert_eq!(q["auth_type"], "2");
        assert_eq!(q["biz_appid"], "wxf8b4f85f3a794e77");
        assert_eq!(q["category_id_list"], "17|18|30");
    }

    #[test]
    fn h5_url_has_the_fixed_parameters_and_the_wechat_redirect_fragment() {
        let text = h5_url(
            "https://open.weixin.qq.com",
            &AuthRequest {
                biz_appid: None,
                ..request(&[])
            },
        );
        let (url, q) = decode(&text);
        assert_eq!(url.path(), "/wxaopen/safe/bindcomponent");
        assert_eq!(url.fragment(), Some("wechat_redirect"));
        assert_eq!((q["action"].as_str(), q["no_scan"].as_str()), ("bindcomponent", "1"));
        assert_eq!(q["redirect_uri"], REDIRECT);
        assert!(!q.contains_key("biz_appid") && !q.contains_key("category_id_list"));
    }

    #[test]
    fn auth_type_codes_round_trip() {
        for t in AuthType::ALL {
            assert_eq!(AuthType::from_code(t.code()), Some(t));
        }
        assert_eq!(AuthType::from_code(7), None);
        assert_eq!(AuthType::SalesAssistant.code(), 8);
    }

    #[test]
    fn fastregisterauth_url_carries_the_official_account() {
        let (url, q) = decode(&fastregisterauth_url(
            "http://127.0.0.1:9",
            "wxa",
            "wxc",
            true,
            REDIRECT,
        ));
        assert_eq!(url.path(), "/cgi-bin/fastregisterauth");
        assert_eq!((q["appid"].as_str(), q["copy_wx_verify"].as_str()), ("wxa", "1"));
        assert_eq!(q["redirect_uri"], REDIRECT);
    }
}
