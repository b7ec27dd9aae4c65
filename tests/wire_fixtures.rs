//! The JSON examples of wechat-api.md (tests/fixtures/wire) read into the typed responses and requests, and written
//! back with exactly the doc's field names, so the client and the simulator cannot agree on a wrong name.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wxdesk::wechat::api::{
    account, category, code, component, domain, media, privacy, quota, register, release, template,
};
use wxdesk::wechat::{Endpoint, TemplateId};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/wire/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Object keys at every depth, compared case-insensitively (§6.7 `ScreenShot`/`screenshot`), envelope excluded.
fn keys(value: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if prefix.is_empty() && (k == "errcode" || k == "errmsg") {
                    continue;
                }
                let path = format!("{prefix}/{}", k.to_ascii_lowercase());
                out.insert(path.clone());
                keys(v, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, &format!("{prefix}[]"), out)),
        _ => {}
    }
}

fn key_set(value: &Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    keys(value, "", &mut out);
    out
}

/// Reads the doc's JSON into `T`, writes it back, and requires the same field names at every depth.
fn same_names<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let doc = fixture(name);
    let typed: T = serde_json::from_value(doc.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        key_set(&back),
        key_set(&doc),
        "{name}: field names differ from wechat-api.md"
    );
    typed
}

fn response<E: Endpoint>(name: &str) -> E::Response
where
    E::Response: Serialize,
{
    same_names::<E::Response>(name)
}

fn request<E: Endpoint>(name: &str) -> E::Request
where
    E::Request: DeserializeOwned,
{
    same_names::<E::Request>(name)
}

#[test]
fn component_token_answers() {
    let t = response::<component::ComponentToken>("api_component_token.response");
    assert_eq!((t.component_access_token.expose().len(), t.expires_in), (86, 7200));
    assert_eq!(format!("{t:?}").matches("61W3mEpU").count(), 0, "tokens never print");
    let p = response::<component::CreatePreAuthCode>("api_create_preauthcode.response");
    assert_eq!(p.expires_in, 600);
    let q = response::<component::QueryAuth>("api_query_auth.response");
    assert_eq!(q.authorization_info.authorizer_appid.as_str(), "wxf8b4f85f3a794e77");
    assert_eq!(q.authorization_info.granted_sets(), vec![1, 2, 3]);
    let r = response::<component::AuthorizerToken>("api_authorizer_token.response");
    assert_eq!(r.authorizer_refresh_token.unwrap().expose(), "refresh_token_value");
}

#[test]
fn authorizer_info_list_and_options() {
    let info = response::<component::GetAuthorizerInfo>("api_get_authorizer_info.response");
    assert!(info.authorizer_info.is_mini_program());
    assert_eq!(info.authorizer_info.user_name, "gh_c43395cb652e");
    assert_eq!(info.authorizer_info.verify_type_info.id, -1);
    assert!(info.authorizer_info.basic_config.is_phone_configured);
    let network = &info.authorizer_info.mini_program_info.as_ref().unwrap().network;
    assert_eq!(network["RequestDomain"], vec!["https://weixin.qq.com".to_owned()]);
    assert_eq!(
        info.authorization_info.func_info[0].confirm_info.unwrap().can_confirm,
        0
    );
    assert_eq!(info.authorization_info.granted_sets(), vec![3, 7, 17, 18]);
    let list = response::<component::GetAuthorizerList>("api_get_authorizer_list.response");
    assert_eq!((list.total_count, list.list[0].auth_time), (33, 1558000607));
    assert_eq!(list.list[0].refresh_token.expose(), "refresh_token_1");
    let a = response::<component::GetAuthorizerOption>("api_get_authorizer_option.response");
    assert_eq!(
        (a.option_name.as_str(), a.option_value.as_str()),
        ("voice_recognize", "1")
    );
    let b = response::<component::GetAuthorizerOptionV2>("get_authorizer_option_v2.response");
    assert_eq!(b.authorizer_appid, None);
}

#[test]
fn quota_and_rid() {
    assert_eq!(
        request::<quota::QuotaGet>("quota_get.request").cgi_path,
        "/wxa/gettemplatedraftlist"
    );
    assert_eq!(
        request::<quota::RidGet>("rid_get.request").rid,
        "61725984-6126f6f9-040f19c4"
    );
    let rid = response::<quota::RidGet>("rid_get.response");
    assert_eq!(
        (rid.request.cost_in_ms, rid.request.client_ip.as_str()),
        (30, "113.xx.70.51")
    );
    assert!(rid.request.response_body.contains("45009"));
}

#[test]
fn template_library() {
    let drafts = response::<template::GetTemplateDraftList>("gettemplatedraftlist.response");
    assert_eq!(
        (drafts.draft_list[0].draft_id.0, drafts.draft_list[0].developer.as_str()),
        (7, "nick")
    );
    let templates = response::<template::GetTemplateList>("gettemplatelist.response");
    assert_eq!(
        (
            templates.template_list[0].template_id,
            templates.template_list[0].template_type
        ),
        (TemplateId(3), 0)
    );
    assert_eq!(
        request::<template::DeleteTemplate>("deletetemplate.request").template_id,
        TemplateId(3)
    );
}

#[test]
fn commit_keeps_the_docs_names_and_sends_template_id_as_a_number() {
    let commit = request::<code::Commit>("commit.request");
    assert_eq!(commit.template_id, TemplateId(0));
    let ext: Value = serde_json::from_str(&commit.ext_json).unwrap();
    assert_eq!(ext["pages"][1], "search/index");
    assert_eq!(
        serde_json::to_value(&commit).unwrap()["template_id"],
        serde_json::json!(0)
    );
}

#[test]
fn code_management_answers() {
    assert_eq!(response::<code::GetPage>("get_page.response").page_list.len(), 3);
    let categories = response::<code::GetCategory>("get_category.response").category_list;
    assert_eq!((categories[0].third_id, categories[1].third_id), (None, Some(5)));
    assert_eq!(
        response::<code::SubmitAudit>("submit_audit.response").auditid.0,
        1234567
    );
    assert_eq!(
        request::<code::GetAuditStatus>("get_auditstatus.request").auditid.0,
        1234567
    );
    let status = response::<code::GetAuditStatus>("get_auditstatus.response");
    assert_eq!((status.status, status.screenshot.as_deref()), (1, Some("xx|yy|zz")));
    let latest = response::<code::GetLatestAuditStatus>("get_latest_auditstatus.response");
    assert_eq!(
        latest.screenshots(),
        vec!["xx", "yy", "zz"],
        "ScreenShot is read as screenshot"
    );
    assert_eq!(latest.submit_audit_time, 1640763673);
    let privacy = response::<code::GetCodePrivacyInfo>("get_code_privacy_info.response");
    assert_eq!(privacy.without_conf_list, vec!["wx.onLocationChange"]);
    let version = response::<code::GetVersionInfo>("getversioninfo.response");
    assert_eq!(version.release_info.unwrap().release_version, "1.0.0");
    let upload: media::UploadMediaResponse = same_names("uploadmedia.response");
    assert_eq!(upload.kind, "image");
}

/// §6.16: both guide endpoints keep the doc's names, `privacy_desc` is an object holding its list, and a key of
/// `privacy_list` without text in `setting_list` is unconfigured.
#[test]
fn privacy_guide_get_and_set() {
    assert_eq!(
        request::<privacy::GetPrivacySetting>("getprivacysetting.request").privacy_ver,
        Some(privacy::privacy_ver::DEV)
    );
    let guide = response::<privacy::GetPrivacySetting>("getprivacysetting.response");
    assert_eq!(guide.code_exist, 1);
    assert_eq!(guide.unconfigured(), vec!["Album"]);
    assert_eq!(guide.owner_setting.store_expire_timestamp.as_deref(), Some("30天"));
    assert_eq!(guide.privacy_desc.unwrap().privacy_desc_list.len(), 3);
    assert_eq!(guide.sdk_privacy_info_list[0].sdk_list[0].privacy_key, "Location");
    let set = request::<privacy::SetPrivacySetting>("setprivacysetting.request");
    assert_eq!(set.owner_setting.notice_method, "弹窗提示");
    assert_eq!(set.setting_list.len(), 2);
    assert_eq!(set.setting_list[0].privacy_label, None, "only answers carry the label");
}

#[test]
fn release_answers() {
    let history = response::<release::GetHistoryVersion>("revertcoderelease_history.response");
    assert_eq!(history.version_list[0].app_version, 123);
    let plan = response::<release::GetGrayReleasePlan>("getgrayreleaseplan.response").gray_release_plan;
    assert_eq!((plan.status, plan.gray_percentage), (1, 8));
    assert_eq!(
        request::<release::ChangeVisitStatus>("change_visitstatus.request").action,
        "close"
    );
    assert_eq!(response::<release::GetVisitStatus>("getvisitstatus.response").status, 1);
    assert_eq!(
        request::<release::SpeedupAudit>("speedupaudit.request").auditid.0,
        1234567
    );
    let quota = response::<release::QueryQuota>("queryquota.response");
    assert_eq!(
        (quota.rest, quota.limit, quota.speedup_rest, quota.speedup_limit),
        (9, 10, 1, 1)
    );
}

#[test]
fn domain_confirm_file() {
    let file = response::<domain::GetDomainConfirmFile>("get_domain_confirmfile.response");
    assert_eq!(file.file_name, "xxx.txt");
}

#[test]
fn registration_requests_and_answers() {
    let create = request::<register::FastRegisterWeapp>("fastregisterweapp.request");
    assert_eq!(
        serde_json::to_value(&create).unwrap()["code_type"],
        serde_json::json!(1),
        "code_type is a number"
    );
    assert_eq!(register::FastRegisterWeapp::QUERY, &[("action", "create")]);
    request::<register::FastRegisterWeappSearch>("fastregisterweapp_search.request");
    assert_eq!(
        response::<register::FastRegisterWeapp>("fastregisterweapp.response").errmsg,
        "OK"
    );
    let query = request::<register::FastRegisterEnterpriseQuery>("fastregisterenterpriseweapp_query.request");
    assert!(query.new_version);
    assert_eq!(
        response::<register::FastRegisterEnterprise>("fastregisterenterpriseweapp.response").status,
        1
    );
    let personal = response::<register::FastRegisterPersonal>("fastregisterpersonalweapp.response");
    assert_eq!((personal.taskid.as_str(), personal.status), ("xxxxx", 0));
    let beta = response::<register::FastRegisterBeta>("fastregisterbetaweapp.response");
    assert!(
        beta.authorize_url
            .starts_with("https://mp.weixin.qq.com/wxawap/fastregistertpbeta")
    );
    let verify = request::<register::VerifyBetaWeapp>("verifybetaweapp.request");
    assert_eq!((verify.verify_info.code_type, verify.new_version), (Some(1), false));
    assert_eq!(
        request::<register::AccountFastRegister>("account_fastregister.request")
            .ticket
            .len(),
        32
    );
}

#[test]
fn reuse_official_account_flags_read_from_strings_and_booleans() {
    let doc = fixture("account_fastregister.response");
    let typed: register::AccountFastRegisterResponse = serde_json::from_value(doc.clone()).unwrap();
    assert!(typed.is_wx_verify_succ && typed.is_link_succ);
    assert_eq!(key_set(&serde_json::to_value(&typed).unwrap()), key_set(&doc));
    let mut boolean = doc;
    boolean["is_link_succ"] = Value::Bool(false);
    let typed: register::AccountFastRegisterResponse = serde_json::from_value(boolean).unwrap();
    assert!(!typed.is_link_succ);
}

#[test]
fn new_version_registration_bodies_have_only_the_new_fields() {
    let body =
        register::EnterpriseRegistrationRequest::new_version("某某科技有限公司", "91440300MA5F000000", "13800000000");
    let value = serde_json::to_value(&body).unwrap();
    let mut names: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    names.sort();
    assert_eq!(names, ["code", "component_phone", "name", "new_version"]);
    let legacy = register::EnterpriseRegistrationRequest::legacy("n", "c", 1, "openid", "p");
    assert!(serde_json::to_value(&legacy).unwrap().get("new_version").is_none());
}

#[test]
fn account_setup() {
    let set = response::<account::SetNickname>("setnickname.response");
    assert_eq!(set.audit_id, Some(12345));
    assert_eq!(
        request::<account::QueryNickname>("api_wxa_querynickname.request").audit_id,
        "12345"
    );
    let status = response::<account::QueryNickname>("api_wxa_querynickname.response");
    assert_eq!((status.audit_stat, status.create_time), (3, 1524553200));
    let as_strings: account::QueryNicknameResponse =
        serde_json::from_str(r#"{"nickname":"x","audit_stat":1,"create_time":"1524553200","audit_time":"1"}"#).unwrap();
    assert_eq!(as_strings.create_time, 1524553200, "times may be strings (§8.7.2)");
    request::<account::CheckWxVerifyNickname>("checkwxverifynickname.request");
    assert!(response::<account::CheckWxVerifyNickname>("checkwxverifynickname.response").hit_condition);
    let head = request::<account::ModifyHeadImage>("modifyheadimage.request");
    assert_eq!((head.x2, head.y2), (1.0, 1.0));
    let info = response::<account::GetAccountBasicInfo>("getaccountbasicinfo.response");
    assert_eq!((info.account_type, info.nickname_info.modify_quota), (2, 2));
    assert!(info.wx_verify_info.naming_verify);
}

#[test]
fn categories_keep_the_certicates_spelling() {
    let add = request::<category::AddCategory>("addcategory.request");
    assert_eq!(add.categories[0].certicates[0].value, "media_id");
    request::<category::DeleteCategory>("deletecategory.request");
    request::<category::ModifyCategory>("modifycategory.request");
    request::<category::GetCategoriesByType>("getcategoriesbytype.request");
}

#[test]
fn ack_reads_the_envelope() {
    let ack = response::<release::Release>("ack.response");
    assert_eq!((ack.errcode, ack.errmsg.as_str()), (0, "ok"));
}

/// §14.2 step 4: the body the 全网发布 access check expects through `custom/send`.
#[test]
fn custom_send_of_the_access_check() {
    let send = request::<wxdesk::wechat::api::message::CustomSend>("custom_send.request");
    assert_eq!(send.msgtype, "text");
    assert!(send.text.content.ends_with("_from_api"));
    let built = wxdesk::wechat::api::message::CustomSendRequest::text(&send.touser, &send.text.content);
    assert_eq!(built, send);
}
