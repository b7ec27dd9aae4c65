//! The real `Client` against the simulator started in-process on loopback: every area of the endpoint index, each
//! with its main error paths (wechat-api.md §11), so the client and the simulator agree on paths, token kinds,
//! field names and errcodes.

use serde_json::{Value, json};
use wxdesk::sim::{SimConfig, SimHandle};
use wxdesk::wechat::api::{
    Empty, account, code, component, domain, media, privacy, quota, register, release, template as tpl, tester,
};
use wxdesk::wechat::{
    AuditId, AuthorizerAppId, Client, ComponentAppId, DraftId, Endpoint, Hosts, Secret, TemplateId, WxError,
};

struct Platform {
    sim: SimHandle,
    client: Client,
    http: reqwest::Client,
    appid: ComponentAppId,
}

/// One authorized account: its appid and tokens.
struct Merchant {
    appid: AuthorizerAppId,
    access: String,
    refresh: Secret,
}

impl Platform {
    async fn start(config: SimConfig) -> Self {
        let sim = wxdesk::sim::start(config).await.unwrap();
        let ready = sim.ready().clone();
        let hosts = Hosts {
            api_base: ready.api_base,
            mp_base: ready.mp_base,
            open_base: ready.open_base,
        };
        let appid = ComponentAppId::parse(&ready.component_appid).unwrap();
        Self {
            sim,
            client: Client::new(hosts).unwrap(),
            http: reqwest::Client::new(),
            appid,
        }
    }

    async fn default() -> Self {
        Self::start(SimConfig::default()).await
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/__sim/{path}", self.sim.ready().api_base);
        self.http
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn advance(&self, secs: i64) {
        self.control("clock", json!({"advance_secs": secs})).await;
    }

    async fn calls(&self) -> Vec<Value> {
        let url = format!("{}/__sim/calls", self.sim.ready().api_base);
        let answer: Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        answer["calls"].as_array().cloned().unwrap_or_default()
    }

    fn token_request(&self, ticket: &str) -> component::ComponentTokenRequest {
        component::ComponentTokenRequest {
            component_appid: self.appid.clone(),
            component_appsecret: Secret::new(self.sim.ready().component_appsecret.clone()),
            component_verify_ticket: ticket.to_owned(),
        }
    }

    async fn ticket(&self) -> String {
        self.control("push-ticket", json!({})).await["ticket"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn component_token(&self) -> String {
        let ticket = self.ticket().await;
        let answer = self
            .client
            .execute::<component::ComponentToken>(None, &[], &self.token_request(&ticket))
            .await;
        answer.unwrap().component_access_token.expose().to_owned()
    }

    async fn preauth(&self, token: &str) -> String {
        let body = component::ComponentAppIdRequest {
            component_appid: self.appid.clone(),
        };
        let answer = self
            .client
            .execute::<component::CreatePreAuthCode>(Some(token), &[], &body)
            .await
            .unwrap();
        assert_eq!(answer.expires_in, 600);
        answer.pre_auth_code
    }

    /// The merchant's scan and confirm (control API), returning the auth code.
    async fn auth_code(&self, token: &str, kind: &str, func_ids: &[u32]) -> String {
        let pre_auth_code = self.preauth(token).await;
        let body = json!({"pre_auth_code": pre_auth_code, "redirect_uri": "https://hub.example.com/wechat/authorized",
            "kind": kind, "func_ids": func_ids});
        let answer = self.control("authorize", body).await;
        answer["auth_code"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"))
            .to_owned()
    }

    async fn query_auth(&self, token: &str, auth_code: &str) -> Result<component::QueryAuthResponse, WxError> {
        let body = component::QueryAuthRequest {
            component_appid: self.appid.clone(),
            authorization_code: auth_code.to_owned(),
        };
        self.client
            .execute::<component::QueryAuth>(Some(token), &[], &body)
            .await
    }

    async fn authorize(&self, token: &str, kind: &str, func_ids: &[u32]) -> Merchant {
        let code = self.auth_code(token, kind, func_ids).await;
        let info = self.query_auth(token, &code).await.unwrap().authorization_info;
        Merchant {
            appid: info.authorizer_appid,
            access: info.authorizer_access_token.unwrap().expose().to_owned(),
            refresh: info.authorizer_refresh_token.unwrap(),
        }
    }

    async fn call<E: Endpoint>(&self, token: &str, body: &E::Request) -> Result<E::Response, WxError> {
        self.client.execute::<E>(Some(token), &[], body).await
    }

    async fn first_template(&self, token: &str) -> TemplateId {
        let list = self
            .call::<tpl::GetTemplateList>(token, &Default::default())
            .await
            .unwrap();
        if let Some(t) = list.template_list.iter().find(|t| t.template_type == 0) {
            return t.template_id;
        }
        let drafts = self.call::<tpl::GetTemplateDraftList>(token, &Empty {}).await.unwrap();
        let add = tpl::AddToTemplateRequest {
            draft_id: drafts.draft_list[0].draft_id,
            template_type: Some(0),
        };
        self.call::<tpl::AddToTemplate>(token, &add).await.unwrap();
        let list = self
            .call::<tpl::GetTemplateList>(token, &Default::default())
            .await
            .unwrap();
        list.template_list.last().unwrap().template_id
    }
}

fn errcode<T: std::fmt::Debug>(result: Result<T, WxError>) -> i64 {
    match result {
        Err(err) => err.errcode().unwrap_or_else(|| panic!("not a platform error: {err:?}")),
        Ok(answer) => panic!("expected an errcode, got {answer:?}"),
    }
}

fn commit_body(template_id: TemplateId) -> code::CommitRequest {
    code::CommitRequest {
        template_id,
        ext_json: json!({"extAppid": "", "ext": {"shop": 1}}).to_string(),
        user_version: "1.3.0".into(),
        user_desc: "门店自提".into(),
    }
}

const MINI_PROGRAM_SETS: [u32; 4] = [17, 18, 30, 31];

#[tokio::test]
async fn component_token_and_its_errors() {
    let p = Platform::default().await;
    let ticket = p.ticket().await;
    let token = p
        .client
        .execute::<component::ComponentToken>(None, &[], &p.token_request(&ticket))
        .await
        .unwrap();
    assert_eq!(token.expires_in, 7200);
    let mut wrong = p.token_request(&ticket);
    wrong.component_appsecret = Secret::new("nope");
    assert_eq!(
        errcode(p.client.execute::<component::ComponentToken>(None, &[], &wrong).await),
        40125
    );
    let unknown = p.token_request("ticket@@@unknown");
    assert_eq!(
        errcode(p.client.execute::<component::ComponentToken>(None, &[], &unknown).await),
        61006
    );
    p.advance(12 * 3600 + 1).await;
    assert_eq!(
        errcode(
            p.client
                .execute::<component::ComponentToken>(None, &[], &p.token_request(&ticket))
                .await
        ),
        61005
    );
    let start = component::StartPushTicketRequest {
        component_appid: p.appid.clone(),
        component_secret: Secret::new(p.sim.ready().component_appsecret.clone()),
    };
    p.client
        .execute::<component::StartPushTicket>(None, &[], &start)
        .await
        .unwrap();
}

#[tokio::test]
async fn authorization_codes_are_single_use_and_expire() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let code = p.auth_code(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let info = p.query_auth(&token, &code).await.unwrap().authorization_info;
    assert_eq!(info.granted_sets(), MINI_PROGRAM_SETS.to_vec());
    assert!(AuthorizerAppId::parse(info.authorizer_appid.as_str()).is_ok());
    assert_eq!(errcode(p.query_auth(&token, &code).await), 61009, "a used code");
    let late = p.auth_code(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    p.advance(601).await;
    let token = p.component_token().await;
    assert_eq!(errcode(p.query_auth(&token, &late).await), 61010, "an expired code");
    // The pre_auth_code is single use too: a second authorize with it is refused by the simulator's hook.
    let pre = p.preauth(&token).await;
    let body = json!({"pre_auth_code": pre, "redirect_uri": "https://h.example.com/cb", "kind": "miniprogram"});
    assert!(p.control("authorize", body.clone()).await["auth_code"].is_string());
    assert!(p.control("authorize", body).await["auth_code"].is_null());
}

#[tokio::test]
async fn authorizer_tokens_info_list_and_revocation() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let m = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let refresh = component::AuthorizerTokenRequest {
        component_appid: p.appid.clone(),
        authorizer_appid: m.appid.clone(),
        authorizer_refresh_token: m.refresh.clone(),
    };
    let fresh = p.call::<component::AuthorizerToken>(&token, &refresh).await.unwrap();
    assert_eq!(fresh.expires_in, 7200);
    let wrong = component::AuthorizerTokenRequest {
        authorizer_refresh_token: Secret::new("refreshtoken@@@x"),
        ..refresh.clone()
    };
    assert_eq!(
        errcode(p.call::<component::AuthorizerToken>(&token, &wrong).await),
        61023
    );

    let who = component::AuthorizerRequest {
        component_appid: p.appid.clone(),
        authorizer_appid: m.appid.clone(),
    };
    let info = p.call::<component::GetAuthorizerInfo>(&token, &who).await.unwrap();
    assert!(info.authorizer_info.is_mini_program());
    assert!(info.authorizer_info.user_name.starts_with("gh_"));
    assert_eq!(info.authorization_info.granted_sets(), MINI_PROGRAM_SETS.to_vec());

    let list = component::AuthorizerListRequest {
        component_appid: p.appid.clone(),
        offset: 0,
        count: 500,
    };
    let list = p.call::<component::GetAuthorizerList>(&token, &list).await.unwrap();
    assert!(list.list.iter().any(|item| item.authorizer_appid == m.appid));
    let too_many = component::AuthorizerListRequest {
        component_appid: p.appid.clone(),
        offset: 0,
        count: 501,
    };
    assert_eq!(
        errcode(p.call::<component::GetAuthorizerList>(&token, &too_many).await),
        40170
    );

    p.control("unauthorize", json!({"authorizer_appid": m.appid})).await;
    assert_eq!(
        errcode(p.call::<component::AuthorizerToken>(&token, &refresh).await),
        61003
    );
}

#[tokio::test]
async fn a_caller_off_the_whitelist_gets_61004() {
    let p = Platform::start(SimConfig {
        whitelist: Some(vec!["10.9.8.7".parse().unwrap()]),
        ..SimConfig::default()
    })
    .await;
    let ticket = p.ticket().await;
    let err = p
        .client
        .execute::<component::ComponentToken>(None, &[], &p.token_request(&ticket))
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(61004));
    assert!(err.explain().unwrap().action_en.contains("whitelist"));
}

#[tokio::test]
async fn the_template_library_and_its_limit() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let drafts = p
        .call::<tpl::GetTemplateDraftList>(&token, &Empty {})
        .await
        .unwrap()
        .draft_list;
    assert!(!drafts.is_empty());
    let draft_id = drafts[0].draft_id;
    let before = p
        .call::<tpl::GetTemplateList>(&token, &Default::default())
        .await
        .unwrap()
        .template_list
        .len();
    for _ in before..200 {
        let add = tpl::AddToTemplateRequest {
            draft_id,
            template_type: None,
        };
        p.call::<tpl::AddToTemplate>(&token, &add).await.unwrap();
    }
    let full = tpl::AddToTemplateRequest {
        draft_id,
        template_type: None,
    };
    assert_eq!(errcode(p.call::<tpl::AddToTemplate>(&token, &full).await), 85065);
    let list = p
        .call::<tpl::GetTemplateList>(&token, &Default::default())
        .await
        .unwrap()
        .template_list;
    assert_eq!(list.len(), 200);
    let victim = tpl::DeleteTemplateRequest {
        template_id: list[0].template_id,
    };
    p.call::<tpl::DeleteTemplate>(&token, &victim).await.unwrap();
    assert_eq!(errcode(p.call::<tpl::DeleteTemplate>(&token, &victim).await), 85064);
    let missing = tpl::AddToTemplateRequest {
        draft_id: wxdesk::wechat::DraftId(999_999),
        template_type: None,
    };
    assert_eq!(errcode(p.call::<tpl::AddToTemplate>(&token, &missing).await), 85064);
    // §0.2: the template library takes the component token as access_token=, the component APIs as
    // component_access_token=. Both calls are made here, so a journal without either fails the test.
    p.preauth(&token).await;
    let calls = p.calls().await;
    let param = |path: &str| {
        calls
            .iter()
            .rev()
            .find(|c| c["path"] == path)
            .map(|c| c["token_param"].clone())
    };
    assert_eq!(param("/wxa/gettemplatelist"), Some(json!("access_token")));
    assert_eq!(
        param("/cgi-bin/component/api_create_preauthcode"),
        Some(json!("component_access_token")),
        "the journal holds the pre-auth code call and the token parameter it used"
    );
}

#[tokio::test]
async fn code_lifecycle_commit_audit_release() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let template_id = p.first_template(&token).await;
    let m = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let a = m.access.as_str();
    assert_eq!(errcode(p.call::<code::GetPage>(a, &Empty {}).await), 86001);
    assert_eq!(
        errcode(p.call::<code::SubmitAudit>(a, &Default::default()).await),
        85086
    );
    assert_eq!(errcode(p.call::<code::GetLatestAuditStatus>(a, &Empty {}).await), 85058);
    p.call::<code::Commit>(a, &commit_body(template_id)).await.unwrap();
    assert!(
        !p.call::<code::GetPage>(a, &Empty {})
            .await
            .unwrap()
            .page_list
            .is_empty()
    );
    assert_eq!(
        errcode(p.call::<code::Commit>(a, &commit_body(TemplateId(987_654))).await),
        85014
    );
    let qr = p
        .call::<media::GetQrcode>(
            a,
            &media::QrcodeRequest {
                path: Some("pages/index/index?x=1".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (qr.content_type.as_str(), &qr.bytes[..2]),
        ("image/jpeg", &[0xFF, 0xD8][..])
    );
    p.call::<code::GetCategory>(a, &Empty {}).await.unwrap();
    assert_eq!(
        errcode(p.call::<code::SubmitAudit>(a, &Default::default()).await),
        61039,
        "privacy scan running"
    );
    p.advance(61).await;
    let privacy = p.call::<code::GetCodePrivacyInfo>(a, &Empty {}).await;
    assert!(privacy.is_ok(), "{privacy:?}");
    let before = p.call::<release::QueryQuota>(a, &Empty {}).await.unwrap();
    let auditid = p
        .call::<code::SubmitAudit>(a, &Default::default())
        .await
        .unwrap()
        .auditid;
    assert_eq!(
        p.call::<release::QueryQuota>(a, &Empty {}).await.unwrap().rest,
        before.rest - 1
    );
    assert_eq!(
        errcode(p.call::<code::SubmitAudit>(a, &Default::default()).await),
        85009,
        "one audit at a time"
    );
    let status = p
        .call::<code::GetAuditStatus>(a, &code::AuditIdRequest { auditid })
        .await
        .unwrap();
    assert_eq!(status.status, code::audit_status::AUDITING);
    assert_eq!(
        errcode(
            p.call::<code::GetAuditStatus>(a, &code::AuditIdRequest { auditid: AuditId(1) })
                .await
        ),
        85012
    );
    assert_eq!(errcode(p.call::<release::Release>(a, &Empty {}).await), 85020);
    p.call::<release::SpeedupAudit>(a, &code::AuditIdRequest { auditid })
        .await
        .unwrap();

    // Rejected with screenshots: both audit status endpoints and get_material agree.
    let rejected =
        json!({"authorizer_appid": m.appid, "outcome": "fail", "reason": "资质不全", "screenshots": ["s1", "s2"]});
    p.control("audit/resolve", rejected).await;
    let latest = p.call::<code::GetLatestAuditStatus>(a, &Empty {}).await.unwrap();
    assert_eq!((latest.auditid, latest.status), (auditid, code::audit_status::REJECTED));
    assert_eq!(latest.screenshots(), vec!["s1", "s2"]);
    let shot = p
        .call::<media::GetMaterial>(a, &media::MaterialRequest { media_id: "s1".into() })
        .await
        .unwrap();
    assert!(shot.content_type.starts_with("image/"));
    assert_eq!(errcode(p.call::<release::UndoCodeAudit>(a, &Empty {}).await), 87012);

    // Resubmit, approve, release, then the release-side reads and writes.
    let auditid = p
        .call::<code::SubmitAudit>(a, &Default::default())
        .await
        .unwrap()
        .auditid;
    p.control(
        "audit/resolve",
        json!({"authorizer_appid": m.appid, "outcome": "success"}),
    )
    .await;
    let status = p
        .call::<code::GetAuditStatus>(a, &code::AuditIdRequest { auditid })
        .await
        .unwrap();
    assert_eq!(status.status, code::audit_status::APPROVED);
    p.call::<release::Release>(a, &Empty {}).await.unwrap();
    assert_eq!(errcode(p.call::<release::Release>(a, &Empty {}).await), 85052);
    let version = p.call::<code::GetVersionInfo>(a, &Empty {}).await.unwrap();
    assert_eq!(version.release_info.unwrap().release_version, "1.3.0");
    // Only one version was ever released: there is nothing to roll back to.
    assert_eq!(
        errcode(p.call::<release::RevertCodeRelease>(a, &Default::default()).await),
        87012
    );

    // A second version goes out as a phased release, which blocks a rollback until it is reverted.
    p.call::<code::Commit>(a, &commit_body(template_id)).await.unwrap();
    p.advance(61).await;
    p.call::<code::SubmitAudit>(a, &Default::default()).await.unwrap();
    p.control(
        "audit/resolve",
        json!({"authorizer_appid": m.appid, "outcome": "success"}),
    )
    .await;
    let gray = release::GrayReleaseRequest {
        gray_percentage: 10,
        ..Default::default()
    };
    p.call::<release::GrayRelease>(a, &gray).await.unwrap();
    let plan = p
        .call::<release::GetGrayReleasePlan>(a, &Empty {})
        .await
        .unwrap()
        .gray_release_plan;
    assert_eq!(plan.gray_percentage, 10);
    assert_eq!(
        errcode(p.call::<release::RevertCodeRelease>(a, &Default::default()).await),
        87011
    );
    p.call::<release::RevertGrayRelease>(a, &Empty {}).await.unwrap();
    p.call::<release::ChangeVisitStatus>(a, &release::ChangeVisitStatusRequest { action: "close".into() })
        .await
        .unwrap();
    assert_eq!(p.call::<release::GetVisitStatus>(a, &Empty {}).await.unwrap().status, 0);
    let history = p.call::<release::GetHistoryVersion>(a, &Empty {}).await.unwrap();
    assert!(!history.version_list.is_empty());
}

#[tokio::test]
async fn a_missing_permission_set_is_61007_and_the_audit_quota_runs_out() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let template_id = p.first_template(&token).await;
    let no_dev = p.authorize(&token, "miniprogram", &[17, 30]).await;
    let err = p
        .call::<code::Commit>(&no_dev.access, &commit_body(template_id))
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(61007));
    assert!(err.explain().unwrap().action_en.contains("authorize again"));

    let mut merchants = Vec::new();
    let quota = {
        let first = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
        let q = p.call::<release::QueryQuota>(&first.access, &Empty {}).await.unwrap();
        merchants.push(first);
        q.rest
    };
    for _ in 0..quota {
        merchants.push(p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await);
    }
    for m in &merchants {
        p.call::<code::Commit>(&m.access, &commit_body(template_id))
            .await
            .unwrap();
    }
    p.advance(61).await;
    let (last, within) = merchants.split_last().unwrap();
    for m in within {
        p.call::<code::SubmitAudit>(&m.access, &Default::default())
            .await
            .unwrap();
    }
    assert_eq!(
        errcode(p.call::<code::SubmitAudit>(&last.access, &Default::default()).await),
        85085
    );
}

#[tokio::test]
async fn testers_domains_and_account_setup() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let m = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let a = m.access.as_str();
    let bound = p
        .call::<tester::BindTester>(
            a,
            &tester::BindTesterRequest {
                wechatid: "tester_wang01".into(),
            },
        )
        .await
        .unwrap();
    assert!(!bound.userstr.is_empty());
    assert_eq!(
        errcode(
            p.call::<tester::BindTester>(
                a,
                &tester::BindTesterRequest {
                    wechatid: "tester_wang01".into()
                }
            )
            .await
        ),
        85004
    );
    let members = p
        .call::<tester::MemberAuth>(a, &Default::default())
        .await
        .unwrap()
        .members;
    assert!(members.iter().any(|member| member.userstr == bound.userstr));

    let platform = domain::ModifyWxaServerDomainRequest {
        action: "add".into(),
        wxa_server_domain: Some("api.shop.example.com".into()),
        is_modify_published_together: None,
    };
    let answer = p
        .call::<domain::ModifyWxaServerDomain>(&token, &platform)
        .await
        .unwrap();
    assert!(
        answer
            .testing_wxa_server_domain
            .unwrap_or_default()
            .contains("api.shop.example.com")
    );
    let add = domain::ModifyDomainRequest {
        action: "add".into(),
        requestdomain: Some(vec!["https://api.shop.example.com".into()]),
        ..Default::default()
    };
    let domains = p.call::<domain::ModifyDomain>(a, &add).await.unwrap();
    assert!(
        domains
            .requestdomain
            .contains(&"https://api.shop.example.com".to_owned())
    );
    let foreign = domain::ModifyDomainRequest {
        action: "add".into(),
        requestdomain: Some(vec!["https://not-registered.example.org".into()]),
        ..Default::default()
    };
    let code = errcode(p.call::<domain::ModifyDomain>(a, &foreign).await);
    assert!([85017, 85018].contains(&code), "{code}");

    let info = p.call::<account::GetAccountBasicInfo>(a, &Empty {}).await.unwrap();
    assert_eq!(info.appid, m.appid.as_str());
    let sig = account::ModifySignatureRequest {
        signature: "门店自提与预约的小程序".into(),
    };
    p.call::<account::ModifySignature>(a, &sig).await.unwrap();
    let check = account::CheckNicknameRequest {
        nick_name: "某某餐饮".into(),
    };
    p.call::<account::CheckWxVerifyNickname>(a, &check).await.unwrap();
    let categories = p
        .call::<wxdesk::wechat::api::category::GetSettingCategories>(a, &Empty {})
        .await
        .unwrap();
    assert!(categories.limit >= categories.quota);
}

#[tokio::test]
async fn registration_routes() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let legacy = register::FastRegisterWeappRequest {
        name: "深圳市某某餐饮有限公司".into(),
        code: "91440300MA5F00000X".into(),
        code_type: register::code_type::UNIFIED_SOCIAL_CREDIT,
        legal_persona_wechat: "legal_zhang01".into(),
        legal_persona_name: "张三".into(),
        component_phone: Some("13800000000".into()),
    };
    p.call::<register::FastRegisterWeapp>(&token, &legacy).await.unwrap();
    assert_eq!(
        errcode(p.call::<register::FastRegisterWeapp>(&token, &legacy).await),
        89249,
        "serial per entity"
    );
    let search = register::FastRegisterWeappSearchRequest {
        name: legacy.name.clone(),
        legal_persona_wechat: legacy.legal_persona_wechat.clone(),
        legal_persona_name: legacy.legal_persona_name.clone(),
    };
    let state = errcode(p.call::<register::FastRegisterWeappSearch>(&token, &search).await);
    assert!([89251, 89252].contains(&state), "{state}");
    let bad_type = register::FastRegisterWeappRequest {
        code_type: 7,
        name: "另一家公司".into(),
        ..legacy.clone()
    };
    assert_eq!(
        errcode(p.call::<register::FastRegisterWeapp>(&token, &bad_type).await),
        89248
    );

    let new = register::EnterpriseRegistrationRequest::new_version(
        "广州某某科技有限公司",
        "91440101MA5A00000Y",
        "13900000000",
    );
    let task = p.call::<register::FastRegisterEnterprise>(&token, &new).await.unwrap();
    assert!(!task.taskid.is_empty() && task.authorize_url.starts_with("http"));
    let query = register::RegistrationQueryRequest {
        taskid: task.taskid.clone(),
        new_version: true,
    };
    let again = p
        .call::<register::FastRegisterEnterpriseQuery>(&token, &query)
        .await
        .unwrap();
    assert_eq!(again.taskid, task.taskid);

    let personal = register::PersonalRegistrationRequest {
        wxuser: "wxid_person01".into(),
        component_phone: Some("13700000000".into()),
        new_version: true,
        ..Default::default()
    };
    let task = p
        .call::<register::FastRegisterPersonal>(&token, &personal)
        .await
        .unwrap();
    assert!(!task.taskid.is_empty());

    let beta = register::BetaRegistrationRequest {
        name: "小店体验".into(),
        openid: "o9AgO5Kd5ggOC-bXrbNODIiE3bGY".into(),
    };
    let beta = p.call::<register::FastRegisterBeta>(&token, &beta).await.unwrap();
    assert!(beta.authorize_url.starts_with("http"));
}

#[tokio::test]
async fn reads_are_retried_on_injected_minus_one_and_writes_are_not() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let m = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let a = m.access.as_str();
    p.control(
        "faults",
        json!([{"path": "/wxa/queryquota", "errcode": -1, "times": 2}]),
    )
    .await;
    let since = p.calls().await.len();
    p.call::<release::QueryQuota>(a, &Empty {}).await.unwrap();
    let tries = p
        .calls()
        .await
        .into_iter()
        .skip(since)
        .filter(|c| c["path"] == "/wxa/queryquota")
        .count();
    assert_eq!(tries, 3);

    p.control("faults", json!([{"path": "/wxa/release", "errcode": -1, "times": 1}]))
        .await;
    let since = p.calls().await.len();
    assert_eq!(errcode(p.call::<release::Release>(a, &Empty {}).await), -1);
    let tries = p
        .calls()
        .await
        .into_iter()
        .skip(since)
        .filter(|c| c["path"] == "/wxa/release")
        .count();
    assert_eq!(tries, 1);

    // An authorizer token on a component endpoint is refused (§0.2).
    let body = component::ComponentAppIdRequest {
        component_appid: p.appid.clone(),
    };
    assert_eq!(errcode(p.call::<component::CreatePreAuthCode>(a, &body).await), 61014);
    // §1.9 housekeeping with either token kind.
    let quota = quota::QuotaGetRequest {
        cgi_path: "/wxa/queryquota".into(),
    };
    let answer = p.call::<quota::QuotaGet>(a, &quota).await.unwrap();
    assert!(answer.quota.daily_limit > 0 && answer.quota.used >= 3, "{answer:?}");
    let bad_path = quota::QuotaGetRequest {
        cgi_path: "api.weixin.qq.com/wxa/queryquota".into(),
    };
    assert_eq!(errcode(p.call::<quota::QuotaGet>(&token, &bad_path).await), 76003);
    let rid = quota::RidGetRequest {
        rid: "nonexistent".into(),
    };
    let code = errcode(p.call::<quota::RidGet>(&token, &rid).await);
    assert!([76001, 76002].contains(&code), "{code}");
}

#[tokio::test]
async fn options_names_rid_lookup_and_categories() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let m = p.authorize(&token, "official_account", &[1, 2, 3]).await;
    let option = |name: &str, value: Option<&str>| component::AuthorizerOptionRequest {
        component_appid: Some(p.appid.clone()),
        authorizer_appid: Some(m.appid.clone()),
        option_name: name.to_owned(),
        option_value: value.map(str::to_owned),
    };
    p.call::<component::SetAuthorizerOption>(&token, &option("voice_recognize", Some("1")))
        .await
        .unwrap();
    let read = p
        .call::<component::GetAuthorizerOption>(&token, &option("voice_recognize", None))
        .await
        .unwrap();
    assert_eq!(read.option_value, "1");
    assert_eq!(
        errcode(
            p.call::<component::GetAuthorizerOption>(&token, &option("nope", None))
                .await
        ),
        61012
    );
    let bad_value = option("location_report", Some("9"));
    assert_eq!(
        errcode(p.call::<component::SetAuthorizerOptionV2>(&m.access, &bad_value).await),
        61013
    );
    let read = p
        .call::<component::GetAuthorizerOptionV2>(&m.access, &option("voice_recognize", None))
        .await;
    assert_eq!(read.unwrap().option_value, "1", "variant B sees what variant A set");

    // The rid in an errmsg leads back to the failed call (§1.9), with the token of the same account.
    let err = p
        .call::<component::GetAuthorizerOption>(&token, &option("nope", None))
        .await
        .unwrap_err();
    let WxError::Api { errmsg, .. } = &err else {
        panic!("{err:?}")
    };
    let rid = errmsg.rsplit("rid: ").next().unwrap().trim().to_owned();
    let found = p
        .call::<quota::RidGet>(&token, &quota::RidGetRequest { rid })
        .await
        .unwrap();
    assert!(found.request.response_body.contains("61012"), "{found:?}");

    let mp = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let a = mp.access.as_str();
    let plain = account::SetNicknameRequest {
        nick_name: "好吃餐饮小店".into(),
        ..Default::default()
    };
    assert_eq!(
        p.call::<account::SetNickname>(a, &plain).await.unwrap().audit_id,
        None,
        "set at once"
    );
    let official = account::SetNicknameRequest {
        nick_name: "中国好吃餐饮".into(),
        ..Default::default()
    };
    assert_eq!(errcode(p.call::<account::SetNickname>(a, &official).await), 91009);
    let with_licence = account::SetNicknameRequest {
        license: Some("media_licence".into()),
        ..official
    };
    let audit_id = p
        .call::<account::SetNickname>(a, &with_licence)
        .await
        .unwrap()
        .audit_id
        .unwrap();
    let query = account::QueryNicknameRequest {
        audit_id: audit_id.to_string(),
    };
    let status = p.call::<account::QueryNickname>(a, &query).await.unwrap();
    assert_eq!((status.nickname.as_str(), status.audit_stat), ("中国好吃餐饮", 1));
    let unknown = account::QueryNicknameRequest { audit_id: "1".into() };
    assert_eq!(errcode(p.call::<account::QueryNickname>(a, &unknown).await), 91011);
    let short = account::ModifySignatureRequest {
        signature: "短".into()
    };
    assert_eq!(errcode(p.call::<account::ModifySignature>(a, &short).await), 53204);

    use wxdesk::wechat::api::category;
    let all = p.call::<category::GetAllCategories>(a, &Empty {}).await.unwrap();
    assert!(!all.categories_list.categories.is_empty());
    let absent = category::DeleteCategoryRequest {
        first: 999_999,
        second: 999_999,
    };
    assert_eq!(errcode(p.call::<category::DeleteCategory>(a, &absent).await), 53303);
}

/// A template whose code uses `keys` (§6.16): a draft added through the control API, made a template.
async fn template_using(p: &Platform, token: &str, keys: &[&str]) -> TemplateId {
    let draft = p
        .control(
            "drafts",
            json!({"user_version": "2.0.0", "user_desc": "隐私", "privacy_keys": keys}),
        )
        .await;
    let add = tpl::AddToTemplateRequest {
        draft_id: DraftId(draft["draft_id"].as_u64().unwrap()),
        template_type: Some(0),
    };
    p.call::<tpl::AddToTemplate>(token, &add).await.unwrap();
    let list = p
        .call::<tpl::GetTemplateList>(token, &Default::default())
        .await
        .unwrap();
    list.template_list.last().unwrap().template_id
}

fn owner() -> privacy::OwnerSetting {
    privacy::OwnerSetting {
        contact_email: Some("privacy@example.com".into()),
        notice_method: "弹窗提示".into(),
        store_expire_timestamp: Some("30天".into()),
        ..Default::default()
    }
}

fn explain(keys: &[&str]) -> Vec<privacy::PrivacySetting> {
    keys.iter()
        .map(|key| privacy::PrivacySetting {
            privacy_key: (*key).into(),
            privacy_text: format!("为了提供{key}相关服务"),
            privacy_label: None,
        })
        .collect()
}

#[tokio::test]
async fn the_privacy_guide_comes_before_submit_and_goes_live_with_the_release() {
    let p = Platform::default().await;
    let token = p.component_token().await;
    let template_id = template_using(&p, &token, &["UserInfo", "Location"]).await;
    let m = p.authorize(&token, "miniprogram", &MINI_PROGRAM_SETS).await;
    let a = m.access.as_str();
    let dev = privacy::GetPrivacySettingRequest {
        privacy_ver: Some(privacy::privacy_ver::DEV),
    };
    let before = p.call::<privacy::GetPrivacySetting>(a, &dev).await.unwrap();
    assert_eq!((before.code_exist, before.privacy_list.len()), (0, 0));
    p.call::<code::Commit>(a, &commit_body(template_id)).await.unwrap();
    p.advance(61).await;
    let guide = p.call::<privacy::GetPrivacySetting>(a, &dev).await.unwrap();
    assert_eq!(guide.code_exist, 1);
    assert_eq!(guide.unconfigured(), vec!["UserInfo", "Location"]);
    assert!(guide.privacy_desc.unwrap().privacy_desc_list.len() >= 20);
    assert_eq!(
        errcode(p.call::<code::SubmitAudit>(a, &Default::default()).await),
        85086,
        "the guide does not explain the code's keys yet"
    );

    let set = |ver: i64, owner: privacy::OwnerSetting, keys: &[&str]| privacy::SetPrivacySettingRequest {
        privacy_ver: Some(ver),
        owner_setting: owner,
        setting_list: explain(keys),
        sdk_privacy_info_list: Vec::new(),
    };
    let all = ["UserInfo", "Location"];
    let no_notice = privacy::OwnerSetting {
        notice_method: String::new(),
        ..owner()
    };
    let monthly = privacy::OwnerSetting {
        store_expire_timestamp: Some("一个月".into()),
        ..owner()
    };
    for (request, expected) in [
        (set(2, no_notice, &all), 86069),
        (set(2, monthly, &all), 87072),
        (set(3, owner(), &all), 86071),
        (set(1, owner(), &[]), 86074),
        (set(2, owner(), &["UserInfo"]), 40097),
    ] {
        assert_eq!(
            errcode(p.call::<privacy::SetPrivacySetting>(a, &request).await),
            expected,
            "{request:?}"
        );
    }
    p.call::<privacy::SetPrivacySetting>(a, &set(2, owner(), &all))
        .await
        .unwrap();
    let guide = p.call::<privacy::GetPrivacySetting>(a, &dev).await.unwrap();
    assert!(guide.unconfigured().is_empty());
    assert_eq!(guide.setting_list[1].privacy_label.as_deref(), Some("位置信息"));
    assert_eq!(guide.owner_setting.notice_method, "弹窗提示");
    p.call::<code::SubmitAudit>(a, &Default::default()).await.unwrap();

    // Released, the development guide is the live one, whose owner_setting ver 1 then edits directly.
    p.control(
        "audit/resolve",
        json!({"authorizer_appid": m.appid, "outcome": "success"}),
    )
    .await;
    p.call::<release::Release>(a, &Empty {}).await.unwrap();
    let live_request = privacy::GetPrivacySettingRequest {
        privacy_ver: Some(privacy::privacy_ver::LIVE),
    };
    let live = p.call::<privacy::GetPrivacySetting>(a, &live_request).await.unwrap();
    assert_eq!(live.privacy_list, vec!["UserInfo", "Location"]);
    assert_eq!(live.setting_list.len(), 2);
    let phone = privacy::OwnerSetting {
        contact_phone: Some("13800000000".into()),
        ..owner()
    };
    p.call::<privacy::SetPrivacySetting>(a, &set(1, phone, &[]))
        .await
        .unwrap();
    let live = p.call::<privacy::GetPrivacySetting>(a, &live_request).await.unwrap();
    assert_eq!(live.owner_setting.contact_phone.as_deref(), Some("13800000000"));
    assert_eq!(live.setting_list.len(), 2, "ver 1 leaves the settings as released");
}

/// §14.2: `custom/send` is what the 全网发布 access check waits for; the simulator takes it from an official account
/// with 消息管理 (set 1) and refuses a mini program without 客服消息管理 (set 19).
#[tokio::test]
async fn custom_send_needs_a_message_set() {
    use wxdesk::wechat::api::message::{CustomSend, CustomSendRequest};
    let p = Platform::default().await;
    let token = p.component_token().await;
    let request = CustomSendRequest::text("ozy4qt5QUADNXORxCVipKMV9dss0", "code_from_api");
    let account = p.authorize(&token, "official_account", &[1]).await;
    p.call::<CustomSend>(&account.access, &request).await.unwrap();
    let bare = p.authorize(&token, "miniprogram", &[17, 30]).await;
    assert_eq!(errcode(p.call::<CustomSend>(&bare.access, &request).await), 61007);
    assert!(
        !wxdesk::wechat::lookup("/cgi-bin/message/custom/send")
            .unwrap()
            .idempotent,
        "a message is a write: never retried"
    );
}
