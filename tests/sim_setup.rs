//! Simulator: account setup after registration (§8.7), reuse-OA registration through its page (§8.6),
//! authorizer options in both variants (§1.8), quota housekeeping (§1.9), testers and visit status (§6).

mod sim_support;

use serde_json::json;
use sim_support::{Env, errcode};

#[tokio::test]
async fn names_intros_avatars_and_categories() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let (appid, access, _) = env.authorize(&token, "miniprogram", &[17, 18, 30]).await;
    let at = |path: &str| format!("{path}?access_token={access}");

    assert_eq!(
        errcode(&env.post(&at("/wxa/setnickname"), json!({"nick_name": "味"})).await),
        91004
    );
    let plain = env
        .post(&at("/wxa/setnickname"), json!({"nick_name": "味知鲜外卖"}))
        .await;
    assert_eq!(errcode(&plain), 0);
    assert!(plain.get("audit_id").is_none(), "set at once");
    assert_eq!(
        errcode(
            &env.post(&at("/wxa/setnickname"), json!({"nick_name": "味知鲜官方"}))
                .await
        ),
        91009
    );
    let reviewed = env
        .post(
            &at("/wxa/setnickname"),
            json!({"nick_name": "味知鲜官方", "license": "media_1"}),
        )
        .await;
    let audit_id = reviewed["audit_id"].as_i64().expect("a name under review");
    let query = at("/wxa/api_wxa_querynickname");
    assert_eq!(env.post(&query, json!({"audit_id": audit_id})).await["audit_stat"], 1);
    assert_eq!(errcode(&env.post(&query, json!({"audit_id": 1})).await), 91011);
    env.advance(3601).await;
    assert_eq!(env.post(&query, json!({"audit_id": audit_id})).await["audit_stat"], 3);
    let push = env.inbox.wait_for("wxa_nickname_audit").await;
    assert_eq!(push.url_appid.as_deref(), Some(appid.as_str()));
    assert!(push.xml.contains("<ret>3</ret>"));

    let basic_get = env.get(&at("/cgi-bin/account/getaccountbasicinfo")).await;
    let basic_post = env.post(&at("/cgi-bin/account/getaccountbasicinfo"), json!({})).await;
    assert_eq!(basic_get["nickname"], "味知鲜官方");
    assert_eq!(basic_get["appid"], basic_post["appid"]);
    assert_eq!(basic_get["account_type"], 3);

    let signature = at("/cgi-bin/account/modifysignature");
    assert_eq!(errcode(&env.post(&signature, json!({"signature": "短"})).await), 53204);
    for _ in 0..5 {
        assert_eq!(
            errcode(&env.post(&signature, json!({"signature": "新鲜食材，现做现送"})).await),
            0
        );
    }
    assert_eq!(
        errcode(&env.post(&signature, json!({"signature": "新鲜食材，现做现送"})).await),
        53200
    );
    // §8.7.4: the avatar is temporary material this account uploaded; an id it never uploaded is refused.
    let head = at("/cgi-bin/account/modifyheadimage");
    let whole = |media_id: &str| json!({"head_img_media_id": media_id, "x1": 0, "y1": 0, "x2": 1, "y2": 1});
    assert_eq!(errcode(&env.post(&head, whole("never-uploaded")).await), 40007);
    // The multipart body as the wire layer's `Client::upload` writes it.
    let boundary = "wxdesk-setup-test";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"avatar.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded: serde_json::Value = env
        .http
        .post(format!("{}{}&type=image", env.base, at("/cgi-bin/media/upload")))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media_id = uploaded["media_id"].as_str().expect("a media id").to_owned();
    let backwards = json!({"head_img_media_id": media_id, "x1": 1, "y1": 0, "x2": 0, "y2": 1});
    assert_eq!(errcode(&env.post(&head, backwards).await), 40097, "x1 after x2");
    assert_eq!(errcode(&env.post(&head, whole(&media_id)).await), 0);
    let basic = env.get(&at("/cgi-bin/account/getaccountbasicinfo")).await;
    let url = basic["head_image_info"]["head_image_url"].as_str().unwrap();
    assert!(url.contains(&media_id), "the avatar is the one set: {url}");

    let all = env.get(&at("/cgi-bin/wxopen/getallcategories")).await;
    assert!(!all["categories_list"]["categories"].as_array().unwrap().is_empty());
    let add = at("/cgi-bin/wxopen/addcategory");
    assert_eq!(
        errcode(
            &env.post(&add, json!({"categories": [{"first": 220, "second": 222}]}))
                .await
        ),
        53311
    );
    assert_eq!(
        errcode(
            &env.post(&add, json!({"categories": [{"first": 150, "second": 151}]}))
                .await
        ),
        0
    );
    assert_eq!(
        errcode(
            &env.post(&add, json!({"categories": [{"first": 150, "second": 151}]}))
                .await
        ),
        53304
    );
    let mine = env.get(&at("/cgi-bin/wxopen/getcategory")).await;
    assert_eq!(mine["categories"].as_array().unwrap().len(), 2);
    assert_eq!(mine["quota"], 4);
    assert_eq!(
        errcode(
            &env.post(
                &at("/cgi-bin/wxopen/deletecategory"),
                json!({"first": 150, "second": 151})
            )
            .await
        ),
        0
    );
    let for_audit = env.get(&at("/wxa/get_category")).await;
    assert_eq!(for_audit["category_list"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reuse_an_official_accounts_qualification_through_its_page() {
    let env = Env::default().await;
    let token = env.component_token().await;
    // Only a verified official account qualifies (§8.6); authorize until one is found.
    let (oa, oa_access) = loop {
        let (appid, access, _) = env.authorize(&token, "official_account", &[1, 27]).await;
        let info = env
            .post(
                &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={token}"),
                json!({"component_appid": env.appid(), "authorizer_appid": appid}),
            )
            .await;
        assert!(
            info["authorizer_info"].get("MiniProgramInfo").is_none(),
            "an official account"
        );
        if info["authorizer_info"]["verify_type_info"]["id"] == 0 {
            break (appid, access);
        }
    };
    let redirect_uri = format!("{}/callback", env.receiver);
    let page = url::Url::parse_with_params(
        &format!("{}/cgi-bin/fastregisterauth", env.base),
        &[
            ("appid", oa.as_str()),
            ("component_appid", &env.appid()),
            ("copy_wx_verify", "1"),
            ("redirect_uri", &redirect_uri),
        ],
    )
    .unwrap();
    let html = env.http.get(page.clone()).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("复用公众号资质") && html.contains(&oa));
    let form = [
        ("appid", oa.clone()),
        ("component_appid", env.appid()),
        ("copy_wx_verify", "1".into()),
        ("redirect_uri", redirect_uri),
    ];
    let confirmed = env.http.post(page).form(&form).send().await.unwrap();
    assert_eq!(confirmed.status(), 302);
    let location = confirmed.headers()["location"].to_str().unwrap().to_owned();
    let ticket = location.rsplit("ticket=").next().unwrap().to_owned();

    let register = format!("/cgi-bin/account/fastregister?access_token={oa_access}");
    let created = env.post(&register, json!({"ticket": ticket})).await;
    assert_eq!(errcode(&created), 0, "{created}");
    let new_appid = created["appid"].as_str().unwrap();
    assert_ne!(new_appid, oa);
    let info = env
        .query_auth(&token, created["authorization_code"].as_str().unwrap())
        .await;
    assert_eq!(info["authorization_info"]["authorizer_appid"], new_appid);
    assert_eq!(
        errcode(&env.post(&register, json!({"ticket": ticket})).await),
        61058,
        "a ticket is single use"
    );
}

#[tokio::test]
async fn options_in_both_variants_and_quota_resets() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let (appid, access, _) = env.authorize(&token, "official_account", &[1]).await;
    let component_appid = env.appid();
    let set_a = format!("/cgi-bin/component/api_set_authorizer_option?component_access_token={token}");
    let get_a = format!("/cgi-bin/component/api_get_authorizer_option?component_access_token={token}");
    let base = json!({"component_appid": component_appid, "authorizer_appid": appid});
    let with = |extra: serde_json::Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    assert_eq!(
        errcode(
            &env.post(
                &set_a,
                with(json!({"option_name": "voice_recognize", "option_value": "1"}))
            )
            .await
        ),
        0
    );
    let got = env.post(&get_a, with(json!({"option_name": "voice_recognize"}))).await;
    assert_eq!(got["option_value"], "1");
    assert!(got.get("errcode").is_none());
    assert_eq!(
        errcode(
            &env.post(&set_a, with(json!({"option_name": "nope", "option_value": "1"})))
                .await
        ),
        61012
    );
    assert_eq!(
        errcode(
            &env.post(
                &set_a,
                with(json!({"option_name": "location_report", "option_value": "9"}))
            )
            .await
        ),
        61013
    );
    // Variant B with the authorizer's own token.
    let set_b = format!("/cgi-bin/component/set_authorizer_option?access_token={access}");
    assert_eq!(
        errcode(
            &env.post(&set_b, json!({"option_name": "location_report", "option_value": "2"}))
                .await
        ),
        0
    );
    let got = env
        .post(
            &format!("/cgi-bin/component/get_authorizer_option?access_token={access}"),
            json!({"option_name": "location_report"}),
        )
        .await;
    assert_eq!(got["option_value"], "2");

    let clear = format!("/cgi-bin/component/clear_quota?component_access_token={token}");
    for _ in 0..10 {
        assert_eq!(
            errcode(&env.post(&clear, json!({"component_appid": component_appid})).await),
            0
        );
    }
    assert_eq!(
        errcode(&env.post(&clear, json!({"component_appid": component_appid})).await),
        48006
    );
    let ready = env.sim.ready().clone();
    let v2 = env
        .post(
            "/cgi-bin/component/clear_quota/v2",
            json!({"component_appid": ready.component_appid, "appsecret": "bad"}),
        )
        .await;
    assert_eq!(errcode(&v2), 40125);
}

#[tokio::test]
async fn testers_visit_status_and_speedup() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let (appid, access, _) = env.authorize(&token, "miniprogram", &[18]).await;
    let at = |path: &str| format!("{path}?access_token={access}");
    let bind = env
        .post(&at("/wxa/bind_tester"), json!({"wechatid": "tester_01"}))
        .await;
    let userstr = bind["userstr"].as_str().unwrap().to_owned();
    assert_eq!(
        errcode(
            &env.post(&at("/wxa/bind_tester"), json!({"wechatid": "tester_01"}))
                .await
        ),
        85004
    );
    assert_eq!(
        errcode(&env.post(&at("/wxa/bind_tester"), json!({"wechatid": "9"})).await),
        85001
    );
    let members = env
        .post(&at("/wxa/memberauth"), json!({"action": "get_experiencer"}))
        .await;
    assert_eq!(members["members"], json!([{"userstr": userstr}]));
    assert_eq!(
        errcode(&env.post(&at("/wxa/unbind_tester"), json!({"userstr": userstr})).await),
        0
    );

    assert_eq!(env.post(&at("/wxa/getvisitstatus"), json!({})).await["status"], 1);
    assert_eq!(errcode(&env.post_raw(&at("/wxa/getvisitstatus"), "").await), 44002);
    assert_eq!(
        errcode(
            &env.post(&at("/wxa/change_visitstatus"), json!({"action": "close"}))
                .await
        ),
        85021,
        "nothing released"
    );
    assert_eq!(
        errcode(
            &env.post(&at("/wxa/change_visitstatus"), json!({"action": "shut"}))
                .await
        ),
        85022
    );

    env.post(
        &format!("/wxa/addtotemplate?access_token={token}"),
        json!({"draft_id": 1}),
    )
    .await;
    let template =
        env.get(&format!("/wxa/gettemplatelist?access_token={token}")).await["template_list"][0]["template_id"].clone();
    env.post(
        &at("/wxa/commit"),
        json!({"template_id": template, "ext_json": "{}", "user_version": "1.0", "user_desc": "x"}),
    )
    .await;
    assert_eq!(
        errcode(&env.get(&at("/wxa/security/get_code_privacy_info")).await),
        61039
    );
    env.advance(61).await;
    assert_eq!(errcode(&env.get(&at("/wxa/security/get_code_privacy_info")).await), 0);
    let auditid = env.post(&at("/wxa/submit_audit"), json!({})).await["auditid"].clone();
    assert_eq!(
        errcode(&env.post(&at("/wxa/speedupaudit"), json!({"auditid": auditid})).await),
        0
    );
    assert_eq!(
        errcode(&env.post(&at("/wxa/speedupaudit"), json!({"auditid": auditid})).await),
        89404
    );
    let quota = env.get(&at("/wxa/queryquota")).await;
    assert_eq!(
        quota["speedup_rest"].as_i64().unwrap() + 1,
        quota["speedup_limit"].as_i64().unwrap()
    );
    // A sped-up audit finishes within a quarter of the usual time, on its own.
    env.advance(6 * 3600 / 4 + 1).await;
    let push = env.inbox.wait_for("weapp_audit_success").await;
    assert_eq!(push.url_appid.as_deref(), Some(appid.as_str()));
    let info = env.post(&at("/wxa/getversioninfo"), json!({})).await;
    assert_eq!(info["exp_info"]["exp_version"], "1.0");
}
