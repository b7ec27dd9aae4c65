//! The audits' console routes (DESIGN.md, "Hub API for consoles"): `GET /api/v1/audits` and
//! `GET /api/v1/audits/{appid}/screenshots/{media_id}`. The rows themselves are kept by `audits`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::Hub;
use super::api::{ApiPath, ApiQuery};
use super::store::audits as rows;
use crate::hubapi::{ApiError, AuditPage, AuditQuery, AuditStatus, ErrorBody, ErrorCode, MAX_AUDIT_PAGE};

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
