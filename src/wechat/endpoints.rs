//! Every endpoint of the index at the top of wechat-api.md, as data, and `lookup` by path.
//!
//! Token query names follow §0.2 and what the SDKs send: `component_access_token` on `/cgi-bin/component/*`,
//! `access_token` (carrying the component token) on `/wxa/*template*`, `fastregisterbetaweapp` and the new-version
//! registration APIs, `access_token` with an authorizer token everywhere else.

use super::endpoint::{Answer, ComponentQuery, EndpointInfo, Host, Method, TokenKind};

const fn row(
    method: Method,
    path: &'static str,
    token: TokenKind,
    idempotent: bool,
    section: &'static str,
) -> EndpointInfo {
    EndpointInfo {
        method,
        host: Host::Api,
        path,
        token,
        idempotent,
        answer: Answer::Json,
        section,
    }
}

const fn binary(path: &'static str, method: Method, section: &'static str) -> EndpointInfo {
    EndpointInfo {
        method,
        host: Host::Api,
        path,
        token: A,
        idempotent: true,
        answer: Answer::Binary,
        section,
    }
}

const fn page(host: Host, path: &'static str, section: &'static str) -> EndpointInfo {
    EndpointInfo {
        method: Method::Get,
        host,
        path,
        token: TokenKind::None,
        idempotent: true,
        answer: Answer::Page,
        section,
    }
}

use Method::{Get as GET, Post as POST};
const NONE: TokenKind = TokenKind::None;
/// Component token as `component_access_token=`.
const C: TokenKind = TokenKind::Component(ComponentQuery::ComponentAccessToken);
/// Component token as `access_token=`.
const CA: TokenKind = TokenKind::Component(ComponentQuery::AccessToken);
const A: TokenKind = TokenKind::Authorizer;
const EITHER: TokenKind = TokenKind::Either;
/// A read: repeating it changes nothing, so a transient failure may be retried.
const READ: bool = true;
/// A write (or a single-use exchange): never retried blindly.
const WRITE: bool = false;

/// The index. Token fetches count as reads: fetching again yields an equally valid token (§1.10 overlap).
pub static ENDPOINTS: &[EndpointInfo] = TABLE;

#[rustfmt::skip]
const TABLE: &[EndpointInfo] = &[
    // §1 component tokens and authorization management
    row(POST, "/cgi-bin/component/api_start_push_ticket", NONE, WRITE, "1.1"),
    row(POST, "/cgi-bin/component/api_component_token", NONE, READ, "1.2"),
    row(POST, "/cgi-bin/component/api_create_preauthcode", C, READ, "1.3"),
    // The authorization code is single use (§1.4): a retry after a lost answer would only yield 61009.
    row(POST, "/cgi-bin/component/api_query_auth", C, WRITE, "1.4"),
    row(POST, "/cgi-bin/component/api_authorizer_token", C, READ, "1.5"),
    row(POST, "/cgi-bin/component/api_get_authorizer_info", C, READ, "1.6"),
    row(POST, "/cgi-bin/component/api_get_authorizer_list", C, READ, "1.7"),
    row(POST, "/cgi-bin/component/api_get_authorizer_option", C, READ, "1.8"),
    row(POST, "/cgi-bin/component/api_set_authorizer_option", C, WRITE, "1.8"),
    // §1.8 variant B: the Chinese page says component token, the English page and WxJava say authorizer token.
    row(POST, "/cgi-bin/component/get_authorizer_option", EITHER, READ, "1.8"),
    row(POST, "/cgi-bin/component/set_authorizer_option", EITHER, WRITE, "1.8"),
    row(POST, "/cgi-bin/component/clear_quota", C, WRITE, "1.9"),
    row(POST, "/cgi-bin/component/clear_quota/v2", NONE, WRITE, "1.9"),
    row(POST, "/cgi-bin/clear_quota", EITHER, WRITE, "1.9"),
    row(POST, "/cgi-bin/openapi/quota/get", EITHER, READ, "1.9"),
    row(POST, "/cgi-bin/openapi/rid/get", EITHER, READ, "1.9"),
    // §2, §8.6 pages a person opens
    page(Host::Mp, "/cgi-bin/componentloginpage", "2.1"),
    page(Host::Open, "/wxaopen/safe/bindcomponent", "2.2"),
    page(Host::Mp, "/cgi-bin/fastregisterauth", "8.6"),
    // §5 code template library (component token as access_token=)
    row(GET, "/wxa/gettemplatedraftlist", CA, READ, "5.1"),
    row(POST, "/wxa/addtotemplate", CA, WRITE, "5.2"),
    row(GET, "/wxa/gettemplatelist", CA, READ, "5.3"),
    row(POST, "/wxa/deletetemplate", CA, WRITE, "5.4"),
    // §6 code management (authorizer token)
    row(POST, "/wxa/commit", A, WRITE, "6.1"),
    row(GET, "/wxa/get_page", A, READ, "6.2"),
    binary("/wxa/get_qrcode", GET, "6.3"),
    row(GET, "/wxa/get_category", A, READ, "6.4"),
    row(POST, "/wxa/submit_audit", A, WRITE, "6.5"),
    row(POST, "/wxa/get_auditstatus", A, READ, "6.6"),
    row(GET, "/wxa/get_latest_auditstatus", A, READ, "6.7"),
    binary("/cgi-bin/material/get_material", POST, "6.7"),
    // A GET that withdraws an audit: a write despite its method.
    row(GET, "/wxa/undocodeaudit", A, WRITE, "6.8"),
    row(POST, "/wxa/release", A, WRITE, "6.9"),
    // Rolls back unless `action=get_history_version`; the path as a whole is a write.
    row(GET, "/wxa/revertcoderelease", A, WRITE, "6.10"),
    row(POST, "/wxa/grayrelease", A, WRITE, "6.11"),
    row(GET, "/wxa/getgrayreleaseplan", A, READ, "6.11"),
    row(GET, "/wxa/revertgrayrelease", A, WRITE, "6.11"),
    row(POST, "/wxa/change_visitstatus", A, WRITE, "6.12"),
    row(POST, "/wxa/getvisitstatus", A, READ, "6.12"),
    row(POST, "/wxa/speedupaudit", A, WRITE, "6.13"),
    row(GET, "/wxa/queryquota", A, READ, "6.13"),
    row(GET, "/wxa/security/get_code_privacy_info", A, READ, "6.14"),
    row(POST, "/wxa/getversioninfo", A, READ, "6.14"),
    row(POST, "/wxa/uploadmedia", A, WRITE, "6.14"),
    // Temporary material, multipart: `feedback_stuff` (§6.5) and the avatar (§8.7.4) name its ids.
    row(POST, "/cgi-bin/media/upload", A, WRITE, "8.7.4"),
    row(POST, "/cgi-bin/wxopen/getweappsupportversion", A, READ, "6.14"),
    row(POST, "/cgi-bin/wxopen/setweappsupportversion", A, WRITE, "6.14"),
    row(POST, "/wxa/bind_tester", A, WRITE, "6.15"),
    row(POST, "/wxa/unbind_tester", A, WRITE, "6.15"),
    row(POST, "/wxa/memberauth", A, READ, "6.15"),
    // §6.16: `/cgi-bin/component/` paths that take the mini program's own authorizer token, as `access_token=`.
    row(POST, "/cgi-bin/component/getprivacysetting", A, READ, "6.16"),
    row(POST, "/cgi-bin/component/setprivacysetting", A, WRITE, "6.16"),
    // §7 domains
    row(POST, "/wxa/modify_domain", A, WRITE, "7.1"),
    row(POST, "/wxa/setwebviewdomain", A, WRITE, "7.2"),
    row(POST, "/wxa/get_webviewdomain_confirmfile", A, READ, "7.2"),
    row(POST, "/cgi-bin/component/modify_wxa_server_domain", C, WRITE, "7.3"),
    row(POST, "/cgi-bin/component/modify_wxa_jump_domain", C, WRITE, "7.4"),
    row(POST, "/cgi-bin/component/get_domain_confirmfile", C, READ, "7.5"),
    // §8 registration
    row(POST, "/cgi-bin/component/fastregisterweapp", C, WRITE, "8.1"),
    row(POST, "/wxa/component/fastregisterenterpriseweapp", CA, WRITE, "8.3"),
    row(POST, "/wxa/component/fastregisterpersonalweapp", CA, WRITE, "8.4"),
    row(POST, "/wxa/component/fastregisterbetaweapp", CA, WRITE, "8.5"),
    row(POST, "/wxa/verifybetaweapp", A, WRITE, "8.5"),
    row(POST, "/wxa/setbetaweappnickname", A, WRITE, "8.5"),
    row(POST, "/cgi-bin/account/fastregister", A, WRITE, "8.6"),
    // §8.7 account setup
    row(POST, "/wxa/setnickname", A, WRITE, "8.7.1"),
    row(POST, "/wxa/api_wxa_querynickname", A, READ, "8.7.2"),
    row(POST, "/cgi-bin/wxverify/checkwxverifynickname", A, READ, "8.7.3"),
    row(POST, "/cgi-bin/account/modifyheadimage", A, WRITE, "8.7.4"),
    row(POST, "/cgi-bin/account/modifysignature", A, WRITE, "8.7.5"),
    // GET per WxJava and silenceper; the newer page says POST `{}` — `EndpointInfo::allows` admits both (§8.7.6).
    row(GET, "/cgi-bin/account/getaccountbasicinfo", A, READ, "8.7.6"),
    row(GET, "/cgi-bin/wxopen/getallcategories", A, READ, "8.7.7"),
    row(POST, "/cgi-bin/wxopen/getcategoriesbytype", A, READ, "8.7.7"),
    row(GET, "/cgi-bin/wxopen/getcategory", A, READ, "8.7.7"),
    row(POST, "/cgi-bin/wxopen/addcategory", A, WRITE, "8.7.7"),
    row(POST, "/cgi-bin/wxopen/deletecategory", A, WRITE, "8.7.7"),
    row(POST, "/cgi-bin/wxopen/modifycategory", A, WRITE, "8.7.7"),
    row(POST, "/cgi-bin/account/componentrebindadmin", A, WRITE, "8.7.8"),
    // §14.2 step 4: a customer-service message on the authorizer's behalf; sent once, never retried.
    row(POST, "/cgi-bin/message/custom/send", A, WRITE, "14.2"),
];

/// The endpoint at `path`; a query string or fragment after the path is ignored.
pub fn lookup(path: &str) -> Option<&'static EndpointInfo> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    ENDPOINTS.iter().find(|e| e.path == path)
}

/// The row for `path`, for the `INFO` constants of typed endpoints. Evaluated at compile time, where a missing row
/// is a build error rather than a run-time failure.
pub(crate) const fn row_for(path: &str) -> &'static EndpointInfo {
    let mut i = 0;
    while i < TABLE.len() {
        if str_eq(TABLE[i].path, path) {
            return &TABLE[i];
        }
        i += 1;
    }
    panic!("typed endpoint without a row in ENDPOINTS")
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_absolute() {
        let mut seen = std::collections::HashSet::new();
        for e in ENDPOINTS {
            assert!(e.path.starts_with('/'), "{}", e.path);
            assert!(seen.insert(e.path), "duplicate {}", e.path);
        }
    }

    #[test]
    fn lookup_ignores_the_query_and_knows_token_names() {
        let commit = lookup("/wxa/commit?access_token=x").unwrap();
        assert_eq!(
            (commit.token.query_name(), commit.idempotent),
            (Some("access_token"), false)
        );
        let auth = lookup("/cgi-bin/component/api_query_auth").unwrap();
        assert_eq!(auth.token.query_name(), Some("component_access_token"));
        assert_eq!(
            lookup("/wxa/gettemplatelist").unwrap().token.query_name(),
            Some("access_token")
        );
        assert_eq!(
            lookup("/cgi-bin/component/api_component_token")
                .unwrap()
                .token
                .query_name(),
            None
        );
        assert!(lookup("/wxa/unknown").is_none());
    }

    #[test]
    fn writes_named_by_design_are_never_retried() {
        for path in [
            "/wxa/commit",
            "/wxa/submit_audit",
            "/wxa/release",
            "/wxa/undocodeaudit",
            "/wxa/addtotemplate",
        ] {
            assert!(!lookup(path).unwrap().idempotent, "{path}");
        }
    }
}
