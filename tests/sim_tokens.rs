//! Simulator: the component token, the token rules of §0.2/§1.10, the IP whitelist, and the platform's answers
//! to malformed requests — all over raw HTTP on loopback.

mod sim_support;

use serde_json::json;
use sim_support::{Env, errcode};
use wxdesk::sim::SimConfig;

#[tokio::test]
async fn a_component_token_needs_the_right_appid_secret_and_a_pushed_ticket() {
    let env = Env::default().await;
    let ready = env.sim.ready().clone();
    let path = "/cgi-bin/component/api_component_token";
    let ticket = env.control("push-ticket", json!({})).await["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases = [
        (
            json!({"component_appsecret": ready.component_appsecret, "component_verify_ticket": ticket}),
            41002,
        ),
        (
            json!({"component_appid": "wx0000000000000000", "component_appsecret": "x", "component_verify_ticket": ticket}),
            40013,
        ),
        (
            json!({"component_appid": ready.component_appid, "component_verify_ticket": ticket}),
            41004,
        ),
        (
            json!({"component_appid": ready.component_appid, "component_appsecret": "nope", "component_verify_ticket": ticket}),
            40125,
        ),
        (
            json!({"component_appid": ready.component_appid, "component_appsecret": ready.component_appsecret,
            "component_verify_ticket": "ticket@@@unknown"}),
            61006,
        ),
    ];
    for (body, expected) in cases {
        let answer = env.post(path, body).await;
        assert_eq!(errcode(&answer), expected, "{answer}");
        assert!(
            answer["errmsg"].as_str().unwrap().contains(" rid: "),
            "errmsg carries a rid: {answer}"
        );
    }
    let token = env.component_token().await;
    assert!(token.len() > 60);
    // §1.1: a ticket is good for 12 hours.
    env.advance(12 * 3600).await;
    let body = json!({"component_appid": ready.component_appid, "component_appsecret": ready.component_appsecret,
        "component_verify_ticket": ticket});
    assert_eq!(errcode(&env.post(path, body).await), 61005);
}

#[tokio::test]
async fn the_ticket_is_pushed_encrypted_to_the_event_url() {
    let env = Env::default().await;
    let push = env
        .inbox
        .wait_for("<InfoType><![CDATA[component_verify_ticket]]></InfoType>")
        .await;
    assert_eq!(
        push.to.as_deref(),
        Some(env.appid().as_str()),
        "envelope AppId is the component appid"
    );
    assert!(push.xml.contains("<ComponentVerifyTicket><![CDATA[ticket@@@"));
    // api_start_push_ticket schedules another one at once.
    let before = env.inbox.pushes().len();
    let ready = env.sim.ready().clone();
    let answer = env
        .post(
            "/cgi-bin/component/api_start_push_ticket",
            json!({"component_appid": ready.component_appid, "component_secret": ready.component_appsecret}),
        )
        .await;
    assert_eq!(errcode(&answer), 0);
    for _ in 0..100 {
        if env.inbox.pushes().len() > before {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("api_start_push_ticket pushed nothing");
}

#[tokio::test]
async fn tokens_expire_and_a_replaced_token_lives_300_more_seconds() {
    let env = Env::default().await;
    let first = env.component_token().await;
    let appid = env.appid();
    let preauth = |token: String| {
        let env = &env;
        let appid = appid.clone();
        async move {
            env.post(
                &format!("/cgi-bin/component/api_create_preauthcode?component_access_token={token}"),
                json!({"component_appid": appid}),
            )
            .await
        }
    };
    let answer = preauth(first.clone()).await;
    assert!(answer.get("errcode").is_none(), "{answer}");
    assert_eq!(answer["expires_in"], 600);
    let second = env.component_token().await;
    assert!(
        preauth(first.clone()).await.get("errcode").is_none(),
        "the old token still works right after"
    );
    env.advance(301).await;
    assert_eq!(errcode(&preauth(first).await), 40001);
    assert!(preauth(second.clone()).await.get("errcode").is_none());
    env.advance(7200).await;
    assert_eq!(errcode(&preauth(second).await), 42001);
    assert_eq!(errcode(&preauth(String::new()).await), 41001);
}

#[tokio::test]
async fn component_endpoints_take_either_query_name_but_never_an_authorizer_token() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let body = json!({"component_appid": env.appid()});
    let by_access = env
        .post(
            &format!("/cgi-bin/component/api_create_preauthcode?access_token={token}"),
            body.clone(),
        )
        .await;
    assert!(by_access.get("pre_auth_code").is_some(), "{by_access}");
    // component_access_token wins when both are present.
    let both = format!("/cgi-bin/component/api_create_preauthcode?component_access_token={token}&access_token=bad");
    assert!(env.post(&both, body.clone()).await.get("pre_auth_code").is_some());
    let (_, authorizer_token, _) = env.authorize(&token, "miniprogram", &[]).await;
    let wrong = env
        .post(
            &format!("/cgi-bin/component/api_create_preauthcode?access_token={authorizer_token}"),
            body,
        )
        .await;
    assert_eq!(errcode(&wrong), 61014);
    // And a component token is not an authorizer token.
    let code = env.get(&format!("/wxa/get_category?access_token={token}")).await;
    assert_eq!(errcode(&code), 40001);
    let calls = env.get("/__sim/calls?since=0").await;
    let kinds: Vec<&str> = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["token_kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"component") && kinds.contains(&"authorizer") && kinds.contains(&"none"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn malformed_requests_get_the_platforms_errcodes_never_a_500() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let preauth = format!("/cgi-bin/component/api_create_preauthcode?component_access_token={token}");
    assert_eq!(errcode(&env.post_raw(&preauth, "{not json").await), 47001);
    assert_eq!(errcode(&env.post_raw(&preauth, "").await), 44002);
    assert_eq!(errcode(&env.post_raw(&preauth, "{}").await), 41018);
    assert_eq!(
        errcode(&env.post_raw("/cgi-bin/component/api_component_token", "[1,2").await),
        47001
    );
    // Wrong methods: gettemplatelist is GET only (§5.3), api_query_auth POST only.
    let list = env
        .post(&format!("/wxa/gettemplatelist?access_token={token}"), json!({}))
        .await;
    assert_eq!(errcode(&list), 43001);
    let get = env
        .get(&format!(
            "/cgi-bin/component/api_query_auth?component_access_token={token}"
        ))
        .await;
    assert_eq!(errcode(&get), 43002);
    let unknown = env
        .http
        .get(format!("{}/cgi-bin/nothing/here", env.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_whitelist_refuses_other_callers_with_61004() {
    let config = SimConfig {
        whitelist: Some(vec!["10.1.2.3".parse().unwrap()]),
        ..SimConfig::default()
    };
    let env = Env::start(config).await;
    let ready = env.sim.ready().clone();
    let answer = env
        .post(
            "/cgi-bin/component/api_component_token",
            json!({"component_appid": ready.component_appid, "component_appsecret": ready.component_appsecret,
                "component_verify_ticket": "x"}),
        )
        .await;
    assert_eq!(errcode(&answer), 61004);
    let allowed = SimConfig {
        whitelist: Some(vec!["127.0.0.1".parse().unwrap()]),
        ..SimConfig::default()
    };
    let env = Env::start(allowed).await;
    assert!(!env.component_token().await.is_empty());
}
