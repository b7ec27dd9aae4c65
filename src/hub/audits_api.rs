//! The audits' console routes (DESIGN.md, "Hub API for consoles"): `GET /api/v1/audits`,
//! `GET /api/v1/audits/{appid}/screenshots/{media_id}`, the platform's audit quota, and the bulk release and speed-up
//! jobs. The rows themselves are kept by `audits`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::api::{ApiJson, ApiPath, ApiQuery, Operator, Recorded};
use super::jobs::{self, BatchAction};
use super::store::audits as rows;
use super::{Hub, now_secs};
use crate::hubapi::{
    ApiError, AuditBatch, AuditPage, AuditQuery, AuditQuota, AuditStatus, ErrorBody, ErrorCode, FEEDBACK_IMAGE_TYPES,
    JobCreated, MAX_AUDIT_BATCH, MAX_AUDIT_PAGE, MAX_FEEDBACK_IMAGE_BYTES, MediaUploaded,
};
use crate::wechat::api::Empty;
use crate::wechat::api::media::TempMediaResponse;
use crate::wechat::api::release::QueryQuota;
use crate::wechat::client::Upload;

/// A page of audits; the query checked field by field first.
#[utoipa::path(get, path = "/api/v1/audits", tag = "audits", security(("operator_key" = [])),
    params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(hub): State<Arc<Hub>>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let checked = check(&query)?;
    let (total, audits) = hub
        .store
        .read(move |conn| rows::list(conn, checked.status, &checked.query, checked.offset, checked.limit))
        .await?;
    Ok(Json(AuditPage {
        total,
        offset: checked.offset,
        audits,
    }))
}

struct Checked {
    status: Option<AuditStatus>,
    query: String,
    offset: i64,
    limit: i64,
}

/// Every bad field at once, each named (`status`, `offset`, `limit`).
fn check(query: &AuditQuery) -> Result<Checked, ApiError> {
    let mut problems = BTreeMap::new();
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let status = AuditStatus::parse(text);
            if status.is_none() {
                let names: Vec<&str> = AuditStatus::ALL.iter().map(|s| s.as_str()).collect();
                problems.insert(
                    "status".to_owned(),
                    format!("unknown status {text:?}; one of {}", names.join(", ")),
                );
            }
            status
        }
    };
    let offset = query.offset.unwrap_or(0);
    if offset < 0 {
        problems.insert("offset".to_owned(), "must be 0 or more".to_owned());
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
        problems.insert("limit".to_owned(), format!("must be 1 to {MAX_AUDIT_PAGE}"));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_fields(ErrorCode::InvalidRequest, problems));
    }
    Ok(Checked {
        status,
        query: query.query.clone().unwrap_or_default(),
        offset,
        limit,
    })
}

/// A rejection screenshot as the hub stored it, with its content type. One not fetched yet (or whose fetch keeps
/// failing) is `404 screenshot_missing`; the row's `screenshot_files` says when it is tried again.
#[utoipa::path(get, path = "/api/v1/audits/{appid}/screenshots/{media_id}", tag = "audits",
    security(("operator_key" = [])),
    params(("appid" = String, Path, description = "The mini program's appid"),
        ("media_id" = String, Path, description = "A media id of the audit's `screenshots`")),
    responses((status = 200, description = "The image", content_type = "image/*"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn screenshot(
    State(hub): State<Arc<Hub>>,
    ApiPath((appid, media_id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (asked_appid, asked_media) = (appid.clone(), media_id.clone());
    let stored = hub
        .store
        .read(move |conn| rows::screenshot(conn, &asked_appid, &asked_media))
        .await?;
    let Some((content_type, bytes)) = stored else {
        return Err(ApiError::new(
            ErrorCode::ScreenshotMissing,
            format!("screenshot {media_id} of {appid} is not on the hub (not fetched yet, or its fetch failed)"),
        ));
    };
    let content_type = HeaderValue::from_str(&content_type)
        .ok()
        .filter(|_| !content_type.is_empty())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

/// The platform-wide audit quota (§6.13 `queryquota`), read now with any authorized mini program's token: the pool
/// is shared, so every mini program's token answers the same.
#[utoipa::path(get, path = "/api/v1/audits/quota", tag = "audits", security(("operator_key" = [])),
    responses((status = 200, body = AuditQuota), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn quota(State(hub): State<Arc<Hub>>) -> Result<Json<AuditQuota>, ApiError> {
    Ok(Json(read_quota(&hub).await?))
}

pub async fn read_quota(hub: &Arc<Hub>) -> Result<AuditQuota, ApiError> {
    let appid = hub.store.read(rows::any_code_account).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            "no authorized mini program with code management (permission set 18) to read the quota with",
        )
    })?;
    let upstream = &hub.upstream;
    let answer = hub
        .tokens
        .with_authorizer(&appid, |token| async move {
            upstream.call::<QueryQuota>(&token, &Empty {}).await
        })
        .await?;
    let quota = AuditQuota {
        rest: answer.rest,
        limit: answer.limit,
        speedup_rest: answer.speedup_rest,
        speedup_limit: answer.speedup_limit,
        read_at: now_secs(),
    };
    hub.audits.quota_read(quota);
    Ok(quota)
}

/// Releases the approved version of every mini program named (§6.9), as a job with progress. Each must have an
/// approved audit in the table; 400 names each one that does not.
#[utoipa::path(post, path = "/api/v1/audits/release", tag = "audits", security(("operator_key" = [])),
    request_body = AuditBatch,
    responses((status = 201, body = JobCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn release(
    State(hub): State<Arc<Hub>>,
    Operator(operator): Operator,
    ApiJson(batch): ApiJson<AuditBatch>,
) -> Response {
    start_batch(hub, &operator, BatchAction::Release, batch).await
}

/// Speeds up the running audit of every mini program named (§6.13), as a job with progress. Each must have an audit
/// running, and the month's speed-ups left (`queryquota`) must cover them all; 400 names what does not.
#[utoipa::path(post, path = "/api/v1/audits/speedup", tag = "audits", security(("operator_key" = [])),
    request_body = AuditBatch,
    responses((status = 201, body = JobCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn speedup(
    State(hub): State<Arc<Hub>>,
    Operator(operator): Operator,
    ApiJson(batch): ApiJson<AuditBatch>,
) -> Response {
    start_batch(hub, &operator, BatchAction::Speedup, batch).await
}

async fn start_batch(hub: Arc<Hub>, operator: &str, action: BatchAction, batch: AuditBatch) -> Response {
    let recorded = Recorded::default().detail(format!("{} mini programs", batch.appids.len()));
    let started = async {
        check_batch(&hub, action, &batch).await?;
        let id = jobs::start_audit_batch(&hub, operator, action, batch.appids).await?;
        tracing::info!(job = id, ?action, "audit batch started");
        Ok::<_, ApiError>(id)
    };
    let mut response = match started.await {
        Ok(id) => (StatusCode::CREATED, Json(JobCreated { id })).into_response(),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(recorded);
    response
}

/// Every appid named at most once, known to the audits table in the state the action needs; a speed-up batch
/// within the month's speed-ups left.
async fn check_batch(hub: &Arc<Hub>, action: BatchAction, batch: &AuditBatch) -> Result<(), ApiError> {
    if batch.appids.is_empty() {
        return Err(ApiError::invalid_field("appids", "name at least one mini program"));
    }
    if batch.appids.len() > MAX_AUDIT_BATCH {
        return Err(ApiError::invalid_field(
            "appids",
            format!("at most {MAX_AUDIT_BATCH} mini programs in one batch"),
        ));
    }
    let appids = batch.appids.clone();
    let statuses = hub
        .store
        .read(move |conn| {
            appids
                .iter()
                .map(|appid| Ok(rows::audit(conn, appid)?.map(|row| row.status)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let mut problems = BTreeMap::new();
    let mut seen = HashSet::new();
    for (index, (appid, status)) in batch.appids.iter().zip(statuses).enumerate() {
        let field = format!("appids[{index}]");
        if !seen.insert(appid.as_str()) {
            problems.insert(field, format!("{appid} is named twice"));
            continue;
        }
        let problem = match (action, status) {
            (_, None) => Some(format!("{appid} has no audit on this hub")),
            (BatchAction::Release, Some(AuditStatus::Approved)) => None,
            (BatchAction::Release, Some(status)) => Some(format!(
                "the latest audit of {appid} is {}; only an approved one can be released",
                status.as_str()
            )),
            (BatchAction::Speedup, Some(status)) if status.is_pending() => None,
            (BatchAction::Speedup, Some(status)) => Some(format!(
                "the latest audit of {appid} is {}; only a running one can be sped up",
                status.as_str()
            )),
        };
        if let Some(problem) = problem {
            problems.insert(field, problem);
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_fields(ErrorCode::InvalidRequest, problems));
    }
    if action == BatchAction::Speedup {
        let quota = read_quota(hub).await?;
        let asked = batch.appids.len() as i64;
        if asked > quota.speedup_rest {
            return Err(ApiError::invalid_field(
                "appids",
                format!(
                    "{asked} audits to speed up, but only {} speed-ups are left this month (queryquota, §6.13)",
                    quota.speedup_rest.max(0)
                ),
            ));
        }
    }
    Ok(())
}

/// Uploads an image (the body, with its content type) as the mini program's temporary material, for a
/// resubmission's `feedback_stuff` (§6.5). A write to WeChat, sent once; 400 names a bad type or size.
#[utoipa::path(post, path = "/api/v1/audits/{appid}/media", tag = "audits", security(("operator_key" = [])),
    params(("appid" = String, Path, description = "The mini program's appid"),
        ("file_name" = Option<String>, Query, description = "The file's name, for WeChat's upload")),
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 201, body = MediaUploaded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn upload_media(
    State(hub): State<Arc<Hub>>,
    ApiPath(appid): ApiPath<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let recorded = Recorded::target(appid.clone()).detail(format!("{} bytes", body.len()));
    let mut response = match upload(&hub, &appid, &query, &headers, body).await {
        Ok(uploaded) => (StatusCode::CREATED, Json(uploaded)).into_response(),
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(recorded);
    response
}

async fn upload(
    hub: &Arc<Hub>,
    appid: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<MediaUploaded, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !FEEDBACK_IMAGE_TYPES.contains(&content_type.as_str()) {
        return Err(ApiError::invalid_field(
            "content_type",
            format!("{content_type:?} is not one of {}", FEEDBACK_IMAGE_TYPES.join(", ")),
        ));
    }
    if body.is_empty() || body.len() > MAX_FEEDBACK_IMAGE_BYTES {
        return Err(ApiError::invalid_field(
            "body",
            format!(
                "an image of 1 byte to {} MB, not {} bytes",
                MAX_FEEDBACK_IMAGE_BYTES >> 20,
                body.len()
            ),
        ));
    }
    let extension = content_type.trim_start_matches("image/");
    let file = Upload {
        file_name: query
            .get("file_name")
            .filter(|name| !name.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| format!("feedback.{extension}")),
        content_type,
        bytes: body.to_vec(),
    };
    let endpoint = crate::wechat::lookup("/cgi-bin/media/upload").ok_or_else(|| {
        ApiError::new(
            ErrorCode::Internal,
            "the temporary-material upload is not in the wire table",
        )
    })?;
    let query = [("type".to_owned(), "image".to_owned())];
    let (upstream, file, query) = (&hub.upstream, &file, &query);
    let raw = hub
        .tokens
        .with_authorizer(appid, |token| async move {
            upstream.upload(endpoint, &token, query, file).await
        })
        .await?;
    let answer: TempMediaResponse = serde_json::from_slice(&raw.body).map_err(|e| {
        ApiError::new(
            ErrorCode::Upstream,
            format!("WeChat's upload answer has no media_id: {e}"),
        )
    })?;
    Ok(MediaUploaded {
        media_id: answer.media_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named() {
        let query = AuditQuery {
            status: Some("pending".into()),
            offset: Some(-1),
            limit: Some(0),
            query: None,
        };
        let error = check(&query).err().unwrap();
        let fields = error.fields.unwrap();
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["limit", "offset", "status"]);
        assert!(check(&AuditQuery::default()).is_ok());
        let too_many = AuditQuery {
            limit: Some(MAX_AUDIT_PAGE + 1),
            ..AuditQuery::default()
        };
        assert!(check(&too_many).err().unwrap().fields.unwrap().contains_key("limit"));
    }
}
