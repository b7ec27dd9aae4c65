//! §8.7: account setup on behalf of a mini program (name, intro, avatar, basic info, categories, admin
//! rebind), plus the per-account state every area keeps in one `Account`.

use serde_json::{Value, json};

use super::super::push;
use super::super::reply::{ApiError, Outcome, num_field, ok, opt_str, str_field};
use super::super::routes::{Call, Endpoint, Verb, authorizer};
use super::super::state::Sim;
use super::categories::{self, Category};
use super::code::CodeState;
use super::domains::Domains;

/// §1.8 option defaults: location_report, voice_recognize, customer_service.
pub const DEFAULT_OPTIONS: [u8; 3] = [1, 0, 1];
/// §8.7.4/§8.7.5: `modify_quota` as `getaccountbasicinfo` reports it.
const MONTHLY_MODIFY_QUOTA: u32 = 5;
/// Simulated seconds a name under manual review takes.
pub const NICKNAME_AUDIT_SECS: i64 = 3600;

#[derive(Debug, Clone)]
pub struct NicknameAudit {
    pub audit_id: i64,
    pub nick_name: String,
    /// §8.7.2: 1 under review, 2 rejected, 3 approved.
    pub stat: u8,
    pub fail_reason: String,
    pub create_time: i64,
    pub audit_time: i64,
}

#[derive(Debug, Clone)]
pub struct Tester {
    pub wechatid: String,
    pub userstr: String,
}

/// What an account changed or accumulated since it was seeded.
#[derive(Debug, Clone)]
pub struct Account {
    pub options: [u8; 3],
    pub nick_name: Option<String>,
    pub signature: Option<String>,
    pub signature_changes: u32,
    pub head_image_changes: u32,
    pub nickname_audits: Vec<NicknameAudit>,
    pub categories: Vec<Category>,
    pub category_changes: u32,
    pub domains: Domains,
    pub webview_domains: Vec<String>,
    pub testers: Vec<Tester>,
    pub code: CodeState,
    pub support_version: String,
    /// Temporary material uploaded with this account's token (`/cgi-bin/media/upload`): what `feedback_stuff` and
    /// `modifyheadimage` may name.
    pub temp_media: Vec<String>,
    /// The avatar set with `modifyheadimage`; `None` keeps the seeded one (a registered mini program has none).
    pub head_img: Option<String>,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            options: DEFAULT_OPTIONS,
            nick_name: None,
            signature: None,
            signature_changes: 0,
            head_image_changes: 0,
            nickname_audits: Vec::new(),
            categories: vec![categories::default_category()],
            temp_media: Vec::new(),
            head_img: None,
            category_changes: 0,
            domains: Domains::default(),
            webview_domains: Vec::new(),
            testers: Vec::new(),
            code: CodeState::default(),
            support_version: "2.30.0".into(),
        }
    }
}

impl Account {
    /// Forgets this month's changes and withdrawals (`Sim::roll_month`).
    pub fn new_month(&mut self) {
        self.signature_changes = 0;
        self.head_image_changes = 0;
        self.category_changes = 0;
        self.code.undo_month = 0;
    }

    /// §1.6 `MiniProgramInfo.categories`: `[{first, second}]` as names.
    pub fn category_names(&self) -> Value {
        self.categories
            .iter()
            .map(|c| json!({"first": c.first_name, "second": c.second_name}))
            .collect()
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    authorizer("/wxa/setnickname", Verb::Post, &[30], setnickname),
    authorizer("/wxa/api_wxa_querynickname", Verb::Post, &[30], querynickname),
    authorizer(
        "/cgi-bin/wxverify/checkwxverifynickname",
        Verb::Post,
        &[30, 31],
        checkwxverifynickname,
    ),
    authorizer("/cgi-bin/account/modifyheadimage", Verb::Post, &[30], modifyheadimage),
    authorizer("/cgi-bin/account/modifysignature", Verb::Post, &[30], modifysignature),
    authorizer(
        "/cgi-bin/account/getaccountbasicinfo",
        Verb::Any,
        &[17, 30],
        getaccountbasicinfo,
    ),
    authorizer(
        "/cgi-bin/account/componentrebindadmin",
        Verb::Post,
        &[17],
        componentrebindadmin,
    ),
    authorizer(
        "/cgi-bin/wxopen/getallcategories",
        Verb::Get,
        &[30],
        categories::getallcategories,
    ),
    authorizer(
        "/cgi-bin/wxopen/getcategoriesbytype",
        Verb::Post,
        &[30],
        categories::getcategoriesbytype,
    ),
    authorizer("/cgi-bin/wxopen/getcategory", Verb::Get, &[30], categories::getcategory),
    authorizer(
        "/cgi-bin/wxopen/addcategory",
        Verb::Post,
        &[30],
        categories::addcategory,
    ),
    authorizer(
        "/cgi-bin/wxopen/deletecategory",
        Verb::Post,
        &[30],
        categories::deletecategory,
    ),
    authorizer(
        "/cgi-bin/wxopen/modifycategory",
        Verb::Post,
        &[30],
        categories::modifycategory,
    ),
];

/// §8.7.1: 2–30 characters, no spaces at the ends; names that look official go to manual review.
fn setnickname(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let name = str_field(call.body, "nick_name")?;
    let length = name.chars().count();
    if !(2..=30).contains(&length) || name.trim() != name {
        return Err(ApiError::new(91004, "nickname invalid"));
    }
    let needs_review = name.contains("官方") || name.contains("中国");
    if needs_review && opt_str(call.body, "license").is_none() && opt_str(call.body, "id_card").is_none() {
        return Err(ApiError::new(91009, "need proof materials"));
    }
    let index = call.authorizer();
    let audit_id = if needs_review {
        let audit_id = sim.next_auditid;
        sim.next_auditid += 1;
        let audit = NicknameAudit {
            audit_id,
            nick_name: name.to_owned(),
            stat: 1,
            fail_reason: String::new(),
            create_time: call.now,
            audit_time: call.now + NICKNAME_AUDIT_SECS,
        };
        sim.account(index).nickname_audits.push(audit);
        Some(audit_id)
    } else {
        sim.account(index).nick_name = Some(name.to_owned());
        None
    };
    match audit_id {
        Some(audit_id) => ok(json!({"wording": "名称已提交审核", "audit_id": audit_id})),
        None => ok(json!({"wording": ""})),
    }
}

/// Approves names whose review time has come and pushes `wxa_nickname_audit` (§4.3).
pub fn tick(sim: &mut Sim, now: i64) {
    let mut due = Vec::new();
    for (index, account) in &sim.accounts {
        for audit in account
            .nickname_audits
            .iter()
            .filter(|a| a.stat == 1 && now >= a.audit_time)
        {
            due.push((*index, audit.audit_id));
        }
    }
    for (index, audit_id) in due {
        end_name_audit(sim, index, audit_id, true, "", now);
    }
}

/// Ends the name audit `audit_id` of account `index` (approved: the name is set) and pushes `wxa_nickname_audit`
/// (§4.3, `ret` 3 approved, 2 rejected). Answers false when no such audit is under review.
pub fn end_name_audit(sim: &mut Sim, index: u32, audit_id: i64, approve: bool, reason: &str, now: i64) -> bool {
    let account = sim.account(index);
    let Some(audit) = account
        .nickname_audits
        .iter_mut()
        .find(|a| a.audit_id == audit_id && a.stat == 1)
    else {
        return false;
    };
    audit.stat = if approve { 3 } else { 2 };
    audit.fail_reason = reason.to_owned();
    audit.audit_time = now;
    let nick_name = audit.nick_name.clone();
    if approve {
        account.nick_name = Some(nick_name.clone());
    }
    let profile = sim.merchants.profile(index);
    let fields = [
        push::number("ret", i64::from(if approve { 3 } else { 2 })),
        push::cdata("nickname", &nick_name),
        push::cdata("reason", reason),
    ];
    sim.push(push::message_event(
        &profile.appid,
        &profile.user_name,
        now,
        "wxa_nickname_audit",
        &fields,
    ));
    true
}

/// The audits of account `index` still under review, oldest first.
pub fn names_under_review(sim: &Sim, index: u32) -> Vec<i64> {
    sim.accounts
        .get(&index)
        .map(|a| {
            a.nickname_audits
                .iter()
                .filter(|a| a.stat == 1)
                .map(|a| a.audit_id)
                .collect()
        })
        .unwrap_or_default()
}

fn querynickname(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let audit_id = num_field(call.body, "audit_id")?;
    let account = sim.account(call.authorizer());
    let audit = account
        .nickname_audits
        .iter()
        .find(|a| a.audit_id == audit_id)
        .ok_or_else(|| ApiError::new(91011, "audit record not found"))?;
    ok(json!({
        "nickname": audit.nick_name,
        "audit_stat": audit.stat,
        "fail_reason": audit.fail_reason,
        "create_time": audit.create_time,
        "audit_time": if audit.stat == 1 { 0 } else { audit.audit_time },
    }))
}

fn checkwxverifynickname(_sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let name = str_field(call.body, "nick_name")?;
    let hit = name.contains("官方") || name.contains("中国");
    let wording = if hit { "该名称需要补充材料证明" } else { "" };
    ok(json!({"hit_condition": hit, "wording": wording}))
}

/// §8.7.4: the media id must be temporary material this account uploaded; the crop box is fractions of the image.
fn modifyheadimage(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let media_id = str_field(call.body, "head_img_media_id")?;
    let crop: Vec<f64> = ["x1", "y1", "x2", "y2"]
        .iter()
        .map(|key| call.body[*key].as_f64().unwrap_or(f64::NAN))
        .collect();
    let fractions = crop.iter().all(|v| (0.0..=1.0).contains(v));
    if !fractions || crop[0] >= crop[2] || crop[1] >= crop[3] {
        return Err(ApiError::new(40097, "invalid args: x1, y1, x2, y2"));
    }
    let account = sim.account(call.authorizer());
    if !account.temp_media.iter().any(|known| known == media_id) {
        // [UNCONFIRMED] errcode, as for `feedback_stuff`: the stricter reading refuses an id never uploaded.
        return Err(ApiError::new(40007, format!("invalid media_id hint: [{media_id}]")));
    }
    if account.head_image_changes >= MONTHLY_MODIFY_QUOTA {
        return Err(ApiError::new(53202, "modify head image quota limit"));
    }
    account.head_image_changes += 1;
    account.head_img = Some(format!("http://wx.qlogo.cn/mmopen/{media_id}/0"));
    ok(json!({}))
}

/// §8.7.5: 4–120 characters.
fn modifysignature(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let signature = str_field(call.body, "signature")?;
    if !(4..=120).contains(&signature.chars().count()) {
        return Err(ApiError::new(53204, "signature invalid"));
    }
    let account = sim.account(call.authorizer());
    if account.signature_changes >= MONTHLY_MODIFY_QUOTA {
        return Err(ApiError::new(53200, "modify signature quota limit"));
    }
    account.signature_changes += 1;
    account.signature = Some(signature.to_owned());
    ok(json!({}))
}

/// §8.7.6, accepted as GET or POST.
fn getaccountbasicinfo(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = call.authorizer();
    let profile = sim.merchants.profile(index);
    let account = sim.account(index).clone();
    let nickname = account.nick_name.clone().unwrap_or(profile.nick_name);
    let account_type = match profile.kind {
        super::super::merchants::Kind::Miniprogram => 3,
        super::super::merchants::Kind::OfficialAccount if profile.service_type == 2 => 2,
        super::super::merchants::Kind::OfficialAccount => 1,
    };
    let personal = profile.principal_name == "个人";
    ok(json!({
        "appid": profile.appid,
        "account_type": account_type,
        "principal_type": if personal { 0 } else { 1 },
        "principal_name": profile.principal_name,
        "credential": "",
        "realname_status": 1,
        "wx_verify_info": {"qualification_verify": profile.verify_type == 0, "naming_verify": profile.verify_type == 0,
            "annual_review": false},
        "signature_info": {"signature": super::component::signature(sim, index),
            "modify_used_count": account.signature_changes, "modify_quota": MONTHLY_MODIFY_QUOTA},
        "head_image_info": {"head_image_url": super::component::head_img(sim, index),
            "modify_used_count": account.head_image_changes, "modify_quota": MONTHLY_MODIFY_QUOTA},
        "nickname_info": {"nickname": nickname, "modify_used_count": 0, "modify_quota": 2},
        "nickname": nickname,
        "registered_country": 1017,
        "customer_type": if profile.verify_type == 0 { 1 } else { 0 },
    }))
}

/// §8.7.8: the taskid the rebind page redirected with.
fn componentrebindadmin(_sim: &mut Sim, call: &Call<'_>) -> Outcome {
    str_field(call.body, "taskid")?;
    ok(json!({}))
}
