//! Simulator: the template library (§5) and the per-mini-program code state machine of §11.3, with the audit
//! pushes on the message URL.

mod sim_support;

use serde_json::{Value, json};
use sim_support::{Env, errcode};

async fn template_id(env: &Env, token: &str, template_type: i64) -> i64 {
    let answer = env
        .post(
            &format!("/wxa/addtotemplate?access_token={token}"),
            json!({"draft_id": 1, "template_type": template_type}),
        )
        .await;
    assert_eq!(errcode(&answer), 0, "{answer}");
    let list = env.get(&format!("/wxa/gettemplatelist?access_token={token}")).await;
    list["template_list"].as_array().unwrap().last().unwrap()["template_id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn the_template_library_holds_200_and_checks_existence() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let drafts = env
        .get(&format!("/wxa/gettemplatedraftlist?access_token={token}"))
        .await;
    assert!(
        drafts["draft_list"].as_array().unwrap().len() >= 3,
        "a handful of drafts to start with"
    );
    let added = env
        .control("drafts", json!({"user_version": "9.9.9", "user_desc": "新草稿"}))
        .await;
    let drafts = env
        .get(&format!("/wxa/gettemplatedraftlist?access_token={token}"))
        .await;
    let last = drafts["draft_list"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["draft_id"], added["draft_id"]);
    assert_eq!(last["user_version"], "9.9.9");

    let add = format!("/wxa/addtotemplate?access_token={token}");
    assert_eq!(errcode(&env.post(&add, json!({"draft_id": 12345})).await), 85064);
    for _ in 0..200 {
        assert_eq!(errcode(&env.post(&add, json!({"draft_id": 1})).await), 0);
    }
    assert_eq!(errcode(&env.post(&add, json!({"draft_id": 1})).await), 85065);
    let list = env
        .get(&format!("/wxa/gettemplatelist?access_token={token}&template_type=0"))
        .await;
    let first = list["template_list"][0]["template_id"].as_i64().unwrap();
    let delete = format!("/wxa/deletetemplate?access_token={token}");
    assert_eq!(errcode(&env.post(&delete, json!({"template_id": first})).await), 0);
    assert_eq!(errcode(&env.post(&delete, json!({"template_id": first})).await), 85064);
    assert_eq!(
        errcode(&env.post(&add, json!({"draft_id": 1})).await),
        0,
        "a free slot again"
    );
}

#[tokio::test]
async fn commit_scan_audit_release_and_revert() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let template = template_id(&env, &token, 0).await;
    let standard = template_id(&env, &token, 1).await;
    let (appid, access, _) = env.authorize(&token, "miniprogram", &[18]).await;
    let at = |path: &str| format!("{path}?access_token={access}");

    assert_eq!(
        errcode(&env.post(&at("/wxa/submit_audit"), json!({})).await),
        85086,
        "commit first"
    );
    assert_eq!(errcode(&env.get(&at("/wxa/get_page")).await), 86001);
    let commit = |template: i64, ext: Value| json!({"template_id": template, "ext_json": ext.to_string(), "user_version": "1.0.0", "user_desc": "首发"});
    let bad_standard = env
        .post(
            &at("/wxa/commit"),
            commit(standard, json!({"extAppid": "", "pages": ["x"]})),
        )
        .await;
    assert_eq!(errcode(&bad_standard), 9402203);
    assert_eq!(
        errcode(&env.post(&at("/wxa/commit"), commit(9999, json!({}))).await),
        85014
    );
    let not_json = json!({"template_id": template, "ext_json": "{oops", "user_version": "1", "user_desc": ""});
    assert_eq!(errcode(&env.post(&at("/wxa/commit"), not_json).await), 85048);
    assert_eq!(
        errcode(
            &env.post(
                &at("/wxa/commit"),
                commit(template, json!({"extAppid": appid, "ext": {}}))
            )
            .await
        ),
        0
    );
    let pages = env.get(&at("/wxa/get_page")).await;
    assert!(!pages["page_list"].as_array().unwrap().is_empty());
    let qr = env
        .http
        .get(format!("{}{}", env.base, at("/wxa/get_qrcode")))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.headers()["content-type"], "image/jpeg");
    assert_eq!(&qr.bytes().await.unwrap()[..2], &[0xff, 0xd8]);

    // §6.1: the privacy scan runs for a while after commit.
    assert_eq!(errcode(&env.post(&at("/wxa/submit_audit"), json!({})).await), 61039);
    env.advance(61).await;
    let category = &env.get(&at("/wxa/get_category")).await["category_list"][0];
    let item = json!({"address": "pages/index/index", "tag": "点餐 外卖", "first_class": category["first_class"],
        "second_class": category["second_class"], "first_id": category["first_id"], "second_id": category["second_id"], "title": "首页"});
    let submitted = env.post(&at("/wxa/submit_audit"), json!({"item_list": [item]})).await;
    let auditid = submitted["auditid"].as_i64().expect("an auditid");
    assert_eq!(
        errcode(&env.post(&at("/wxa/submit_audit"), json!({})).await),
        85009,
        "one audit at a time"
    );
    assert_eq!(errcode(&env.post(&at("/wxa/release"), json!({})).await), 85020);
    let quota = env.get(&at("/wxa/queryquota")).await;
    assert_eq!(quota["rest"].as_i64().unwrap() + 1, quota["limit"].as_i64().unwrap());

    // The reviewer rejects it: a weapp_audit_fail push on the message URL, $APPID$ replaced.
    let resolved = env
        .control(
            "audit/resolve",
            json!({"authorizer_appid": appid, "outcome": "fail", "reason": "类目不符"}),
        )
        .await;
    assert_eq!(resolved["auditid"], auditid);
    let push = env.inbox.wait_for("weapp_audit_fail").await;
    assert_eq!(push.url_appid.as_deref(), Some(appid.as_str()));
    assert!(push.to.as_deref().unwrap().starts_with("gh_"));
    assert!(push.xml.contains("<Reason><![CDATA[类目不符]]></Reason>") && push.xml.contains("<ScreenShot>"));
    let latest = env.get(&at("/wxa/get_latest_auditstatus")).await;
    assert_eq!(latest["status"], 1);
    let shot = latest["ScreenShot"]
        .as_str()
        .unwrap()
        .split('|')
        .next()
        .unwrap()
        .to_owned();
    let image = env
        .http
        .post(format!("{}{}", env.base, at("/cgi-bin/material/get_material")))
        .json(&json!({"media_id": shot}))
        .send()
        .await
        .unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(
        errcode(&env.get(&at("/wxa/undocodeaudit")).await),
        87012,
        "a rejected audit cannot be withdrawn"
    );

    // Resubmit, approve, release.
    let second = env.post(&at("/wxa/submit_audit"), json!({})).await["auditid"]
        .as_i64()
        .unwrap();
    env.control(
        "audit/resolve",
        json!({"authorizer_appid": appid, "outcome": "success"}),
    )
    .await;
    env.inbox.wait_for("weapp_audit_success").await;
    let status = env.post(&at("/wxa/get_auditstatus"), json!({"auditid": second})).await;
    assert_eq!(status["status"], 0);
    assert_eq!(
        errcode(&env.post_raw(&at("/wxa/release"), "").await),
        44002,
        "release needs {{}}"
    );
    assert_eq!(errcode(&env.post(&at("/wxa/release"), json!({})).await), 0);
    assert_eq!(errcode(&env.post(&at("/wxa/release"), json!({})).await), 85052);
    assert_eq!(
        errcode(&env.get(&at("/wxa/revertcoderelease")).await),
        87012,
        "nothing to roll back to yet"
    );

    // A second version, released in gray first: no rollback while gray runs.
    env.post(&at("/wxa/commit"), commit(template, json!({}))).await;
    env.advance(61).await;
    env.post(&at("/wxa/submit_audit"), json!({})).await;
    env.control(
        "audit/resolve",
        json!({"authorizer_appid": appid, "outcome": "success"}),
    )
    .await;
    assert_eq!(
        errcode(&env.post(&at("/wxa/grayrelease"), json!({"gray_percentage": 10})).await),
        0
    );
    assert_eq!(
        errcode(&env.post(&at("/wxa/grayrelease"), json!({"gray_percentage": 5})).await),
        85082
    );
    assert_eq!(
        env.get(&at("/wxa/getgrayreleaseplan")).await["gray_release_plan"]["gray_percentage"],
        10
    );
    assert_eq!(errcode(&env.get(&at("/wxa/revertcoderelease")).await), 87011);
    assert_eq!(errcode(&env.post(&at("/wxa/release"), json!({})).await), 0);
    assert_eq!(errcode(&env.get(&at("/wxa/revertcoderelease")).await), 0);
    assert_eq!(
        errcode(&env.get(&at("/wxa/revertcoderelease")).await),
        87012,
        "only one step back"
    );
    let history = env
        .get(&format!("{}&action=get_history_version", at("/wxa/revertcoderelease")))
        .await;
    assert_eq!(history["version_list"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn withdrawals_and_the_audit_quota_run_out() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let template = template_id(&env, &token, 0).await;
    let (appid, access, _) = env.authorize(&token, "miniprogram", &[18]).await;
    let at = |path: &str| format!("{path}?access_token={access}");
    let commit = json!({"template_id": template, "ext_json": "{}", "user_version": "1.0.0", "user_desc": ""});
    env.post(&at("/wxa/commit"), commit).await;
    env.advance(61).await;
    let limit = env.get(&at("/wxa/queryquota")).await["limit"].as_i64().unwrap();
    for _ in 0..5 {
        assert_eq!(errcode(&env.post(&at("/wxa/submit_audit"), json!({})).await), 0);
        assert_eq!(errcode(&env.get(&at("/wxa/undocodeaudit")).await), 0);
    }
    assert_eq!(errcode(&env.post(&at("/wxa/submit_audit"), json!({})).await), 0);
    assert_eq!(
        errcode(&env.get(&at("/wxa/undocodeaudit")).await),
        87013,
        "five withdrawals a day"
    );
    let mut submitted = 6;
    loop {
        env.control(
            "audit/resolve",
            json!({"authorizer_appid": appid, "outcome": "success"}),
        )
        .await;
        let answer = env.post(&at("/wxa/submit_audit"), json!({})).await;
        if errcode(&answer) == 85085 {
            break;
        }
        assert_eq!(errcode(&answer), 0, "{answer}");
        submitted += 1;
    }
    assert_eq!(submitted, limit, "the monthly quota counts every submission");
    assert_eq!(env.get(&at("/wxa/queryquota")).await["rest"], 0);
}

#[tokio::test]
async fn domains_come_from_the_platform_list() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let platform = env
        .post(&format!("/cgi-bin/component/modify_wxa_server_domain?access_token={token}"),
            json!({"action": "add", "wxa_server_domain": "pay.shanghu-demo.com;1.2.3.4", "is_modify_published_together": true}))
        .await;
    assert!(
        platform["testing_wxa_server_domain"]
            .as_str()
            .unwrap()
            .contains("pay.shanghu-demo.com")
    );
    assert_eq!(platform["invalid_wxa_server_domain"], "1.2.3.4");
    let (_, access, _) = env.authorize(&token, "miniprogram", &[18]).await;
    let modify = format!("/wxa/modify_domain?access_token={access}");
    let added = env
        .post(
            &modify,
            json!({"action": "add", "requestdomain": ["https://pay.shanghu-demo.com", "https://evil.example.com"]}),
        )
        .await;
    assert_eq!(errcode(&added), 0, "{added}");
    assert_eq!(added["requestdomain"], json!(["https://pay.shanghu-demo.com"]));
    assert_eq!(added["invalid_requestdomain"], json!(["https://evil.example.com"]));
    let refused = env
        .post(
            &modify,
            json!({"action": "add", "requestdomain": ["https://evil.example.com"]}),
        )
        .await;
    assert_eq!(errcode(&refused), 85017);
    let webview = format!("/wxa/setwebviewdomain?access_token={access}");
    assert_eq!(
        errcode(
            &env.post(
                &webview,
                json!({"action": "add", "webviewdomain": ["https://evil.example.com"]})
            )
            .await
        ),
        89021
    );
    assert_eq!(
        errcode(
            &env.post(
                &webview,
                json!({"action": "add", "webviewdomain": ["https://m.h5.shanghu-demo.com"]})
            )
            .await
        ),
        0
    );
    let got = env.post(&webview, json!({"action": "get"})).await;
    assert_eq!(got["webviewdomain"], json!(["https://m.h5.shanghu-demo.com"]));
}
