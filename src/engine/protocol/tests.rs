//! Unit tests of the protocol: serde spellings shared with the hub, `Secret` masking and the reply rule.

use super::*;
use crate::engine::failure_reply;

#[test]
fn hub_event_reads_the_hubs_json_and_tolerates_missing_fields() {
    let json = serde_json::json!({
        "seq": 42, "at": 1_763_700_000, "kind": "authorized",
        "authorizer_appid": "wx0123456789abcdef", "nick_name": "示例商户", "func_ids": [17, 18]
    });
    let event: HubEvent = serde_json::from_value(json).expect("hub event");
    assert_eq!(event.seq, 42);
    assert_eq!(event.kind, hub_event_kind::AUTHORIZED);
    assert_eq!(event.authorizer_appid.as_deref(), Some("wx0123456789abcdef"));
    assert_eq!(event.func_ids, vec![17, 18]);

    let bare: HubEvent = serde_json::from_value(serde_json::json!({"seq": 1, "at": 2, "kind": "ticket_received"}))
        .expect("bare hub event");
    assert_eq!(bare.authorizer_appid, None);
    assert!(bare.func_ids.is_empty());
}

#[test]
fn account_kind_uses_the_hubs_spelling() {
    assert_eq!(
        serde_json::to_value(AccountKind::MiniProgram).ok(),
        Some(serde_json::json!("miniprogram"))
    );
    assert_eq!(
        serde_json::to_value(AccountKind::OfficialAccount).ok(),
        Some(serde_json::json!("official_account"))
    );
    for kind in [AccountKind::MiniProgram, AccountKind::OfficialAccount] {
        assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())));
    }
}

#[test]
fn authorizer_row_round_trips() {
    let row = AuthorizerRow {
        appid: "wx0123456789abcdef".into(),
        nick_name: "美妆饰品".into(),
        kind: AccountKind::MiniProgram,
        principal_name: "个人".into(),
        verified: false,
        verify_type: -1,
        authorized_at: 1_558_000_607,
        revoked_at: None,
        func_ids: vec![3, 7, 17, 18],
        user_name: "gh_c43395cb652e".into(),
        head_img: "http://wx.qlogo.cn/mmopen/x/0".into(),
        service_type: 0,
    };
    let text = serde_json::to_string(&row).expect("serialize");
    let back: AuthorizerRow = serde_json::from_str(&text).expect("deserialize");
    assert_eq!(back, row);
}

#[test]
fn engine_error_serializes_its_kind_with_a_tag() {
    let error = EngineError::new(
        ErrorKind::WeChat { errcode: 61004 },
        "access clientip is not registered",
    );
    let value = serde_json::to_value(&error).expect("serialize");
    assert_eq!(value["kind"]["type"], "wechat");
    assert_eq!(value["kind"]["errcode"], 61004);
    assert_eq!(error.to_string(), "access clientip is not registered");
}

#[test]
fn secrets_never_show_in_debug_output() {
    let form = LocalProfileForm {
        component_appid: "wx0123456789abcdef".into(),
        component_appsecret: Secret::new("s3cr3tappsecretvalue0123456789ab"),
        token: Secret::new("tokenvalue"),
        encoding_aes_key: Secret::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
        listen: "0.0.0.0:8080".into(),
        public_url: "https://hub.example.com".into(),
    };
    let printed = format!("{form:?} {:?}", Command::SaveLocalProfile(form.clone()));
    for secret in ["s3cr3tappsecret", "tokenvalue", "abcdefghijklmnop"] {
        assert!(!printed.contains(secret), "{secret} leaked into {printed}");
    }
    assert!(printed.contains("wx0123456789abcdef"));
}

fn every_command() -> Vec<Command> {
    vec![
        Command::LoadProfiles,
        Command::ActivateProfile(ProfileId::Sandbox),
        Command::SaveLocalProfile(LocalProfileForm::default()),
        Command::SaveRemoteProfile(RemoteProfileForm::default()),
        Command::RefreshStatus,
        Command::LoadAuthorizers,
        Command::SyncAuthorizers,
        Command::CreatePreAuth(PreAuthRequest::default()),
        Command::SimulateScan {
            pre_auth_code: "code".into(),
            kind: AccountKind::MiniProgram,
            func_ids: vec![18],
        },
        Command::LoadActivity,
        Command::SaveQrPng {
            link: "https://example.com".into(),
            path: "qr.png".into(),
        },
    ]
}

#[test]
fn every_failure_reply_is_a_reply() {
    for command in every_command() {
        let event = failure_reply(&command, EngineError::new(ErrorKind::NoProfile, "no profile"));
        assert!(event.is_reply(), "{command:?} answered with a non-reply {event:?}");
    }
}

#[test]
fn unasked_events_are_not_replies() {
    let unasked = [
        Event::SyncProgress { done: 1, total: 2 },
        Event::Connection(ConnectionState::Connected),
        Event::Authorizers {
            source: AuthorizersSource::Cache,
            result: Ok(Vec::new()),
        },
        Event::Hub(HubEvent {
            seq: 1,
            at: 0,
            kind: "ticket_received".into(),
            authorizer_appid: None,
            nick_name: None,
            func_ids: Vec::new(),
            raw: serde_json::Value::Null,
        }),
    ];
    for event in unasked {
        assert!(!event.is_reply(), "{event:?}");
    }
}

#[test]
fn auth_type_codes_follow_the_platform() {
    // wechat-api.md §2.3: 1 official accounts, 2 mini programs, 3 both.
    assert_eq!(AuthType::OfficialAccount.code(), 1);
    assert_eq!(AuthType::MiniProgram.code(), 2);
    assert_eq!(AuthType::Both.code(), 3);
}
