//! Every push sample of wechat-api.md §4.2–§4.3 parses into its variant; unknown pushes keep their XML; random input
//! never panics; `to_xml` round-trips.

use proptest::prelude::*;
use wxdesk::wechat::event::{Event, EventError};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/wire/events/{name}.xml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn round_trips(event: &Event) {
    let again = Event::parse(&event.to_xml()).unwrap();
    assert_eq!(&again, event, "to_xml of {} does not read back", event.kind());
}

#[test]
fn doc_ticket_sample_is_a_ticket() {
    let event = Event::parse(&fixture("component_verify_ticket")).unwrap();
    let Event::ComponentVerifyTicket {
        app_id,
        create_time,
        ticket,
    } = &event
    else {
        panic!("{event:?}")
    };
    assert_eq!(
        (app_id.as_str(), *create_time, ticket.as_str()),
        ("some_appid", 1413192605, "some_verify_ticket")
    );
    assert_eq!(event.kind(), "component_verify_ticket");
    round_trips(&event);
}

#[test]
fn doc_authorized_sample_is_authorized_and_tolerates_prose_in_number_fields() {
    let event = Event::parse(&fixture("authorized")).unwrap();
    let Event::Authorized(a) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(a.authorizer_appid.as_str(), "公众号appid");
    assert_eq!(a.authorization_code, "授权码");
    assert_eq!(a.pre_auth_code.as_deref(), Some("预授权码"));
    // The doc's sample says 过期时间 where real pushes carry a number.
    assert_eq!(a.authorization_code_expired_time, None);
    round_trips(&event);
}

#[test]
fn authorized_with_cdata_and_update_and_unauthorized() {
    let xml = "<xml><AppId><![CDATA[wx134c8103faa5a59e]]></AppId><CreateTime>1413192760</CreateTime>\
        <InfoType><![CDATA[updateauthorized]]></InfoType><AuthorizerAppid><![CDATA[wxf8b4f85f3a794e77]]></AuthorizerAppid>\
        <AuthorizationCode><![CDATA[queryauthcode@@@x]]></AuthorizationCode>\
        <AuthorizationCodeExpiredTime>1413193360</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauthcode@@@y]]></PreAuthCode></xml>";
    let event = Event::parse(xml).unwrap();
    let Event::UpdateAuthorized(a) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(a.authorization_code_expired_time, Some(1413193360));
    assert_eq!(a.authorization_code, "queryauthcode@@@x");
    round_trips(&event);

    let xml = "<xml><AppId>wx134c8103faa5a59e</AppId><CreateTime>1</CreateTime><InfoType>unauthorized</InfoType>\
        <AuthorizerAppid>wxf8b4f85f3a794e77</AuthorizerAppid></xml>";
    let event = Event::parse(xml).unwrap();
    assert!(
        matches!(&event, Event::Unauthorized { authorizer_appid, .. } if authorizer_appid.as_str() == "wxf8b4f85f3a794e77")
    );
    round_trips(&event);
}

#[test]
fn doc_enterprise_registration_sample_carries_info() {
    let event = Event::parse(&fixture("notify_third_fasteregister")).unwrap();
    let Event::FastRegister(r) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (r.status, r.auth_code.as_deref(), r.msg.as_str()),
        (0, Some("xxxxx第三方授权码"), "OK")
    );
    assert_eq!(r.appid.as_ref().map(|a| a.as_str()), Some("创建小程序appid"));
    assert_eq!(r.info.name.as_deref(), Some("企业名称"));
    assert_eq!(r.info.code_type, Some(1));
    assert_eq!(r.info.component_phone.as_deref(), Some("第三方联系电话"));
    assert_eq!(r.info.taskid, None);
    round_trips(&event);
}

#[test]
fn registration_failure_personal_shape_and_taskid() {
    // The real failure sample of §4.2: no appid, no auth_code.
    let xml = "<xml><AppId><![CDATA[wx134c8103faa5a59e]]></AppId><CreateTime>1535442403</CreateTime>\
        <InfoType><![CDATA[notify_third_fasteregister]]></InfoType><status>-1</status>\
        <msg><![CDATA[open verity failed]]></msg><info><name><![CDATA[n]]></name></info></xml>";
    let Event::FastRegister(r) = Event::parse(xml).unwrap() else {
        panic!()
    };
    assert_eq!(
        (r.status, r.appid, r.auth_code, r.msg.as_str()),
        (-1, None, None, "open verity failed")
    );

    let xml = "<xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>notify_third_fasteregister</InfoType>\
        <appid>wxf8b4f85f3a794e77</appid><status>0</status><auth_code>c</auth_code><msg>OK</msg>\
        <info><wxuser><![CDATA[wxid_1]]></wxuser><idname><![CDATA[张三]]></idname><component_phone>1</component_phone>\
        <taskid><![CDATA[task-9]]></taskid></info></xml>";
    let event = Event::parse(xml).unwrap();
    let Event::FastRegister(r) = &event else { panic!() };
    assert_eq!(
        (r.info.wxuser.as_deref(), r.info.idname.as_deref()),
        (Some("wxid_1"), Some("张三"))
    );
    assert_eq!(r.info.taskid.as_deref(), Some("task-9"));
    round_trips(&event);
}

#[test]
fn doc_trial_registration_sample_and_trial_verification() {
    let event = Event::parse(&fixture("notify_third_fastregisterbetaapp")).unwrap();
    let Event::BetaRegistered(b) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (b.unique_id.as_deref(), b.name.as_deref(), b.status),
        (Some("unique_id"), Some("小程序名称"), 0)
    );
    round_trips(&event);

    let xml = "<xml><AppId>wx1</AppId><CreateTime>2</CreateTime><InfoType>notify_third_fastverifybetaapp</InfoType>\
        <appid>wxf8b4f85f3a794e77</appid><status>0</status><msg>OK</msg><info><name>公司</name><code>9131</code>\
        <code_type>1</code_type></info></xml>";
    let event = Event::parse(xml).unwrap();
    assert!(matches!(&event, Event::BetaVerified(r) if r.info.code.as_deref() == Some("9131")));
    assert_eq!(event.kind(), "notify_third_fastverifybetaapp");
    round_trips(&event);
}

#[test]
fn icp_and_verification_notices_keep_every_field() {
    for kind in [
        "notify_icpfiling_verify_result",
        "notify_apply_icpfiling_result",
        "notify_3rd_wxa_auth",
        "notify_3rd_wxa_wxverify",
        "notify_3rd_wxa_auth_and_icp",
    ] {
        let xml = format!(
            "<xml><AppId>wx1</AppId><CreateTime>3</CreateTime><InfoType>{kind}</InfoType><appid>wx2</appid><result>1</result></xml>"
        );
        let event = Event::parse(&xml).unwrap();
        assert_eq!(event.kind(), kind);
        assert!(event.is_component_event());
        round_trips(&event);
    }
}

#[test]
fn doc_audit_success_sample_and_the_other_audit_events() {
    let event = Event::parse(&fixture("weapp_audit_success")).unwrap();
    let Event::AuditSuccess { header, succ_time } = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (header.to_user_name.as_str(), *succ_time),
        ("gh_fb9688c2a4b2", 1488856741)
    );
    assert!(!event.is_component_event());
    round_trips(&event);

    let fail = "<xml><ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName><FromUserName><![CDATA[od1P]]></FromUserName>\
        <CreateTime>1488856741</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_fail]]></Event>\
        <Reason><![CDATA[1:账号信息不符合规范]]></Reason><FailTime>1488856741</FailTime><ScreenShot>xxx|yyy|zzz</ScreenShot></xml>";
    let event = Event::parse(fail).unwrap();
    let Event::AuditFail {
        reason, screenshots, ..
    } = &event
    else {
        panic!("{event:?}")
    };
    assert_eq!(
        (reason.as_str(), screenshots.as_slice()),
        ("1:账号信息不符合规范", &["xxx", "yyy", "zzz"].map(String::from)[..])
    );
    round_trips(&event);

    let delay = fail
        .replace("weapp_audit_fail", "weapp_audit_delay")
        .replace("FailTime", "DelayTime");
    let event = Event::parse(&delay).unwrap();
    assert!(matches!(
        &event,
        Event::AuditDelay {
            delay_time: 1488856741,
            ..
        }
    ));
    round_trips(&event);

    let nick = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>5</CreateTime>\
        <MsgType>event</MsgType><Event>wxa_nickname_audit</Event><ret>2</ret><nickname>名字</nickname><reason>不合规</reason></xml>";
    let event = Event::parse(nick).unwrap();
    assert!(matches!(&event, Event::NicknameAudit { ret: 2, nickname, .. } if nickname == "名字"));
    round_trips(&event);
}

#[test]
fn unknown_pushes_keep_the_raw_xml() {
    for (xml, name) in [
        (
            "<xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>notify_something_new</InfoType></xml>",
            Some("notify_something_new"),
        ),
        // Vector A's plaintext: a debug event on the message URL.
        (
            "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>",
            Some("debug_demo"),
        ),
        (
            "<xml><ToUserName>gh_1</ToUserName><MsgType>text</MsgType><Content>hi</Content></xml>",
            Some("text"),
        ),
        ("<xml><Content>no kind at all</Content></xml>", None),
    ] {
        let event = Event::parse(xml).unwrap();
        assert_eq!(
            event,
            Event::Unknown {
                name: name.map(str::to_owned),
                raw: xml.to_owned()
            }
        );
        assert_eq!(event.kind(), "unknown");
        assert_eq!(event.to_xml(), xml);
    }
}

#[test]
fn broken_pushes_are_errors_not_panics() {
    assert!(matches!(Event::parse(""), Err(EventError::Xml(_))));
    assert!(matches!(
        Event::parse("<xml><AppId>a</AppId></oops>"),
        Err(EventError::Xml(_))
    ));
    // Cut off in transit: the root is never closed.
    assert!(matches!(
        Event::parse("<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>unauthorized</InfoType>"),
        Err(EventError::Xml(_))
    ));
    let no_ticket = "<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType></xml>";
    assert_eq!(
        Event::parse(no_ticket),
        Err(EventError::Missing("ComponentVerifyTicket"))
    );
    let bad_time = "<xml><AppId>a</AppId><CreateTime>soon</CreateTime><InfoType>unauthorized</InfoType></xml>";
    assert!(matches!(
        Event::parse(bad_time),
        Err(EventError::BadNumber {
            field: "CreateTime",
            ..
        })
    ));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Event::parse(&text);
    }

    #[test]
    fn random_xml_like_input_never_panics(
        info_type in prop::sample::select(vec!["component_verify_ticket", "authorized", "unauthorized",
            "notify_third_fasteregister", "notify_third_fastregisterbetaapp", "x"]),
        fields in proptest::collection::vec(("[A-Za-z_]{1,12}", "[^<>&]{0,16}"), 0..8),
        cut in 0usize..400,
    ) {
        let mut xml = format!("<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>{info_type}</InfoType>");
        for (name, value) in &fields {
            xml.push_str(&format!("<{name}><![CDATA[{value}]]></{name}>"));
        }
        xml.push_str("<info><name>n</name></info></xml>");
        let _ = Event::parse(&xml);
        let cut = xml.char_indices().map(|(i, _)| i).rfind(|&i| i <= cut).unwrap_or(0);
        let _ = Event::parse(&xml[..cut]);
    }

    #[test]
    fn tickets_round_trip(ticket in "[!-~]{1,80}", time in 0i64..4_000_000_000) {
        let event = Event::ComponentVerifyTicket { app_id: "wx134c8103faa5a59e".into(), create_time: time, ticket };
        prop_assert_eq!(Event::parse(&event.to_xml()).unwrap(), event);
    }
}
