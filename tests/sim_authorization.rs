//! Simulator: authorization (§2, §11.2) driven through the H5 page as a browser would, the codes' lifetimes and
//! single use, re-authorization, revocation, permission sets and the authorizer endpoints of §1.

mod sim_support;

use serde_json::json;
use sim_support::{Env, errcode};
use wxdesk::wechat::permissions::{AccountKind, simulator_sets};

/// The `name="authorizer_appid" value="…"` radio values on the page, in order.
fn listed_appids(html: &str) -> Vec<String> {
    html.split("name=\"authorizer_appid\" value=\"")
        .skip(1)
        .map(|rest| rest[..18].to_owned())
        .collect()
}

#[tokio::test]
async fn the_h5_page_authorizes_redirects_and_pushes_authorized() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let pre_auth_code = env.preauth(&token).await;
    let redirect_uri = format!("{}/callback", env.receiver);
    let page_url = url::Url::parse_with_params(
        &format!("{}/wxaopen/safe/bindcomponent", env.base),
        &[
            ("action", "bindcomponent"),
            ("no_scan", "1"),
            ("component_appid", env.appid().as_str()),
            ("pre_auth_code", pre_auth_code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("auth_type", "2"),
        ],
    )
    .unwrap();
    let page = env.http.get(page_url.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("授权") && html.contains("小程序开发与数据分析"),
        "a Chinese page with set names"
    );
    assert!(html.contains("name=\"viewport\""), "mobile-friendly");
    let appids = listed_appids(&html);
    assert!(
        !appids.is_empty() && appids.len() <= 20,
        "a short list: {}",
        appids.len()
    );
    assert!(!html.contains("公众号</span>"), "auth_type=2 lists mini programs only");
    let chosen = appids[0].clone();

    // The browser submits the form: the chosen account and two sets.
    let form = [
        ("component_appid", env.appid()),
        ("pre_auth_code", pre_auth_code.clone()),
        ("redirect_uri", redirect_uri.clone()),
        ("auth_type", "2".into()),
        ("authorizer_appid", chosen.clone()),
        ("func_id", "18".into()),
        ("func_id", "17".into()),
    ];
    let posted = env.http.post(page_url.clone()).form(&form).send().await.unwrap();
    assert_eq!(posted.status(), 302);
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&redirect_uri), "{location}");
    assert!(location.contains("expires_in=600"));
    // Follow the redirect to the receiver, as the browser would.
    assert_eq!(
        env.http.get(&location).send().await.unwrap().text().await.unwrap(),
        "authorized"
    );
    let query = env.inbox.redirects().pop().unwrap();
    let auth_code: String = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "auth_code")
        .unwrap()
        .1
        .into_owned();

    let push = env.inbox.wait_for("<InfoType><![CDATA[authorized]]></InfoType>").await;
    assert!(
        push.xml
            .contains(&format!("<AuthorizerAppid><![CDATA[{chosen}]]></AuthorizerAppid>"))
    );
    assert!(push.xml.contains(&format!(
        "<AuthorizationCode><![CDATA[{auth_code}]]></AuthorizationCode>"
    )));
    assert!(
        push.xml
            .contains(&format!("<PreAuthCode><![CDATA[{pre_auth_code}]]></PreAuthCode>"))
    );

    let info = env.query_auth(&token, &auth_code).await;
    let info = &info["authorization_info"];
    assert_eq!(info["authorizer_appid"], chosen.as_str());
    assert_eq!(info["expires_in"], 7200);
    assert_eq!(
        info["func_info"],
        json!([{"funcscope_category": {"id": 17}}, {"funcscope_category": {"id": 18}}])
    );

    // The pre_auth_code is used: the page now refuses, and a second confirm cannot go through.
    let again = env
        .http
        .get(page_url.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("已被使用"), "error page for a used code");
    let resent = env.http.post(page_url).form(&form).send().await.unwrap();
    assert_eq!(resent.status(), 200);
    assert!(resent.text().await.unwrap().contains("无法授权"));
}

#[tokio::test]
async fn codes_are_single_use_and_expire() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let pre_auth_code = env.preauth(&token).await;
    let answer = env
        .control(
            "authorize",
            json!({"pre_auth_code": pre_auth_code, "redirect_uri": "https://x/cb", "kind": "official_account"}),
        )
        .await;
    assert!(
        answer["redirect_url"]
            .as_str()
            .unwrap()
            .starts_with("https://x/cb?auth_code=")
    );
    let auth_code = answer["auth_code"].as_str().unwrap();
    assert!(
        env.query_auth(&token, auth_code)
            .await
            .get("authorization_info")
            .is_some()
    );
    assert_eq!(errcode(&env.query_auth(&token, auth_code).await), 61009, "single use");
    assert_eq!(errcode(&env.query_auth(&token, "queryauthcode@@@nope").await), 61009);
    let reused = env
        .control(
            "authorize",
            json!({"pre_auth_code": pre_auth_code, "redirect_uri": "https://x/cb"}),
        )
        .await;
    assert!(reused["error"].as_str().unwrap().contains("used"));

    let pre_auth_code = env.preauth(&token).await;
    let fresh = env
        .control(
            "authorize",
            json!({"pre_auth_code": pre_auth_code, "redirect_uri": "https://x/cb"}),
        )
        .await;
    env.advance(601).await;
    let token = env.component_token().await;
    assert_eq!(
        errcode(&env.query_auth(&token, fresh["auth_code"].as_str().unwrap()).await),
        61010
    );
    let late = env.preauth(&token).await;
    env.advance(601).await;
    let expired = env
        .control(
            "authorize",
            json!({"pre_auth_code": late, "redirect_uri": "https://x/cb"}),
        )
        .await;
    assert!(expired["error"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn reauthorizing_pushes_updateauthorized_only_when_the_sets_change() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let (appid, _, _) = env.authorize(&token, "miniprogram", &[17, 18]).await;
    env.inbox.wait_for("[authorized]").await;
    let again = |sets: Vec<u16>| {
        let env = &env;
        let token = token.clone();
        let appid = appid.clone();
        async move {
            let pre_auth_code = env.preauth(&token).await;
            env.control(
                "authorize",
                json!({"pre_auth_code": pre_auth_code, "redirect_uri": "https://x/cb",
                "authorizer_appid": appid, "func_ids": sets}),
            )
            .await
        }
    };
    again(vec![17, 18]).await;
    again(vec![17, 18, 30]).await;
    let push = env.inbox.wait_for("[updateauthorized]").await;
    assert!(push.xml.contains(&appid));
    let updates = env
        .inbox
        .pushes()
        .iter()
        .filter(|p| p.xml.contains("[updateauthorized]"))
        .count();
    assert_eq!(updates, 1, "unchanged sets push nothing");
}

#[tokio::test]
async fn revocation_refresh_tokens_and_permission_sets() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let (appid, access, refresh) = env.authorize(&token, "miniprogram", &[17]).await;
    let component_appid = env.appid();
    // Set 18 was not granted: code management answers 61007; set 17 APIs work.
    assert_eq!(
        errcode(&env.get(&format!("/wxa/get_category?access_token={access}")).await),
        61007
    );
    assert_eq!(
        errcode(
            &env.get(&format!("/cgi-bin/account/getaccountbasicinfo?access_token={access}"))
                .await
        ),
        0
    );

    let refresh_path = format!("/cgi-bin/component/api_authorizer_token?component_access_token={token}");
    let body = |refresh: &str| json!({"component_appid": component_appid, "authorizer_appid": appid, "authorizer_refresh_token": refresh});
    let refreshed = env.post(&refresh_path, body(&refresh)).await;
    assert!(refreshed.get("errcode").is_none(), "{refreshed}");
    assert_eq!(refreshed["authorizer_refresh_token"], refresh.as_str());
    assert_eq!(
        errcode(&env.post(&refresh_path, body("refreshtoken@@@wrong")).await),
        61023
    );

    let info_path = format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={token}");
    let info = env
        .post(
            &info_path,
            json!({"component_appid": component_appid, "authorizer_appid": appid}),
        )
        .await;
    assert!(info["authorizer_info"]["MiniProgramInfo"].is_object(), "{info}");
    assert!(
        info["authorizer_info"]["user_name"]
            .as_str()
            .unwrap()
            .starts_with("gh_")
    );
    assert_eq!(info["authorization_info"]["authorizer_refresh_token"], refresh.as_str());
    assert!(info["authorization_info"].get("authorizer_access_token").is_none());

    let list_path = format!("/cgi-bin/component/api_get_authorizer_list?component_access_token={token}");
    let list = env
        .post(
            &list_path,
            json!({"component_appid": component_appid, "offset": 0, "count": 500}),
        )
        .await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["list"][0]["refresh_token"], refresh.as_str());
    let too_many = env
        .post(
            &list_path,
            json!({"component_appid": component_appid, "offset": 0, "count": 501}),
        )
        .await;
    assert_eq!(errcode(&too_many), 40170);

    assert_eq!(
        env.control("unauthorize", json!({"authorizer_appid": appid})).await["ok"],
        true
    );
    let push = env.inbox.wait_for("[unauthorized]").await;
    assert!(push.xml.contains(&appid));
    assert_eq!(errcode(&env.post(&refresh_path, body(&refresh)).await), 61003);
    assert_eq!(
        errcode(
            &env.post(
                &info_path,
                json!({"component_appid": component_appid, "authorizer_appid": appid})
            )
            .await
        ),
        61003
    );
    let basic = env
        .get(&format!("/cgi-bin/account/getaccountbasicinfo?access_token={access}"))
        .await;
    assert_eq!(errcode(&basic), 61003);
    let list = env
        .post(
            &list_path,
            json!({"component_appid": component_appid, "offset": 0, "count": 10}),
        )
        .await;
    assert_eq!(list["total_count"], 0);
}

#[tokio::test]
async fn the_pc_page_lists_official_accounts_and_searches() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let pre_auth_code = env.preauth(&token).await;
    let url = |extra: &[(&str, &str)]| {
        let mut params = vec![
            ("component_appid", env.appid()),
            ("pre_auth_code", pre_auth_code.clone()),
            ("redirect_uri", "https://x/cb".to_owned()),
            ("auth_type", "1".to_owned()),
        ];
        params.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        url::Url::parse_with_params(&format!("{}/cgi-bin/componentloginpage", env.base), &params).unwrap()
    };
    let html = env.http.get(url(&[])).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("公众号权限集") && !html.contains("小程序权限集"));
    let first = listed_appids(&html)[0].clone();
    let searched = env
        .http
        .get(url(&[("q", &first)]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(listed_appids(&searched), vec![first]);
    let bad = env
        .http
        .get(url(&[("component_appid", "wx0000000000000000")]))
        .send()
        .await
        .unwrap();
    assert!(bad.text().await.unwrap().contains("component_appid 无效"));
}

/// Issue 8: `/__sim/authorize` dropped the sets the platform does not offer and granted the rest. It refuses them,
/// names what it offers, and grants nothing, so the same code still works with offered sets.
#[tokio::test]
async fn a_permission_set_the_platform_does_not_offer_is_refused_with_the_offered_list() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let pre_auth_code = env.preauth(&token).await;
    let body = |func_ids: serde_json::Value| {
        json!({"pre_auth_code": pre_auth_code, "redirect_uri": "https://x/cb", "kind": "miniprogram",
            "func_ids": func_ids})
    };
    let response = env
        .http
        .post(format!("{}/__sim/authorize", env.base))
        .json(&body(json!([17, 1, 20])))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let answer: serde_json::Value = response.json().await.unwrap();
    let offered = simulator_sets(AccountKind::MiniProgram);
    assert_eq!(answer["offered"], json!(offered));
    assert_eq!(answer["not_offered"], json!([1, 20]));
    let error = answer["error"].as_str().expect("a JSON error");
    let listed = offered.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    assert!(error.contains(&listed) && error.contains("1, 20"), "{error}");

    let granted = env.control("authorize", body(json!([17]))).await;
    assert_eq!(granted["func_ids"], json!([17]), "{granted}");
}
