//! §6.1–§6.8 and §11.3: the per-mini-program code state machine — commit, privacy scan, submit_audit, the
//! audit and its outcome (with `weapp_audit_*` pushes), withdrawal.

use serde_json::{Value, json};

use super::super::push;
use super::super::reply::{ApiError, Outcome, num_field, ok, opt_str, str_field};
use super::super::routes::{Call, Endpoint, Verb, authorizer};
use super::super::state::Sim;
use super::categories::audit_categories;
use super::policy::{self, AuditPolicy, Drawn};
use super::privacy::PrivacyGuides;

/// §6.1: a privacy-API scan runs after commit; `submit_audit` before it ends is `61039` ("retry after ~1 min").
pub const PRIVACY_SCAN_SECS: i64 = 60;
/// How long an audit takes in simulated seconds unless a test resolves it or a policy is set (the platform takes
/// hours to days).
pub const AUDIT_SECS: i64 = 6 * 3600;
/// §6.8: withdrawals per day and per month.
const UNDO_PER_DAY: u32 = 5;
const UNDO_PER_MONTH: u32 = 10;
/// §6.1: standard templates accept only these ext_json keys (`9402203` otherwise).
const STANDARD_EXT_KEYS: [&str; 3] = ["extAppid", "ext", "window"];

#[derive(Debug, Clone)]
pub struct Commit {
    pub user_version: String,
    pub user_desc: String,
    pub at: i64,
    pub pages: Vec<String>,
    pub scan_done_at: i64,
    /// The privacy keys the template's code uses: `getprivacysetting.privacy_list` once the scan is done (§6.16).
    pub privacy_keys: Vec<String>,
}

/// §6.7 `status`: 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed.
#[derive(Debug, Clone)]
pub struct Audit {
    pub auditid: i64,
    pub status: u8,
    pub reason: String,
    pub screenshots: Vec<String>,
    pub submitted_at: i64,
    pub resolve_at: i64,
    pub user_version: String,
    pub user_desc: String,
    pub released: bool,
    pub sped_up: bool,
    /// The submitted code's privacy keys; a release puts the development guide live for them.
    pub privacy_keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Release {
    pub app_version: i64,
    pub user_version: String,
    pub user_desc: String,
    pub time: i64,
}

#[derive(Debug, Clone)]
pub struct GrayPlan {
    /// §6.11: 0 initial, 1 running, 2 paused, 3 finished, 4 deleted.
    pub status: u8,
    pub percentage: i64,
    pub created_at: i64,
    pub debuger_first: bool,
    pub experiencer_first: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CodeState {
    pub commit: Option<Commit>,
    /// Every audit of this mini program, newest last.
    pub audits: Vec<Audit>,
    pub online: Option<Release>,
    /// Releases and rollbacks, newest last (§6.10 lists the last five).
    pub history: Vec<Release>,
    pub reverted: bool,
    pub gray: Option<GrayPlan>,
    pub visit_closed: bool,
    pub undo_day: i64,
    pub undo_today: u32,
    pub undo_month: u32,
    pub next_app_version: i64,
    pub privacy: PrivacyGuides,
}

impl CodeState {
    pub fn latest(&self) -> Option<&Audit> {
        self.audits.last()
    }

    fn pending(&mut self) -> Option<&mut Audit> {
        self.audits.last_mut().filter(|a| a.status == 2 || a.status == 4)
    }
}

/// How a test or the clock ends an audit (`POST /__sim/audit/resolve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Success,
    Fail,
    Delay,
}

pub const ENDPOINTS: &[Endpoint] = &[
    authorizer("/wxa/commit", Verb::Post, &[18], commit),
    authorizer("/wxa/get_page", Verb::Get, &[18], get_page),
    authorizer("/wxa/get_category", Verb::Get, &[18], get_category),
    authorizer("/wxa/submit_audit", Verb::Post, &[18], submit_audit),
    authorizer("/wxa/get_auditstatus", Verb::Post, &[18], get_auditstatus),
    authorizer("/wxa/get_latest_auditstatus", Verb::Get, &[18], get_latest_auditstatus),
    authorizer("/wxa/undocodeaudit", Verb::Get, &[18], undocodeaudit),
];

/// §6.1: the template must exist (`85014`), ext_json is a JSON string (`85013`/`85048`), standard templates
/// take only `extAppid`/`ext`/`window` (`9402203`), pages must be the template's (`85045`), version ≤ 64.
fn commit(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let template_id = num_field(call.body, "template_id")?;
    let ext_json = match call.body.get("ext_json") {
        Some(Value::String(text)) => text.as_str(),
        _ => return Err(ApiError::new(85013, "invalid ext_json")),
    };
    let user_version = str_field(call.body, "user_version")?;
    let user_desc = opt_str(call.body, "user_desc").unwrap_or_default();
    if user_version.chars().count() > 64 {
        return Err(ApiError::new(85015, "version input error"));
    }
    let template = sim
        .library
        .template(template_id)
        .ok_or_else(|| ApiError::new(85014, "template not exist"))?;
    let ext: Value = if ext_json.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(ext_json).map_err(|_| ApiError::new(85048, "ext_json parse failed"))?
    };
    let Some(ext) = ext.as_object() else {
        return Err(ApiError::new(85013, "invalid ext_json"));
    };
    if template.template_type == 1 && ext.keys().any(|key| !STANDARD_EXT_KEYS.contains(&key.as_str())) {
        return Err(ApiError::new(9402203, "standard template ext_json is invalid"));
    }
    let privacy_keys = template.draft.privacy_keys.clone();
    let template_pages = template.pages();
    let pages: Vec<String> = match ext.get("pages") {
        Some(Value::Array(chosen)) if chosen.is_empty() => return Err(ApiError::new(85047, "pages are empty")),
        Some(Value::Array(chosen)) => {
            let chosen: Vec<String> = chosen.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            if let Some(bad) = chosen.iter().find(|page| !template_pages.contains(&page.as_str())) {
                return Err(ApiError::new(
                    85045,
                    format!("some path in ext_json not exist hint: [{bad}]"),
                ));
            }
            chosen
        }
        _ => template_pages.iter().map(|page| (*page).to_owned()).collect(),
    };
    let commit = Commit {
        user_version: user_version.to_owned(),
        user_desc: user_desc.to_owned(),
        at: call.now,
        pages,
        scan_done_at: call.now + sim.privacy_scan_secs,
        privacy_keys,
    };
    sim.account(call.authorizer()).code.commit = Some(commit);
    ok(json!({}))
}

fn get_page(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let commit = sim.account(call.authorizer()).code.commit.as_ref();
    let commit = commit.ok_or_else(|| ApiError::new(86001, "no committed code"))?;
    ok(json!({"page_list": commit.pages}))
}

fn get_category(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    ok(json!({"category_list": audit_categories(&sim.account(call.authorizer()).categories)}))
}

/// §6.5 item_list rules: 1–5 items (`85023`), ≤ 10 tags (`85006`), title ≤ 32 (`85011`), approved category (`85008`).
fn check_items(body: &Value, approved: &Value) -> Result<(), ApiError> {
    let Some(items) = body.get("item_list") else {
        return Ok(());
    };
    let items = items
        .as_array()
        .ok_or_else(|| ApiError::new(85023, "item_list count must be 1-5"))?;
    if items.is_empty() || items.len() > 5 {
        return Err(ApiError::new(85023, "item_list count must be 1-5"));
    }
    for item in items {
        if item.as_object().is_none_or(|map| map.is_empty()) {
            return Err(ApiError::new(85010, "item_list has empty item"));
        }
        let tags = opt_str(item, "tag").unwrap_or_default();
        if tags.split_whitespace().count() > 10 || tags.split_whitespace().any(|t| t.chars().count() > 20) {
            return Err(ApiError::new(85006, "tag format error"));
        }
        if opt_str(item, "title").is_some_and(|t| t.chars().count() > 32) {
            return Err(ApiError::new(85011, "title format error"));
        }
        if let (Some(first), Some(second)) = (item.get("first_id"), item.get("second_id")) {
            let known = approved.as_array().is_some_and(|list| {
                list.iter()
                    .any(|c| c.get("first_id") == Some(first) && c.get("second_id") == Some(second))
            });
            if !known {
                return Err(ApiError::new(85008, "no approved category"));
            }
        }
    }
    if opt_str(body, "feedback_info").is_some_and(|f| f.chars().count() > 200) {
        return Err(ApiError::new(85051, "feedback_info too long"));
    }
    Ok(())
}

/// §6.5 `feedback_stuff`: at most five `|`-separated temporary-material ids of this account.
///
/// [UNCONFIRMED] What the platform answers for an unknown id or a sixth image is not documented; the simulator
/// answers `40007` invalid media_id and `85051` (too large), the stricter reading, so a client that uploads first and
/// sends only what it uploaded is what passes.
fn check_feedback_stuff(body: &Value, uploaded: &[String]) -> Result<(), ApiError> {
    let Some(stuff) = opt_str(body, "feedback_stuff").filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let ids: Vec<&str> = stuff.split('|').collect();
    if ids.len() > 5 {
        return Err(ApiError::new(85051, "feedback_stuff holds at most 5 images"));
    }
    match ids.iter().find(|id| !uploaded.iter().any(|known| known == *id)) {
        Some(unknown) => Err(ApiError::new(40007, format!("invalid media_id hint: [{unknown}]"))),
        None => Ok(()),
    }
}

/// §6.5, §11.3: what `submit_audit` answers while the development privacy guide leaves out a key the code uses.
///
/// [UNCONFIRMED] No source names this errcode for certain. The one report (§6.5, community 2021) saw `85086`
/// "must commit before submit audit" with the code committed and the guide missing; `61040` is documented for
/// privacy *APIs* not granted or not declared (§6.14, §6.17), not for the guide. The simulator answers `85086`, the
/// reported and the harder reading: a client cannot tell it from "no commit" by the code, so it must read the commit
/// (`getversioninfo`) and the guide (`getprivacysetting`) back rather than commit again (which restarts the scan).
pub const PRIVACY_GUIDE_MISSING: i64 = 85086;

/// §6.5, §11.3: one audit at a time (`85009`), a commit first (`85086`), the scan done (`61039`), the privacy guide
/// explaining every key the code uses (`PRIVACY_GUIDE_MISSING`), quota (`85085`).
fn submit_audit(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = call.authorizer();
    let account = sim.account(index);
    let commit = account
        .code
        .commit
        .clone()
        .ok_or_else(|| ApiError::new(85086, "must commit before submit audit"))?;
    if account.code.latest().is_some_and(|a| a.status == 2 || a.status == 4) {
        return Err(ApiError::new(85009, "already has one auditing version"));
    }
    if call.now < commit.scan_done_at {
        return Err(ApiError::new(
            61039,
            "privacy api check is not finished, please retry after 1 minute",
        ));
    }
    let unexplained = account.code.privacy.unexplained(&commit.privacy_keys);
    if !unexplained.is_empty() {
        return Err(ApiError::new(
            PRIVACY_GUIDE_MISSING,
            format!(
                "must commit before submit audit hint: [privacy setting not set for {}]",
                unexplained.join(",")
            ),
        ));
    }
    check_items(call.body, &audit_categories(&account.categories))?;
    check_feedback_stuff(call.body, &account.temp_media)?;
    if sim.quota.rest <= 0 {
        return Err(ApiError::new(85085, "submit audit reach limit"));
    }
    sim.quota.rest -= 1;
    let auditid = sim.next_auditid;
    sim.next_auditid += 1;
    let audit = Audit {
        auditid,
        status: 2,
        reason: String::new(),
        screenshots: Vec::new(),
        submitted_at: call.now,
        resolve_at: call.now + audit_wait(sim.audit_policy.as_ref(), auditid, 0),
        user_version: commit.user_version,
        user_desc: commit.user_desc,
        released: false,
        sped_up: false,
        privacy_keys: commit.privacy_keys,
    };
    sim.account(index).code.audits.push(audit);
    ok(json!({"auditid": auditid}))
}

fn get_auditstatus(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let auditid = num_field(call.body, "auditid")?;
    let account = sim.account(call.authorizer());
    let audit = account.code.audits.iter().find(|a| a.auditid == auditid);
    let audit = audit.ok_or_else(|| ApiError::new(85012, "invalid audit id"))?;
    let mut answer = json!({"status": audit.status, "reason": audit.reason});
    if audit.status == 1
        && let Some(map) = answer.as_object_mut()
    {
        map.insert("screenshot".into(), json!(audit.screenshots.join("|")));
    }
    ok(answer)
}

/// §6.7: `ScreenShot` spelled as in the official example; `85058` when nothing was ever submitted.
fn get_latest_auditstatus(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let account = sim.account(call.authorizer());
    let audit = account
        .code
        .latest()
        .ok_or_else(|| ApiError::new(85058, "no valid audit_id exist"))?;
    ok(json!({
        "auditid": audit.auditid,
        "status": audit.status,
        "reason": audit.reason,
        "ScreenShot": audit.screenshots.join("|"),
        "user_version": audit.user_version,
        "user_desc": audit.user_desc,
        "submit_audit_time": audit.submitted_at,
    }))
}

/// §6.8: only a running (or delayed) audit can be withdrawn (`87012`); 5 a day, 10 a month (`87013`).
fn undocodeaudit(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let code = &mut sim.account(call.authorizer()).code;
    let day = call.now.div_euclid(86_400);
    if code.undo_day != day {
        code.undo_day = day;
        code.undo_today = 0;
    }
    if code.pending().is_none() {
        return Err(ApiError::new(87012, "audit status does not allow undo"));
    }
    if code.undo_today >= UNDO_PER_DAY || code.undo_month >= UNDO_PER_MONTH {
        return Err(ApiError::new(87013, "撤回次数达到上限（每天5次，每个月 10 次）"));
    }
    code.undo_today += 1;
    code.undo_month += 1;
    if let Some(audit) = code.pending() {
        audit.status = 3;
    }
    ok(json!({}))
}

/// Simulated seconds round `round` of audit `auditid` takes: the policy's draw, or `AUDIT_SECS` without a policy.
pub fn audit_wait(policy: Option<&AuditPolicy>, auditid: i64, round: u8) -> i64 {
    policy.map_or(AUDIT_SECS, |p| p.wait_secs(auditid, round))
}

/// Ends the running audit of `index` and pushes `weapp_audit_success|fail|delay` to the message URL as the platform
/// sends it (§4.3): no auditid, `ToUserName` the mini program's `gh_` id, a rejection's reasons numbered and joined
/// with `<br>`, its screenshots `|`-separated permanent-material media ids that `get_material` serves to this mini
/// program's own token.
pub fn resolve(
    sim: &mut Sim,
    index: u32,
    outcome: AuditOutcome,
    reason: Option<String>,
    screenshots: Option<Vec<String>>,
    now: i64,
) -> Result<i64, &'static str> {
    settle(sim, index, outcome, reason, screenshots, now, Notify::Push)
}

/// Whether ending an audit pushes its result. The platform always pushes, but a push can be lost (§4.3: a developer
/// received another event instead); `Silent` plays that loss, so the hub's `get_latest_auditstatus` poll is what
/// finds the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notify {
    Push,
    Silent,
}

/// `resolve`, with the push sent or lost as `notify` says.
pub fn settle(
    sim: &mut Sim,
    index: u32,
    outcome: AuditOutcome,
    reason: Option<String>,
    screenshots: Option<Vec<String>>,
    now: i64,
    notify: Notify,
) -> Result<i64, &'static str> {
    let policy = sim.audit_policy.clone();
    let audit = sim
        .account(index)
        .code
        .pending()
        .ok_or("this mini program has no audit running")?;
    let auditid = audit.auditid;
    let fields = match outcome {
        AuditOutcome::Success => {
            audit.status = 0;
            audit.reason.clear();
            vec![push::number("SuccTime", now)]
        }
        AuditOutcome::Fail => {
            audit.status = 1;
            audit.reason = reason.unwrap_or_else(policy::default_rejection);
            audit.screenshots = screenshots.unwrap_or_else(|| policy::screenshots_for(auditid, auditid as u64));
            // The doc's sample writes the media ids as plain text, not CDATA (§4.3).
            vec![
                push::cdata("Reason", &audit.reason),
                push::number("FailTime", now),
                format!("<ScreenShot>{}</ScreenShot>", audit.screenshots.join("|")),
            ]
        }
        AuditOutcome::Delay => {
            audit.status = 4;
            audit.reason = reason.unwrap_or_else(|| policy::DELAY_REASON.into());
            audit.resolve_at = now + audit_wait(policy.as_ref(), auditid, 1);
            vec![push::cdata("Reason", &audit.reason), push::number("DelayTime", now)]
        }
    };
    let event = match outcome {
        AuditOutcome::Success => "weapp_audit_success",
        AuditOutcome::Fail => "weapp_audit_fail",
        AuditOutcome::Delay => "weapp_audit_delay",
    };
    if notify == Notify::Silent {
        return Ok(auditid);
    }
    let profile = sim.merchants.profile(index);
    sim.push(push::message_event(
        &profile.appid,
        &profile.user_name,
        now,
        event,
        &fields,
    ));
    Ok(auditid)
}

/// Audits whose time has come end: as the policy draws (a delay is followed by a second, final round), or approved
/// when there is no policy. Accounts are visited in index order, so the pushes come in the same order every run.
pub fn tick(sim: &mut Sim, now: i64) {
    let mut due: Vec<(u32, i64, u8)> = sim
        .accounts
        .iter()
        .filter_map(|(index, account)| {
            let audit = account.code.latest()?;
            let pending = (audit.status == 2 || audit.status == 4) && now >= audit.resolve_at;
            pending.then_some((*index, audit.auditid, u8::from(audit.status == 4)))
        })
        .collect();
    due.sort_unstable();
    for (index, auditid, round) in due {
        let drawn = sim
            .audit_policy
            .as_ref()
            .map_or(Drawn::Approve, |p| p.outcome(auditid, round));
        let _ = match drawn {
            Drawn::Approve => resolve(sim, index, AuditOutcome::Success, None, None, now),
            Drawn::Reject { reason, screenshots } => {
                resolve(sim, index, AuditOutcome::Fail, Some(reason), Some(screenshots), now)
            }
            Drawn::Delay => resolve(sim, index, AuditOutcome::Delay, None, None, now),
        };
    }
    super::account::tick(sim, now);
}

/// From now on audits end by `policy`; the ones running are given a new end drawn from it.
pub fn set_policy(sim: &mut Sim, policy: AuditPolicy, now: i64) -> usize {
    let mut rescheduled = 0;
    for account in sim.accounts.values_mut() {
        if let Some(audit) = account.code.pending() {
            let round = u8::from(audit.status == 4);
            audit.resolve_at = now + policy.wait_secs(audit.auditid, round);
            rescheduled += 1;
        }
    }
    sim.audit_policy = Some(policy);
    rescheduled
}
