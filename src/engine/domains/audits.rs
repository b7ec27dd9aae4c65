//! The audits domain's handler: the hub's audit rows as they are, and a screenshot fetched from the hub and decoded
//! off the async workers, so a large image never stalls the long poll.

use std::sync::Arc;

use crate::engine::client::HubClient;
use crate::engine::profiles::Connection;
use crate::engine::protocol::{
    AuditAction, AuditsCommand, AuditsEvent, CodeState, EngineError, ErrorKind, Reply, RequestId, Screenshot,
    ScreenshotPixels,
};
use crate::wechat::api::Empty;
use crate::wechat::api::code::{AuditIdRequest, SubmitAudit, SubmitAuditRequest};
use crate::wechat::api::release::{
    ChangeVisitStatus, ChangeVisitStatusRequest, GetGrayReleasePlan, GetHistoryVersion, GetVisitStatus, GrayRelease,
    GrayReleaseRequest, Release, RevertCodeRelease, RevertCodeReleaseRequest, RevertGrayRelease, SpeedupAudit,
    UndoCodeAudit,
};

pub async fn execute(id: RequestId, command: AuditsCommand, connection: &Connection) -> AuditsEvent {
    let client = &connection.client;
    match command {
        AuditsCommand::Load(query) => AuditsEvent::Loaded(Reply::new(id, client.all_audits(&query).await)),
        AuditsCommand::Screenshot { appid, media_id } => {
            let shot = match client.screenshot(&appid, &media_id).await {
                Ok(Some(bytes)) => tokio::task::spawn_blocking(move || decode(&bytes))
                    .await
                    .map_err(super::task_failed)
                    .and_then(|decoded| decoded),
                Ok(None) => Ok(Screenshot::NotFetched),
                Err(error) => Err(error),
            };
            AuditsEvent::Screenshot(Reply::new(id, shot))
        }
        AuditsCommand::Quota => AuditsEvent::Quota(Reply::new(id, client.audit_quota().await)),
        AuditsCommand::Code(appid) => AuditsEvent::Code(Reply::new(id, code_state(client, appid).await)),
        AuditsCommand::Act { appid, action } => AuditsEvent::Acted(Reply::new(id, act(client, &appid, action).await)),
        AuditsCommand::Batch { kind, appids } => {
            AuditsEvent::BatchStarted(Reply::new(id, client.audit_batch(kind.as_str(), appids).await))
        }
    }
}

/// Three reads of the platform's state for one mini program; the first refusal is the answer.
async fn code_state(client: &HubClient, appid: String) -> Result<CodeState, EngineError> {
    let account = Some(appid.as_str());
    let history = client.relay::<GetHistoryVersion>(account, &Empty {}).await?;
    let plan = client.relay::<GetGrayReleasePlan>(account, &Empty {}).await?;
    let visit = client.relay::<GetVisitStatus>(account, &Empty {}).await?;
    // §6.11: 1 running, 2 paused; 0 initial, 3 finished and 4 deleted are no plan to show.
    let gray = Some(plan.gray_release_plan).filter(|p| matches!(p.status, 1 | 2));
    Ok(CodeState {
        appid,
        history: history.version_list,
        gray,
        visit_open: visit.status == 1,
    })
}

/// One relayed write; WeChat's refusal comes back as `ErrorKind::WeChat` with its errcode, for the panel to explain.
async fn act(client: &HubClient, appid: &str, action: AuditAction) -> Result<(), EngineError> {
    let account = Some(appid);
    match action {
        AuditAction::Withdraw => client.relay::<UndoCodeAudit>(account, &Empty {}).await.map(drop),
        AuditAction::Speedup { auditid } => {
            let request = AuditIdRequest {
                auditid: crate::wechat::AuditId(auditid.max(0) as u64),
            };
            client.relay::<SpeedupAudit>(account, &request).await.map(drop)
        }
        AuditAction::Resubmit { feedback_info, images } => {
            // Each image becomes temporary material first; a failed upload stops before anything is submitted.
            let mut feedback_stuff = Vec::with_capacity(images.len());
            for image in &images {
                feedback_stuff.push(client.upload_feedback_image(appid, image).await?);
            }
            let request = SubmitAuditRequest {
                feedback_info,
                feedback_stuff: (!feedback_stuff.is_empty()).then(|| feedback_stuff.join("|")),
                ..SubmitAuditRequest::default()
            };
            client.relay::<SubmitAudit>(account, &request).await.map(drop)
        }
        AuditAction::Release => client.relay::<Release>(account, &Empty {}).await.map(drop),
        AuditAction::Gray { percentage } => {
            let request = GrayReleaseRequest {
                gray_percentage: percentage,
                ..GrayReleaseRequest::default()
            };
            client.relay::<GrayRelease>(account, &request).await.map(drop)
        }
        AuditAction::RevertGray => client.relay::<RevertGrayRelease>(account, &Empty {}).await.map(drop),
        AuditAction::Rollback => {
            let request = RevertCodeReleaseRequest::default();
            client.relay::<RevertCodeRelease>(account, &request).await.map(drop)
        }
        AuditAction::Visit { open } => {
            let request = ChangeVisitStatusRequest {
                action: if open { "open" } else { "close" }.to_owned(),
            };
            client.relay::<ChangeVisitStatus>(account, &request).await.map(drop)
        }
    }
}

/// The stored bytes as pixels: WeChat's screenshots are JPEG or PNG (the `image` crate guesses which).
fn decode(bytes: &[u8]) -> Result<Screenshot, EngineError> {
    let image = image::load_from_memory(bytes).map_err(|e| {
        EngineError::new(ErrorKind::Decode, "the screenshot is not an image the console can read")
            .with_detail(e.to_string())
    })?;
    let rgba = image.to_rgba8();
    Ok(Screenshot::Image(Arc::new(ScreenshotPixels {
        width: rgba.width() as usize,
        height: rgba.height() as usize,
        rgba: rgba.into_raw(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_decodes_to_its_pixels_and_garbage_is_a_decode_error() {
        let mut jpeg = Vec::new();
        let picture = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&picture)
            .expect("encode");
        let Ok(Screenshot::Image(pixels)) = decode(&jpeg) else {
            panic!("a JPEG decodes");
        };
        assert_eq!((pixels.width, pixels.height, pixels.rgba.len()), (4, 3, 4 * 3 * 4));
        let error = decode(b"<html>not an image</html>").expect_err("garbage is refused");
        assert_eq!(error.kind, ErrorKind::Decode);
    }
}
