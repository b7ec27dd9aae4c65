//! Decoding the hub's JSON: the shapes of DESIGN.md's hub API, and the lenient cases.

use serde_json::json;

use super::*;
use crate::engine::protocol::{AuthType, ErrorKind};

#[test]
fn status_with_ticket_token_and_an_error_object() {
    let status: Status = serde_json::from_value(json!({
        "component_appid": "wx0123456789abcdef",
        "ticket": {"received_at": 1_763_700_000, "age_secs": 42},
        "component_token": {"expires_at": 1_763_707_200},
        "last_error": {"errcode": 61004, "message": "access clientip is not registered", "at": 1_763_700_001}
    }))
    .expect("status");
    let status = HubStatus::from(status);
    assert_eq!(status.ticket.map(|t| t.age_secs), Some(42));
    assert_eq!(status.component_token.map(|t| t.expires_at), Some(1_763_707_200));
    let error = status.last_error.expect("last error");
    assert_eq!(error.errcode, Some(61004));
    assert_eq!(error.message, "access clientip is not registered");
}

#[test]
fn status_before_the_first_ticket_and_with_a_text_error() {
    let status: Status = serde_json::from_value(json!({
        "component_appid": "wx0123456789abcdef", "ticket": null, "component_token": null, "last_error": "no ticket yet"
    }))
    .expect("status");
    let status = HubStatus::from(status);
    assert!(status.ticket.is_none() && status.component_token.is_none());
    assert_eq!(
        status.last_error.map(|e| (e.errcode, e.message)),
        Some((None, "no ticket yet".to_owned()))
    );
}

#[test]
fn preauth_body_sends_the_requested_sets_as_a_list() {
    let request = PreAuthRequest {
        auth_type: AuthType::Both,
        biz_appid: Some(String::new()),
        category_ids: vec![17, 18, 30],
    };
    let body = serde_json::to_value(PreAuthBody::from(&request)).expect("body");
    assert_eq!(body, json!({"auth_type": 3, "category_id_list": [17, 18, 30]}));
    let plain = serde_json::to_value(PreAuthBody::from(&PreAuthRequest::default())).expect("body");
    assert_eq!(plain, json!({"auth_type": 2}));
}

#[test]
fn authorizer_pages_as_object_or_bare_list() {
    let item = json!({
        "authorizer_appid": "wx0123456789abcdef", "nick_name": "示例", "kind": "official_account",
        "principal_name": "某某公司", "verify_type": 0, "service_type": 2, "user_name": "gh_0123456789ab",
        "head_img": "", "authorized_at": 100, "revoked_at": null, "func_ids": [1, 2]
    });
    let page: AuthorizerPage =
        serde_json::from_value(json!({"total": 7, "authorizers": [item.clone()]})).expect("page");
    let (rows, total) = page.into_rows();
    assert_eq!(total, Some(7));
    assert_eq!(rows[0].appid, "wx0123456789abcdef");
    assert_eq!(rows[0].kind, AccountKind::OfficialAccount);
    assert!(rows[0].verified);
    let page: AuthorizerPage = serde_json::from_value(json!([item])).expect("list");
    assert_eq!(page.into_rows().0.len(), 1);
}

#[test]
fn an_authorizer_with_missing_details_is_shown_unverified_not_dropped() {
    let a: Authorizer = serde_json::from_value(json!({"authorizer_appid": "wx0123456789abcdef"})).expect("minimal");
    let row = AuthorizerRow::from(a);
    assert_eq!(row.verify_type, -1);
    assert!(!row.verified);
    assert!(row.nick_name.is_empty());
}

#[test]
fn events_keep_their_raw_json_and_next_never_goes_back() {
    let page: EventsPage = serde_json::from_value(json!({
        "events": [
            {"seq": 5, "at": 1, "kind": "authorized", "authorizer_appid": "wx0123456789abcdef",
             "func_info": [{"funcscope_category": {"id": 18}}], "pre_auth_code": "code"},
            {"no_seq": true}
        ],
        "next": 3
    }))
    .expect("events");
    let page = page.into_page(0);
    assert_eq!(page.events.len(), 1, "an unreadable event is dropped");
    assert_eq!(page.events[0].func_ids, vec![18]);
    assert_eq!(page.events[0].raw["pre_auth_code"], "code");
    assert_eq!(page.next, 5);
    let empty: EventsPage = serde_json::from_value(json!({"events": []})).expect("empty");
    assert_eq!(empty.into_page(9).next, 9);
}

#[test]
fn activity_as_object_or_list_with_any_result() {
    let list: ActivityList = serde_json::from_value(json!({"entries": [
        {"seq": 1, "at": 2, "operator": "sandbox", "action": "preauth", "target": null, "result": "ok"},
        {"seq": 2, "at": 3, "operator": "sandbox", "action": "call", "target": "wx0123456789abcdef",
         "result": {"errcode": 61007}}
    ]}))
    .expect("activity");
    let entries = list.into_entries();
    assert_eq!(entries[0].result, "ok");
    assert_eq!(entries[1].target.as_deref(), Some("wx0123456789abcdef"));
    assert!(entries[1].result.contains("61007"));
}

#[test]
fn relayed_wechat_errors_are_typed_once() {
    let error = wechat_error(&json!({"errcode": 61004, "errmsg": "access clientip is not registered rid: x"}))
        .expect("an error");
    assert_eq!(error.kind, ErrorKind::WeChat { errcode: 61004 });
    let nested = wechat_error(&json!({"error": {"errcode": 85009, "message": "already auditing"}})).expect("nested");
    assert_eq!(nested.kind, ErrorKind::WeChat { errcode: 85009 });
    assert!(wechat_error(&json!({"errcode": 0, "errmsg": "ok"})).is_none());
    assert!(wechat_error(&json!({"pre_auth_code": "x"})).is_none());
}
