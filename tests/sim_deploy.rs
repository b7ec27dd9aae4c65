//! Simulator: what a batch deployment meets (DESIGN.md, the simulator and deployments) — the privacy guide before
//! submit (wechat-api.md §6.16), audits that end by themselves under a policy with the platform's push (§4.3), the
//! platform-wide audit quota and its monthly refill (§6.13), and latency that does not serialize calls.

mod sim_support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sim_support::{Env, Received, errcode};

/// A mini program (set 18) with its token, and a template made from a draft whose code uses `keys`.
struct Merchant {
    appid: String,
    access: String,
    refresh: String,
}

impl Merchant {
    fn at(&self, path: &str) -> String {
        format!("{path}?access_token={}", self.access)
    }
}

async fn merchant(env: &Env, token: &str) -> Merchant {
    let (appid, access, refresh) = env.authorize(token, "miniprogram", &[18]).await;
    Merchant { appid, access, refresh }
}

/// After a jump of the clock every token has expired: a fresh ticket, component token and authorizer token.
async fn refreshed(env: &Env, m: Merchant) -> Merchant {
    let token = env.component_token().await;
    let answer = env
        .post(
            &format!("/cgi-bin/component/api_authorizer_token?component_access_token={token}"),
            json!({"component_appid": env.appid(), "authorizer_appid": m.appid,
                "authorizer_refresh_token": m.refresh}),
        )
        .await;
    let access = answer["authorizer_access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"));
    Merchant {
        access: access.to_owned(),
        ..m
    }
}

async fn template_using(env: &Env, token: &str, keys: &[&str]) -> i64 {
    let draft = env
        .control(
            "drafts",
            json!({"user_version": "3.0.0", "user_desc": "批量发布", "privacy_keys": keys}),
        )
        .await;
    let add = env
        .post(
            &format!("/wxa/addtotemplate?access_token={token}"),
            json!({"draft_id": draft["draft_id"], "template_type": 0}),
        )
        .await;
    assert_eq!(errcode(&add), 0, "{add}");
    let list = env.get(&format!("/wxa/gettemplatelist?access_token={token}")).await;
    list["template_list"].as_array().unwrap().last().unwrap()["template_id"]
        .as_i64()
        .unwrap()
}

/// Commits `template` and waits out the privacy scan.
async fn commit(env: &Env, m: &Merchant, template: i64) {
    let body = json!({"template_id": template, "ext_json": "{}", "user_version": "3.0.0", "user_desc": "批量"});
    assert_eq!(errcode(&env.post(&m.at("/wxa/commit"), body).await), 0);
    env.advance(61).await;
}

async fn submit(env: &Env, m: &Merchant) -> Value {
    env.post(&m.at("/wxa/submit_audit"), json!({})).await
}

fn owner() -> Value {
    json!({"contact_email": "privacy@example.com", "notice_method": "弹窗提示", "store_expire_timestamp": "30天"})
}

fn settings(keys: &[&str]) -> Value {
    keys.iter()
        .map(|key| json!({"privacy_key": key, "privacy_text": format!("为了提供{key}相关服务")}))
        .collect()
}

async fn set_guide(env: &Env, m: &Merchant, keys: &[&str]) -> Value {
    let body = json!({"privacy_ver": 2, "owner_setting": owner(), "setting_list": settings(keys)});
    env.post(&m.at("/cgi-bin/component/setprivacysetting"), body).await
}

async fn guide(env: &Env, m: &Merchant, ver: i64) -> Value {
    env.post(
        &m.at("/cgi-bin/component/getprivacysetting"),
        json!({"privacy_ver": ver}),
    )
    .await
}

/// The text of `<name>` in a decrypted push, CDATA or not.
fn element(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    let text = &xml[start..end];
    let text = text
        .strip_prefix("<![CDATA[")
        .and_then(|t| t.strip_suffix("]]>"))
        .unwrap_or(text);
    Some(text.to_owned())
}

async fn user_name(env: &Env, token: &str, appid: &str) -> String {
    let info = env
        .post(
            &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={token}"),
            json!({"component_appid": env.appid(), "authorizer_appid": appid}),
        )
        .await;
    info["authorizer_info"]["user_name"].as_str().unwrap().to_owned()
}

async fn latest(env: &Env, m: &Merchant) -> Value {
    env.get(&m.at("/wxa/get_latest_auditstatus")).await
}

async fn pushes_for(env: &Env, appid: &str, event: &str) -> Vec<Received> {
    env.inbox
        .pushes()
        .into_iter()
        .filter(|p| p.url_appid.as_deref() == Some(appid) && p.xml.contains(event))
        .collect()
}

#[tokio::test]
async fn submit_is_refused_until_the_guide_explains_every_key_the_code_uses() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let first = template_using(&env, &token, &["UserInfo", "Location"]).await;
    let m = merchant(&env, &token).await;
    commit(&env, &m, first).await;

    let dev = guide(&env, &m, 2).await;
    assert_eq!(errcode(&dev), 0, "{dev}");
    assert_eq!(dev["code_exist"], 1);
    assert_eq!(dev["privacy_list"], json!(["UserInfo", "Location"]));
    assert_eq!(
        dev["setting_list"],
        json!([]),
        "a newly authorized mini program has no guide"
    );
    assert_eq!(
        dev["owner_setting"]["notice_method"], "",
        "unset fields are empty strings"
    );
    assert!(dev["privacy_desc"]["privacy_desc_list"].as_array().unwrap().len() >= 20);
    assert_eq!(errcode(&submit(&env, &m).await), 85086, "no guide at all");

    assert_eq!(
        errcode(&set_guide(&env, &m, &["UserInfo"]).await),
        40097,
        "a key is left out"
    );
    assert_eq!(errcode(&submit(&env, &m).await), 85086);
    assert_eq!(errcode(&set_guide(&env, &m, &["UserInfo", "Location"]).await), 0);
    let dev = guide(&env, &m, 2).await;
    assert_eq!(dev["setting_list"][0]["privacy_label"], "用户信息（微信昵称、头像）");
    assert_eq!(dev["owner_setting"]["store_expire_timestamp"], "30天");
    let auditid = submit(&env, &m).await["auditid"].as_i64();
    assert!(auditid.is_some(), "accepted once every key is explained");

    // A new commit that uses one more key needs the guide again.
    env.control(
        "audit/resolve",
        json!({"authorizer_appid": m.appid, "outcome": "success"}),
    )
    .await;
    let second = template_using(&env, &token, &["UserInfo", "Location", "Album"]).await;
    let body = json!({"template_id": second, "ext_json": "{}", "user_version": "3.1.0", "user_desc": "相册"});
    assert_eq!(errcode(&env.post(&m.at("/wxa/commit"), body).await), 0);
    let scanning = guide(&env, &m, 2).await;
    assert_eq!(
        (&scanning["code_exist"], &scanning["privacy_list"]),
        (&json!(1), &json!([])),
        "the keys are known once the scan has found them"
    );
    env.advance(61).await;
    assert_eq!(
        guide(&env, &m, 2).await["privacy_list"],
        json!(["UserInfo", "Location", "Album"])
    );
    assert_eq!(errcode(&submit(&env, &m).await), 85086, "Album is not explained");
    assert_eq!(
        errcode(&set_guide(&env, &m, &["UserInfo", "Location", "Album"]).await),
        0
    );
    assert_eq!(errcode(&submit(&env, &m).await), 0);
}

#[tokio::test]
async fn owner_settings_and_versions_are_validated() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let m = merchant(&env, &token).await;
    let path = m.at("/cgi-bin/component/setprivacysetting");
    let set = |body: Value| env.post(&path, body);
    let with = |field: &str, value: Value| {
        let mut owner = owner();
        owner[field] = value;
        json!({"privacy_ver": 2, "owner_setting": owner})
    };
    assert_eq!(
        errcode(&set(json!({"privacy_ver": 2})).await),
        86069,
        "owner_setting is required"
    );
    assert_eq!(errcode(&set(with("notice_method", json!(""))).await), 86069);
    let no_contact = json!({"owner_setting": {"notice_method": "弹窗提示"}});
    assert_eq!(errcode(&set(no_contact).await), 86069, "at least one contact");
    assert_eq!(errcode(&set(with("store_expire_timestamp", json!("30"))).await), 87072);
    assert_eq!(
        errcode(&set(with("store_expire_timestamp", json!("一个月"))).await),
        87072
    );
    let as_string = json!({"owner_setting": owner().to_string()});
    assert_eq!(errcode(&set(as_string).await), 47001, "objects, not strings");
    assert_eq!(
        errcode(&set(json!({"privacy_ver": 3, "owner_setting": owner()})).await),
        86071
    );
    assert_eq!(
        errcode(&set(json!({"privacy_ver": 1, "owner_setting": owner()})).await),
        86074,
        "nothing released yet"
    );
    assert_eq!(errcode(&guide(&env, &m, 7).await), 86071);
    assert_eq!(
        errcode(&set(json!({"owner_setting": owner()})).await),
        0,
        "ver 2 by default"
    );
    let dev = guide(&env, &m, 2).await;
    assert_eq!(dev["code_exist"], 0);
    assert_eq!(dev["owner_setting"]["contact_email"], "privacy@example.com");
}

#[tokio::test]
async fn a_release_puts_the_development_guide_live() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let template = template_using(&env, &token, &["Location"]).await;
    let m = merchant(&env, &token).await;
    commit(&env, &m, template).await;
    assert_eq!(errcode(&set_guide(&env, &m, &["Location"]).await), 0);
    assert_eq!(guide(&env, &m, 1).await["setting_list"], json!([]));
    assert_eq!(errcode(&submit(&env, &m).await), 0);
    env.control(
        "audit/resolve",
        json!({"authorizer_appid": m.appid, "outcome": "success"}),
    )
    .await;
    assert_eq!(errcode(&env.post(&m.at("/wxa/release"), json!({})).await), 0);
    let live = guide(&env, &m, 1).await;
    assert_eq!(live["privacy_list"], json!(["Location"]));
    assert_eq!(live["setting_list"][0]["privacy_key"], "Location");
    let phone = json!({"privacy_ver": 1, "owner_setting": {"contact_phone": "13800000000", "notice_method": "短信"}});
    let edited = env.post(&m.at("/cgi-bin/component/setprivacysetting"), phone).await;
    assert_eq!(errcode(&edited), 0, "{edited}");
    assert_eq!(guide(&env, &m, 1).await["owner_setting"]["notice_method"], "短信");
    assert_eq!(
        guide(&env, &m, 2).await["owner_setting"]["notice_method"],
        "弹窗提示",
        "ver 1 edits the live guide only"
    );
}

#[tokio::test]
async fn a_rejecting_policy_pushes_numbered_reasons_and_screenshots_only_the_merchant_can_fetch() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let template = template_using(&env, &token, &[]).await;
    let m = merchant(&env, &token).await;
    let other = merchant(&env, &token).await;
    commit(&env, &m, template).await;
    let policy = json!({"approve_percent": 0, "reject_percent": 100, "delay_percent": 0, "mean_secs": 600});
    assert_eq!(env.control("audit/policy", policy).await["ok"], true);
    let auditid = submit(&env, &m).await["auditid"].as_i64().unwrap();

    // Each audit takes between half and one and a half of the mean.
    env.advance(290).await;
    assert_eq!(latest(&env, &m).await["status"], 2, "still under audit");
    env.advance(620).await;
    let status = latest(&env, &m).await;
    assert_eq!(
        (status["auditid"].as_i64(), status["status"].as_i64()),
        (Some(auditid), Some(1))
    );

    let push = env.inbox.wait_for("weapp_audit_fail").await;
    assert_eq!(push.url_appid.as_deref(), Some(m.appid.as_str()));
    let gh = user_name(&env, &token, &m.appid).await;
    assert_eq!(element(&push.xml, "ToUserName").as_deref(), Some(gh.as_str()));
    assert_eq!(
        push.to.as_deref(),
        Some(gh.as_str()),
        "the envelope names the gh_ id too"
    );
    assert!(
        !push.xml.to_ascii_lowercase().contains("auditid") && !push.xml.contains(&auditid.to_string()),
        "the push carries no auditid: {}",
        push.xml
    );
    assert!(!push.xml.contains(&m.appid), "nor the appid");
    let reason = element(&push.xml, "Reason").unwrap();
    let items: Vec<&str> = reason.split("<br>").collect();
    assert!(items.len() >= 2, "{reason}");
    for (n, item) in items.iter().enumerate() {
        assert!(item.starts_with(&format!("{}. ", n + 1)), "{reason}");
    }
    assert_eq!(status["reason"].as_str(), Some(reason.as_str()));
    let shots = element(&push.xml, "ScreenShot").unwrap();
    assert_eq!(status["ScreenShot"].as_str(), Some(shots.as_str()));
    let ids: Vec<&str> = shots.split('|').collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| !id.is_empty()), "{shots}");

    for id in ids {
        let response = env
            .http
            .post(format!("{}{}", env.base, m.at("/cgi-bin/material/get_material")))
            .json(&json!({"media_id": id}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-type"], "image/png");
        assert_eq!(&response.bytes().await.unwrap()[..4], b"\x89PNG");
        let foreign = env
            .post(&other.at("/cgi-bin/material/get_material"), json!({"media_id": id}))
            .await;
        assert_eq!(errcode(&foreign), 40007, "another mini program's token");
    }
}

#[tokio::test]
async fn a_policy_draws_the_same_outcomes_every_run_and_a_delay_is_not_final() {
    /// Twelve audits under `policy`; each mini program's final status and the audit events pushed to it, in order.
    async fn run(policy: Value) -> Vec<(i64, Vec<String>)> {
        let env = Env::default().await;
        let token = env.component_token().await;
        let template = template_using(&env, &token, &[]).await;
        let mut merchants = Vec::new();
        for _ in 0..12 {
            let m = merchant(&env, &token).await;
            commit(&env, &m, template).await;
            merchants.push(m);
        }
        env.control("audit/policy", policy).await;
        for m in &merchants {
            assert_eq!(errcode(&submit(&env, m).await), 0);
        }
        // Each round takes under one and a half means: the first ends every audit or delays it, the second ends it.
        env.advance(1501).await;
        env.advance(1501).await;
        let finals = |p: &Received| p.xml.contains("weapp_audit_success") || p.xml.contains("weapp_audit_fail");
        for _ in 0..200 {
            if env.inbox.pushes().iter().filter(|p| finals(p)).count() >= merchants.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut outcomes = Vec::new();
        for m in &merchants {
            let status = latest(&env, m).await["status"].as_i64().unwrap();
            let events = pushes_for(&env, &m.appid, "weapp_audit_")
                .await
                .iter()
                .filter_map(|p| element(&p.xml, "Event"))
                .collect();
            outcomes.push((status, events));
        }
        outcomes
    }
    let policy = json!({"approve_percent": 40, "reject_percent": 30, "delay_percent": 30, "mean_secs": 1000,
        "seed": 42});
    let outcomes = run(policy.clone()).await;
    for (status, events) in &outcomes {
        let last = events.last().map(String::as_str);
        let expected = if *status == 0 {
            "weapp_audit_success"
        } else {
            "weapp_audit_fail"
        };
        assert!(*status == 0 || *status == 1, "every audit ended: {outcomes:?}");
        assert_eq!(last, Some(expected), "{outcomes:?}");
        assert!(
            events.len() == 1 || events[..] == ["weapp_audit_delay", expected],
            "{outcomes:?}"
        );
    }
    let statuses: Vec<i64> = outcomes.iter().map(|(s, _)| *s).collect();
    assert!(statuses.contains(&0) && statuses.contains(&1), "a mix: {outcomes:?}");
    assert!(
        outcomes.iter().any(|(_, events)| events.len() == 2),
        "some audit was delayed first: {outcomes:?}"
    );
    assert_eq!(run(policy).await, outcomes, "the same outcomes again");
}

/// The start of the month after `now`'s in China time (UTC+8), where the platform's monthly counters reset.
fn next_month_start(now: i64) -> i64 {
    const OFFSET: i64 = 8 * 3600;
    // Days since 1970-01-01 of the first day of (year, month), Howard Hinnant's days_from_civil.
    fn days_from_civil(year: i64, month: i64) -> i64 {
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
    let local_days = (now + OFFSET).div_euclid(86_400);
    // The first of some month at or before `now`, then step month by month past it.
    let (mut year, mut month) = (1970 + local_days / 366, 1);
    loop {
        let start = days_from_civil(year, month) * 86_400 - OFFSET;
        if start > now {
            return start;
        }
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
}

async fn now(env: &Env) -> i64 {
    env.get("/__sim/clock").await["now"].as_i64().unwrap()
}

/// Moves the simulated clock to one hour into the next month.
async fn into_next_month(env: &Env) {
    let now = now(env).await;
    env.advance(next_month_start(now) + 3600 - now).await;
}

#[tokio::test]
async fn quota_zero_refuses_and_a_new_month_refills_every_monthly_counter() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let template = template_using(&env, &token, &[]).await;
    let m = merchant(&env, &token).await;
    commit(&env, &m, template).await;
    // Start early in a month, so the days below stay within it.
    into_next_month(&env).await;
    let mut m = refreshed(&env, m).await;

    let set = env
        .control("quota", json!({"limit": 30, "rest": 0, "speedup_rest": 0}))
        .await;
    assert_eq!(set["rest"], 0, "{set}");
    let quota = env.get(&m.at("/wxa/queryquota")).await;
    assert_eq!((quota["rest"].as_i64(), quota["limit"].as_i64()), (Some(0), Some(30)));
    assert_eq!(errcode(&submit(&env, &m).await), 85085);

    env.control("quota", json!({"limit": 30, "rest": 30, "speedup_rest": 0}))
        .await;
    let auditid = submit(&env, &m).await["auditid"].as_i64().unwrap();
    let speedup = env.post(&m.at("/wxa/speedupaudit"), json!({"auditid": auditid})).await;
    assert_eq!(errcode(&speedup), 89405, "no speed-ups left this month");
    assert_eq!(errcode(&env.get(&m.at("/wxa/undocodeaudit")).await), 0);
    // Ten withdrawals a month: five today, four more tomorrow (one is above).
    for n in 1..10 {
        if n == 5 {
            env.advance(86_400).await;
            m = refreshed(&env, m).await;
        }
        assert_eq!(errcode(&submit(&env, &m).await), 0);
        assert_eq!(
            errcode(&env.get(&m.at("/wxa/undocodeaudit")).await),
            0,
            "withdrawal {n}"
        );
    }
    env.advance(86_400).await;
    let m = refreshed(&env, m).await;
    assert_eq!(errcode(&submit(&env, &m).await), 0);
    assert_eq!(
        errcode(&env.get(&m.at("/wxa/undocodeaudit")).await),
        87013,
        "ten withdrawals a month"
    );
    env.control("quota", json!({"limit": 30, "rest": 0})).await;

    // A new month: the running audit has long ended, and every monthly counter starts again.
    into_next_month(&env).await;
    let m = refreshed(&env, m).await;
    let quota = env.get(&m.at("/wxa/queryquota")).await;
    assert_eq!((quota["rest"].as_i64(), quota["limit"].as_i64()), (Some(30), Some(30)));
    assert!(quota["speedup_rest"].as_i64().unwrap() > 0, "{quota}");
    let auditid = submit(&env, &m).await["auditid"].as_i64();
    assert!(auditid.is_some(), "the quota is back");
    let speedup = env.post(&m.at("/wxa/speedupaudit"), json!({"auditid": auditid})).await;
    assert_eq!(errcode(&speedup), 0);
    assert_eq!(
        errcode(&env.get(&m.at("/wxa/undocodeaudit")).await),
        0,
        "withdrawals too"
    );
}

#[tokio::test]
async fn latency_delays_platform_calls_side_by_side_and_spares_the_control_api() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let m = merchant(&env, &token).await;
    let quota_url = format!("{}{}", env.base, m.at("/wxa/queryquota"));
    assert_eq!(env.control("latency", json!({"ms": 300})).await["ms"], 300);
    let started = Instant::now();
    let answer = env.get(&m.at("/wxa/queryquota")).await;
    assert_eq!(errcode(&answer), 0);
    assert!(started.elapsed() >= Duration::from_millis(300), "the call waited");
    let started = Instant::now();
    env.get("/__sim/clock").await;
    let page = env
        .http
        .get(format!("{}/cgi-bin/componentloginpage", env.base))
        .send()
        .await;
    assert!(page.is_ok());
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "the control API and the pages do not wait"
    );

    env.control("latency", json!({"ms": 50})).await;
    let started = Instant::now();
    let calls = (0..50).map(|_| {
        let (http, url) = (env.http.clone(), quota_url.clone());
        tokio::spawn(async move { http.get(url).send().await.unwrap().json::<Value>().await.unwrap() })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(errcode(&call.await.unwrap()), 0);
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(1500),
        "50 calls at 50 ms took {elapsed:?}: they waited one after another"
    );

    env.control("latency", json!({"ms": 0})).await;
    let started = Instant::now();
    env.get(&m.at("/wxa/queryquota")).await;
    assert!(started.elapsed() < Duration::from_millis(300), "latency 0 turns it off");
}
