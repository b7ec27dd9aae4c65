//! The authorize domain's handler: pre-authorization codes, the sandbox's simulated scan, the QR code as PNG.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{
    AuthorizeCommand, AuthorizeEvent, EngineError, ErrorKind, FieldProblem, FormField, PreAuthRequest, Preauth, Reply,
    RequestId, validate_appid,
};
use crate::engine::{qr, sandbox};
use crate::hubapi::PreauthRequest;

/// `connection` is `None` only for `SaveQrPng`, which needs no hub.
pub async fn execute(id: RequestId, command: AuthorizeCommand, connection: Option<&Connection>) -> AuthorizeEvent {
    let no_profile = || EngineError::new(ErrorKind::NoProfile, "no profile is active");
    match command {
        AuthorizeCommand::SaveQrPng { link, path } => {
            let saved = tokio::task::spawn_blocking(move || qr::save_png(&link, &path)).await;
            AuthorizeEvent::QrSaved(Reply::new(id, saved.unwrap_or_else(|e| Err(super::task_failed(e)))))
        }
        AuthorizeCommand::CreatePreauth(request) => AuthorizeEvent::PreauthCreated(Reply::new(
            id,
            match connection {
                Some(connection) => create_preauth(connection, &request).await,
                None => Err(no_profile()),
            },
        )),
        AuthorizeCommand::SimulateScan {
            pre_auth_code,
            kind,
            func_ids,
        } => AuthorizeEvent::ScanSimulated(Reply::new(
            id,
            match connection.map(|c| &c.sandbox) {
                Some(Some(links)) => sandbox::simulate_scan(links, &pre_auth_code, kind, &func_ids).await,
                Some(None) => Err(EngineError::new(
                    ErrorKind::NotSandbox,
                    "simulating a scan works only in the sandbox",
                )),
                None => Err(no_profile()),
            },
        )),
    }
}

async fn create_preauth(connection: &Connection, request: &PreAuthRequest) -> Result<Preauth, EngineError> {
    let biz_appid = request.biz_appid.clone().filter(|appid| !appid.is_empty());
    if let Some(appid) = &biz_appid {
        validate_appid(appid).map_err(|problem| {
            EngineError::validation(FieldProblem {
                field: FormField::BizAppid,
                problem,
            })
        })?;
    }
    let body = PreauthRequest {
        auth_type: request.auth_type,
        biz_appid,
        category_id_list: (!request.category_ids.is_empty())
            .then(|| request.category_ids.iter().map(|&id| i64::from(id)).collect()),
    };
    connection.client.preauth(&body).await
}
