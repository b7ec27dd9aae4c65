//! `POST /api/v1/deployments` (DESIGN.md, "Deployments"): checks a plan field by field, then creates the job with
//! one item per merchant in its wave. The work itself is `jobs::deploy`. A bad plan is a 400 naming every bad
//! field, and nothing is written to the platform: the only call made is the read of the template library.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Hub;
use super::api::{ApiJson, Operator, Recorded};
use super::jobs;
use super::store::queries;
use crate::hubapi::wave_sizes;
use crate::hubapi::{AccountKind, ApiError, ErrorBody, ErrorCode, JobCreated, Plan, PlanProblems, ReleasePolicy};
use crate::wechat::api::template::{GetTemplateList, TemplateListRequest};

/// §6.1: a standard template's ext_json may carry only these keys (`9402203` otherwise).
const STANDARD_EXT_KEYS: [&str; 3] = ["extAppid", "ext", "window"];
/// §6.1: `user_version` is at most 64 characters (`85015`).
const MAX_USER_VERSION: usize = 64;

/// Starts a deployment of one template to many mini programs; answers the job's id.
#[utoipa::path(post, path = "/api/v1/deployments", tag = "jobs", security(("operator_key" = [])),
    request_body = Plan,
    responses((status = 201, body = JobCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn create(
    State(hub): State<Arc<Hub>>,
    Operator(operator): Operator,
    ApiJson(plan): ApiJson<Plan>,
) -> Response {
    let recorded = Recorded::target(format!("template {}", plan.template_id)).detail(format!(
        "{} merchants, version {}",
        plan.appids.len(),
        plan.user_version
    ));
    let mut response = match start(&hub, &operator, plan).await {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(recorded);
    response
}

async fn start(hub: &Arc<Hub>, operator: &str, plan: Plan) -> Result<JobCreated, ApiError> {
    let upstream = &hub.upstream;
    let library = hub
        .tokens
        .with_component(|ct| async move {
            upstream
                .call::<GetTemplateList>(&ct, &TemplateListRequest::default())
                .await
        })
        .await?;
    let template_type = library
        .template_list
        .iter()
        .find(|t| i64::try_from(t.template_id.0).ok() == Some(plan.template_id))
        .map(|t| t.template_type);
    let appids = plan.appids.clone();
    let accounts = hub
        .store
        .read(move |conn| {
            appids
                .iter()
                .map(|appid| queries::authorizer(conn, appid))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let mut problems = check(&plan, template_type, &accounts);
    let waves = match wave_sizes(&plan.waves, plan.appids.len()) {
        Ok(sizes) => sizes,
        Err((index, why)) => {
            problems.insert(format!("waves[{index}]"), why);
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid_fields(ErrorCode::InvalidPlan, problems));
    }
    let id = jobs::start_deployment(hub, operator, &plan, template_type.unwrap_or(0), &waves).await?;
    tracing::info!(
        job = id,
        template = plan.template_id,
        merchants = plan.appids.len(),
        "deployment started"
    );
    Ok(JobCreated { id })
}

/// Every problem of the plan, by field path. `template_type` is the template's type in the library, `None` when
/// the library has no such template; `accounts` the stored authorizer of each appid, in order.
pub fn check(plan: &Plan, template_type: Option<u8>, accounts: &[Option<crate::hubapi::Authorizer>]) -> PlanProblems {
    let mut problems = BTreeMap::new();
    match template_type {
        None => {
            problems.insert(
                "template_id".into(),
                format!("the template library has no template {}", plan.template_id),
            );
        }
        Some(1) => {
            for key in plan.ext_json.as_object().into_iter().flat_map(|map| map.keys()) {
                if !STANDARD_EXT_KEYS.contains(&key.as_str()) {
                    problems.insert(
                        format!("ext_json.{key}"),
                        "a standard template's ext_json takes only extAppid, ext and window (§6.1)".into(),
                    );
                }
            }
        }
        Some(_) => {}
    }
    if !plan.ext_json.is_object() {
        problems.insert("ext_json".into(), "must be a JSON object".into());
    }
    let mut unknown = Vec::new();
    crate::hubapi::unknown_placeholders(&plan.ext_json, "ext_json", &mut unknown);
    for (path, name) in unknown {
        problems.insert(
            path,
            format!(
                "unknown placeholder {{{{{name}}}}}; known: {}",
                crate::hubapi::PLACEHOLDERS.map(|p| format!("{{{{{p}}}}}")).join(", ")
            ),
        );
    }
    check_appids(plan, accounts, &mut problems);
    let version = plan.user_version.trim();
    if version.is_empty() {
        problems.insert("user_version".into(), "required: the version users will see".into());
    } else if version.chars().count() > MAX_USER_VERSION {
        problems.insert(
            "user_version".into(),
            format!("at most {MAX_USER_VERSION} characters (§6.1)"),
        );
    }
    if let Some(domains) = &plan.domains {
        let lists = domains
            .server_lists()
            .into_iter()
            .chain([("webviewdomain", domains.webviewdomain.as_slice())]);
        for (name, list) in lists {
            let scheme = if name == "wsrequestdomain" { "wss" } else { "https" };
            for (i, domain) in list.iter().enumerate() {
                if let Err(why) = check_domain(domain, scheme) {
                    problems.insert(format!("domains.{name}[{i}]"), why);
                }
            }
        }
    }
    if let Some(privacy) = &plan.privacy {
        let owner = &privacy.owner_setting;
        let contacts = [
            &owner.contact_email,
            &owner.contact_phone,
            &owner.contact_qq,
            &owner.contact_weixin,
        ];
        if contacts
            .iter()
            .all(|c| c.as_deref().is_none_or(|c| c.trim().is_empty()))
        {
            problems.insert(
                "privacy.owner_setting".into(),
                "at least one contact: email, phone, QQ or WeChat (§6.16, 86069)".into(),
            );
        }
        if owner.notice_method.trim().is_empty() {
            problems.insert(
                "privacy.owner_setting.notice_method".into(),
                "required: how users are told of changes (§6.16, 86069)".into(),
            );
        }
        if let Some(expire) = &owner.store_expire_timestamp
            && !is_days(expire)
        {
            problems.insert(
                "privacy.owner_setting.store_expire_timestamp".into(),
                "a number of days such as \"30天\" (§6.16, 87072)".into(),
            );
        }
        let mut keys = HashSet::new();
        for (i, setting) in privacy.setting_list.iter().enumerate() {
            if setting.privacy_key.trim().is_empty() {
                problems.insert(format!("privacy.setting_list[{i}].privacy_key"), "required".into());
            } else if !keys.insert(setting.privacy_key.as_str()) {
                problems.insert(format!("privacy.setting_list[{i}].privacy_key"), "listed twice".into());
            }
            if setting.privacy_text.trim().is_empty() {
                problems.insert(
                    format!("privacy.setting_list[{i}].privacy_text"),
                    "required: what the data is used for".into(),
                );
            }
        }
    }
    if plan.max_failure_percent > 100 {
        problems.insert("max_failure_percent".into(), "a percentage from 0 to 100".into());
    }
    if plan.min_sample == 0 {
        problems.insert("min_sample".into(), "at least 1".into());
    }
    if let ReleasePolicy::Gray { steps, .. } = &plan.release {
        if steps.is_empty() {
            problems.insert("release.steps".into(), "at least one percentage".into());
        }
        for (i, step) in steps.iter().enumerate() {
            if !(1..=100).contains(step) {
                problems.insert(
                    format!("release.steps[{i}]"),
                    "a percentage from 1 to 100 (§6.11)".into(),
                );
            } else if i > 0 && *step <= steps[i - 1] {
                problems.insert(
                    format!("release.steps[{i}]"),
                    "each step must be higher than the one before (§6.11, 85082)".into(),
                );
            }
        }
    }
    problems
}

fn check_appids(plan: &Plan, accounts: &[Option<crate::hubapi::Authorizer>], problems: &mut PlanProblems) {
    if plan.appids.is_empty() {
        problems.insert("appids".into(), "name at least one mini program".into());
    }
    let mut seen = HashSet::new();
    for (i, (appid, account)) in plan.appids.iter().zip(accounts).enumerate() {
        let field = format!("appids[{i}]");
        let problem = if !seen.insert(appid.as_str()) {
            Some(format!("{appid} is listed twice"))
        } else {
            match account {
                None => Some(format!("{appid} has not authorized this platform")),
                Some(account) if account.revoked_at.is_some() => Some(format!("{appid} revoked its authorization")),
                Some(account) if account.kind == Some(AccountKind::OfficialAccount) => {
                    Some(format!("{appid} is an official account, not a mini program"))
                }
                Some(account) if account.kind.is_none() => Some(format!(
                    "{appid}: its details were never fetched, so it is not known to be a mini program; sync first"
                )),
                Some(_) => None,
            }
        };
        if let Some(problem) = problem {
            problems.insert(field, problem);
        }
    }
}

/// §7.1: a domain is `scheme://host` with a registered name (no IP, no port, no path, no query).
fn check_domain(domain: &str, scheme: &str) -> Result<(), String> {
    let expected = format!("{scheme}://host, such as {scheme}://api.example.com");
    let url = url::Url::parse(domain).map_err(|_| format!("not a URL; expected {expected}"))?;
    if url.scheme() != scheme {
        return Err(format!("must start with {scheme}://"));
    }
    let host = match url.host() {
        Some(url::Host::Domain(host)) if host.contains('.') && host != "localhost" => host,
        Some(url::Host::Domain(_)) | None => return Err(format!("no registered host name; expected {expected}")),
        Some(_) => return Err("an IP address is not allowed; use a registered domain".into()),
    };
    if url.port().is_some() || url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("only the host: {scheme}://{host}"));
    }
    if !url.username().is_empty() || domain.trim_end_matches('/') != format!("{scheme}://{host}") {
        return Err(format!("only the host: {scheme}://{host}"));
    }
    Ok(())
}

/// `"30天"`: a whole number of days (§6.16).
fn is_days(text: &str) -> bool {
    text.strip_suffix('天')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_scheme_and_registered_host_only() {
        assert_eq!(check_domain("https://api.example.com", "https"), Ok(()));
        assert_eq!(check_domain("wss://ws.example.com", "wss"), Ok(()));
        for bad in [
            "http://api.example.com",
            "https://api.example.com/v1",
            "https://api.example.com:8443",
            "https://10.0.0.1",
            "https://localhost",
            "api.example.com",
            "https://api.example.com?x=1",
        ] {
            assert!(check_domain(bad, "https").is_err(), "{bad} passed");
        }
    }

    #[test]
    fn days_are_a_number_and_天() {
        assert!(is_days("30天"));
        assert!(!is_days("30"));
        assert!(!is_days("天"));
        assert!(!is_days("thirty天"));
    }
}
