//! `GET /{file_name}`: the platform-level business domains' confirm file (wechat-api.md §7.4, §7.5), served at the
//! hub's root, so a business domain that points at the hub passes the platform's check. Only a `.txt` name is looked
//! up, and only the file the platform names (`get_domain_confirmfile`) is served; anything else is 404 without a call.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Hub;
use crate::wechat::api::Empty;
use crate::wechat::api::domain::GetDomainConfirmFile;

/// The confirm file, when `file_name` is the one the platform names.
#[utoipa::path(get, path = "/{file_name}", tag = "wechat",
    params(("file_name" = String, Path, description = "The confirm file's name, e.g. `a1b2c3.txt`")),
    responses((status = 200, description = "The file's content", content_type = "text/plain"),
        (status = 404, description = "Not the platform's confirm file"),
        (status = 502, description = "The platform did not say which file it wants")))]
pub async fn confirm_file(State(hub): State<Arc<Hub>>, Path(file_name): Path<String>) -> Response {
    if !file_name.ends_with(".txt") || file_name.len() > 128 {
        return StatusCode::NOT_FOUND.into_response();
    }
    let upstream = &hub.upstream;
    let file = hub
        .tokens
        .with_component(|ct| async move { upstream.call::<GetDomainConfirmFile>(&ct, &Empty {}).await })
        .await;
    match file {
        Ok(file) if file.file_name == file_name => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            file.file_content,
        )
            .into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::warn!(%error, "the domain confirm file was not read");
            (
                StatusCode::BAD_GATEWAY,
                "the platform did not say which confirm file it wants",
            )
                .into_response()
        }
    }
}
