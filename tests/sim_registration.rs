//! Simulator: registration tasks of §8 and §11.4 — validation, the serial lock, results pushed to the event URL,
//! and new mini programs that are authorized without a page.

mod sim_support;

use serde_json::{Value, json};
use sim_support::{Env, errcode};

fn tag(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no <{name}> in {xml}")) + open.len();
    let end = start + xml[start..].find(&format!("</{name}>")).unwrap();
    xml[start..end]
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .to_owned()
}

async fn tasks(env: &Env) -> Vec<Value> {
    let answer = env.get("/__sim/registrations").await;
    answer["tasks"].as_array().unwrap().clone()
}

#[tokio::test]
async fn legacy_enterprise_registration_validates_locks_and_pushes_the_result() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let create = format!("/cgi-bin/component/fastregisterweapp?action=create&component_access_token={token}");
    let valid = json!({"name": "杭州味知鲜餐饮管理有限公司", "code": "91330106MA2GL1XX1X", "code_type": "1",
        "legal_persona_wechat": "wzx_boss01", "legal_persona_name": "王五", "component_phone": "0571-88886666"});
    let with = |key: &str, value: Value| {
        let mut body = valid.clone();
        body[key] = value;
        body
    };
    assert_eq!(
        errcode(&env.post(&create, with("legal_persona_name", Value::Null)).await),
        89253
    );
    assert_eq!(errcode(&env.post(&create, with("code_type", json!(7))).await), 89248);
    assert_eq!(errcode(&env.post(&create, with("code", json!("123"))).await), 89255);
    assert_eq!(errcode(&env.post(&create, valid.clone()).await), 0);
    assert_eq!(
        errcode(&env.post(&create, valid.clone()).await),
        89249,
        "one task per entity at a time"
    );

    let search = format!("/cgi-bin/component/fastregisterweapp?action=search&component_access_token={token}");
    let who = json!({"name": valid["name"], "legal_persona_wechat": "wzx_boss01", "legal_persona_name": "王五"});
    assert_eq!(errcode(&env.post(&search, who.clone()).await), 89251);
    let stranger = json!({"name": "别家", "legal_persona_wechat": "wzx_boss01", "legal_persona_name": "王五"});
    assert_eq!(errcode(&env.post(&search, stranger).await), 89250);

    let task_id = tasks(&env).await[0]["task_id"].as_str().unwrap().to_owned();
    let resolved = env
        .control("registration/resolve", json!({"task_id": task_id, "status": 0}))
        .await;
    let appid = resolved["appid"].as_str().unwrap().to_owned();
    let push = env.inbox.wait_for("notify_third_fasteregister").await;
    assert_eq!(tag(&push.xml, "appid"), appid);
    assert_eq!(tag(&push.xml, "status"), "0");
    assert_eq!(tag(&push.xml, "name"), "杭州味知鲜餐饮管理有限公司");
    let auth_code = tag(&push.xml, "auth_code");
    let info = env.query_auth(&token, &auth_code).await;
    assert_eq!(
        info["authorization_info"]["authorizer_appid"],
        appid.as_str(),
        "already authorized: {info}"
    );
    assert_eq!(errcode(&env.post(&search, who).await), 0);
    assert_eq!(
        errcode(&env.post(&create, valid.clone()).await),
        89249,
        "the lock lasts 24 hours after the last task, ended or not"
    );
    env.advance(24 * 3600).await;
    let token = env.component_token().await;
    let create = format!("/cgi-bin/component/fastregisterweapp?action=create&component_access_token={token}");
    assert_eq!(errcode(&env.post(&create, valid).await), 0, "and is gone after");
}

#[tokio::test]
async fn new_version_and_personal_tasks_return_a_taskid_and_an_authorize_url() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let enterprise = format!("/wxa/component/fastregisterenterpriseweapp?action=create&access_token={token}");
    let missing = env
        .post(
            &enterprise,
            json!({"name": "上海禾悦商贸有限公司", "code": "91310000MA1K1234XY", "new_version": true}),
        )
        .await;
    assert_eq!(errcode(&missing), 86030);
    let created = env
        .post(&enterprise, json!({"name": "上海禾悦商贸有限公司", "code": "91310000MA1K1234XY", "component_phone": "021-66668888", "new_version": true}))
        .await;
    let taskid = created["taskid"].as_str().unwrap().to_owned();
    assert!(created["authorize_url"].as_str().unwrap().starts_with("https://"));
    let query = format!("/wxa/component/fastregisterenterpriseweapp?action=query&access_token={token}");
    assert_eq!(
        env.post(&query, json!({"taskid": taskid, "new_version": true})).await["status"],
        1
    );
    env.control("registration/resolve", json!({"task_id": taskid, "status": 1003}))
        .await;
    let push = env.inbox.wait_for("notify_third_fasteregister").await;
    assert_eq!(tag(&push.xml, "status"), "1003");
    assert_eq!(tag(&push.xml, "taskid"), taskid);
    assert!(!push.xml.contains("<auth_code>"), "no code on failure");
    assert_eq!(env.post(&query, json!({"taskid": taskid})).await["status"], 1003);

    let personal = format!("/wxa/component/fastregisterpersonalweapp?action=create&component_access_token={token}");
    let body = json!({"wxuser": "xiaoming_88", "component_phone": "13800000000", "new_version": true});
    let created = env.post(&personal, body.clone()).await;
    assert_eq!(
        created["errmsg"].as_str().unwrap().split(" rid").next(),
        Some("create task ok")
    );
    assert_eq!(created["status"], 0);
    for _ in 0..4 {
        assert_eq!(errcode(&env.post(&personal, body.clone()).await), 0);
    }
    assert_eq!(
        errcode(&env.post(&personal, body).await),
        91030,
        "five a day per WeChat id"
    );
    assert_eq!(
        errcode(&env.post(&personal, json!({"wxuser": "1", "idname": "张三"})).await),
        86032
    );
}

#[tokio::test]
async fn a_trial_mini_program_pushes_its_result_and_authorized() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let created = env
        .post(
            &format!("/wxa/component/fastregisterbetaweapp?access_token={token}"),
            json!({"name": "味知鲜点餐", "openid": "o9AgO5Kd5ggOC"}),
        )
        .await;
    let unique_id = created["unique_id"].as_str().unwrap().to_owned();
    assert!(
        created["authorize_url"]
            .as_str()
            .unwrap()
            .contains("fastregistertpbeta")
    );
    env.control("registration/resolve", json!({"task_id": unique_id, "status": 0}))
        .await;
    let push = env.inbox.wait_for("notify_third_fastregisterbetaapp").await;
    assert_eq!(tag(&push.xml, "unique_id"), unique_id);
    let appid = tag(&push.xml, "appid");
    let authorized = env.inbox.wait_for("[authorized]").await;
    assert_eq!(tag(&authorized.xml, "AuthorizerAppid"), appid);
    let info = env.query_auth(&token, &tag(&authorized.xml, "AuthorizationCode")).await;
    let access = info["authorization_info"]["authorizer_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let info = env
        .post(
            &format!("/cgi-bin/component/api_get_authorizer_info?component_access_token={token}"),
            json!({"component_appid": env.appid(), "authorizer_appid": appid}),
        )
        .await;
    assert_eq!(
        info["authorizer_info"]["service_type_info"]["id"], 12,
        "a trial mini program"
    );
    assert_eq!(info["authorizer_info"]["nick_name"], "味知鲜点餐的体验小程序");
    let verify = format!("/wxa/verifybetaweapp?access_token={access}");
    let body = json!({"verify_info": {"enterprise_name": "杭州味知鲜餐饮管理有限公司", "code": "91330106MA2GL1XX1X",
        "component_phone": "0571-88886666"}, "new_version": true});
    assert_eq!(errcode(&env.post(&verify, body.clone()).await), 0);
    assert_eq!(
        errcode(&env.post(&verify, body).await),
        89251,
        "one conversion at a time"
    );
}

/// §8.1, §10 (issue 11 point 4): the serial lock lasts 24 hours after an entity's last task, not only while it runs.
#[tokio::test]
async fn an_entitys_next_task_waits_24_hours_after_its_last() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let create = format!("/wxa/component/fastregisterenterpriseweapp?action=create&access_token={token}");
    let body = json!({"name": "深圳市腾讯计算机系统有限公司", "code": "91440300708461136T",
        "component_phone": "0755-86013388", "new_version": true});
    assert_eq!(errcode(&env.post(&create, body.clone()).await), 0);
    let task_id = tasks(&env).await[0]["task_id"].as_str().unwrap().to_owned();
    env.control("registration/resolve", json!({"task_id": task_id, "status": 1003}))
        .await;
    // Ended, but within 24 hours of the last task: still locked. Another entity is not.
    assert_eq!(errcode(&env.post(&create, body.clone()).await), 89249);
    let other = json!({"name": "杭州阿里巴巴", "code": "91330100716105852F", "component_phone": "0571-85022088",
        "new_version": true});
    assert_eq!(errcode(&env.post(&create, other).await), 0);
    env.advance(24 * 3600).await;
    let token = env.component_token().await;
    let create = format!("/wxa/component/fastregisterenterpriseweapp?action=create&access_token={token}");
    assert_eq!(errcode(&env.post(&create, body).await), 0);
}

/// §8.5 (issue 11 point 4): five trials per WeChat user; a trial not converted within 14 days goes away.
#[tokio::test]
async fn trials_are_five_per_user_and_end_after_14_days() {
    let env = Env::default().await;
    let token = env.component_token().await;
    let create = format!("/wxa/component/fastregisterbetaweapp?access_token={token}");
    let trial = |name: &str| json!({"name": name, "openid": "oTgZpwVFNaGkdB1vCNMSLyXxoK2o"});
    for n in 0..5 {
        assert_eq!(errcode(&env.post(&create, trial(&format!("鲜果小站{n}"))).await), 0);
    }
    assert_eq!(errcode(&env.post(&create, trial("鲜果小站5")).await), 91030);
    let other = json!({"name": "鲜果小站", "openid": "oTgZpwVFNaGkdB1vCNMSLyXxoK2p"});
    assert_eq!(errcode(&env.post(&create, other).await), 0, "another user may");

    let task_id = tasks(&env).await[0]["task_id"].as_str().unwrap().to_owned();
    let resolved = env
        .control("registration/resolve", json!({"task_id": task_id, "status": 0}))
        .await;
    let appid = resolved["appid"].as_str().unwrap().to_owned();
    env.advance(14 * 24 * 3600).await;
    // The clock's tick runs on the next call.
    env.component_token().await;
    let push = env.inbox.wait_for("<InfoType><![CDATA[unauthorized]]>").await;
    assert_eq!(tag(&push.xml, "AuthorizerAppid"), appid);
}
