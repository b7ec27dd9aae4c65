//! The engine's typed relay (`HubClient::relay::<E>()`) end to end: the console's hub client, a real hub and the
//! simulator process on loopback. A typed read decodes as the wire layer decodes its own calls; WeChat's refusal
//! comes back as `ErrorKind::WeChat` with its errcode; a hub refusal as `ErrorKind::Hub`; relayed reads are not
//! activity.

mod hub_support;

use hub_support::*;
use serde_json::{Value, json};
use wxdesk::engine::client::HubClient;
use wxdesk::engine::protocol::{ErrorKind, Secret};
use wxdesk::hubapi::{ActivityQuery, PreauthRequest, action};
use wxdesk::wechat::AuthType;
use wxdesk::wechat::api::Empty;
use wxdesk::wechat::api::code::GetCategory;
use wxdesk::wechat::api::template::GetTemplateList;

/// A mini program authorized through the simulator, as a merchant's scan and the browser's redirect do it.
async fn authorized_mini_program(client: &HubClient, hub: &TestHub, sim: &SimProcess) -> String {
    let preauth = client
        .preauth(&PreauthRequest {
            auth_type: AuthType::MiniProgram,
            biz_appid: None,
            category_id_list: None,
        })
        .await
        .expect("a pre-authorization code");
    let body = json!({
        "pre_auth_code": preauth.pre_auth_code, "redirect_uri": hub.url("/wechat/authorized"),
        "kind": "miniprogram", "func_ids": [17, 18, 19],
    });
    let authorized = sim.control("/__sim/authorize", &body).await;
    hub.land(&authorized).await;
    authorized["authorizer_appid"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_typed_relay_decodes_answers_and_types_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, hub) = connected(dir.path(), &[]).await;
    let client = HubClient::new(&hub.handle.url(), Secret::new(hub.key.clone())).unwrap();
    let appid = authorized_mini_program(&client, &hub, &sim).await;

    // A read with the merchant's token: the typed answer is what the platform sent.
    let categories = client
        .relay::<GetCategory>(Some(&appid), &Empty::default())
        .await
        .expect("the merchant's categories");
    let raw: Value = hub
        .call(&json!({ "authorizer_appid": appid, "method": "GET", "path": "/wxa/get_category" }))
        .await;
    let listed = raw["category_list"].as_array().map_or(0, Vec::len);
    assert_eq!(categories.category_list.len(), listed, "{raw}");
    // A read with the component token (no account named).
    client
        .relay::<GetTemplateList>(None, &Default::default())
        .await
        .expect("the template library");

    // WeChat refuses (an injected errcode): the platform's errcode, typed.
    sim.control(
        "/__sim/faults",
        &json!([{ "path": "/wxa/get_category", "errcode": 61007, "times": 1 }]),
    )
    .await;
    let refused = client
        .relay::<GetCategory>(Some(&appid), &Empty::default())
        .await
        .expect_err("the platform refused");
    assert_eq!(refused.kind, ErrorKind::WeChat { errcode: 61007 }, "{refused:?}");

    // The hub refuses before WeChat is asked: an account that never authorized has no token.
    let unknown = client
        .relay::<GetCategory>(Some("wx00000000000000ff"), &Empty::default())
        .await
        .expect_err("no such authorizer");
    assert!(matches!(unknown.kind, ErrorKind::Hub { status: 409 }), "{unknown:?}");

    // Relayed reads are not activity; the code created is.
    let page = client.activity(&ActivityQuery::default()).await.unwrap();
    let actions: Vec<&str> = page.activity.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, [action::PREAUTH_CREATE], "{page:?}");
    hub.handle.shutdown().await;
}
