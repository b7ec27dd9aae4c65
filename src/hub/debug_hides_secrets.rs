//! A regression test: every hub struct that holds a secret or a token prints `***` for it under `{:?}`, because
//! each such field is a `Secret` (a plain `String` field would print its text and fail here).

use super::config::HubSecrets;
use super::tokens::Slot;
use super::upstream::{AuthorizationInfo, AuthorizerList, AuthorizerListItem, AuthorizerToken};

/// Distinct texts, one per field, so a failure names the field that leaked. Fields are filled with `.into()`, so the
/// test still compiles, and fails, if one of them is turned back into a `String`.
const SECRETS: [&str; 12] = [
    "appsecret-text",
    "message-token-text",
    "current-aes-key-text",
    "previous-aes-key-text",
    "store-key-text",
    "cached-access-token-text",
    "query-auth-access-token-text",
    "query-auth-refresh-token-text",
    "refreshed-access-token-text",
    "refreshed-refresh-token-text",
    "listed-refresh-token-text",
    "listed-in-page-refresh-token-text",
];

#[test]
fn hub_structs_print_no_secret_or_token() {
    let hub_secrets = HubSecrets {
        component_appsecret: SECRETS[0].into(),
        token: SECRETS[1].into(),
        encoding_aes_key: SECRETS[2].into(),
        previous_encoding_aes_key: Some(SECRETS[3].into()),
        store_key: SECRETS[4].into(),
    };
    let slot = Slot::default();
    slot.set(SECRETS[5].into(), 1_800_000_000);
    let query_auth = AuthorizationInfo {
        authorizer_appid: "wxf8b4f85f3a794e77".into(),
        authorizer_access_token: Some(SECRETS[6].into()),
        expires_in: Some(7200),
        authorizer_refresh_token: Some(SECRETS[7].into()),
        func_ids: vec![17, 18],
    };
    let refreshed = AuthorizerToken {
        authorizer_access_token: SECRETS[8].into(),
        expires_in: 7200,
        authorizer_refresh_token: Some(SECRETS[9].into()),
    };
    let item = AuthorizerListItem {
        authorizer_appid: "wxf8b4f85f3a794e77".into(),
        refresh_token: Some(SECRETS[10].into()),
        auth_time: Some(1_700_000_000),
    };
    let page = AuthorizerList {
        total_count: 1,
        list: vec![AuthorizerListItem {
            refresh_token: Some(SECRETS[11].into()),
            ..item.clone()
        }],
    };
    let printed = [
        format!("{hub_secrets:?}"),
        format!("{slot:?}"),
        format!("{query_auth:?}"),
        format!("{refreshed:?}"),
        format!("{item:?}"),
        format!("{page:#?}"),
    ]
    .join("\n");
    for text in SECRETS {
        assert!(!printed.contains(text), "{text} leaked into a Debug print:\n{printed}");
    }
    // Each struct printed its fields, masked: the test would be empty if a `Debug` printed nothing at all.
    assert_eq!(printed.matches("***").count(), SECRETS.len(), "{printed}");
}
