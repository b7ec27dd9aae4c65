//! The set-up domain's handler (wechat-api.md §8.7): reads and writes relayed by the hub with the mini program's
//! token. An avatar is prepared on a blocking thread and uploaded as temporary material before it is set.

use crate::engine::client::HubClient;
use crate::engine::profiles::Connection;
use crate::engine::protocol::{
    AccountSetup, Avatar, EngineError, ErrorKind, FeedbackImage, Reply, RequestId, SetupAction, SetupCommand,
    SetupEvent, SetupOutcome,
};
use crate::engine::sandbox;
use crate::wechat::api::Empty;
use crate::wechat::api::account::{
    CheckNicknameRequest, CheckWxVerifyNickname, GetAccountBasicInfo, ModifyHeadImage, ModifyHeadImageRequest,
    ModifySignature, ModifySignatureRequest, QueryNickname, QueryNicknameRequest, SetNickname, SetNicknameRequest,
};
use crate::wechat::api::category::{
    AddCategory, AddCategoryRequest, CategoryChange, DeleteCategory, DeleteCategoryRequest, GetAllCategories,
    GetSettingCategories,
};

/// `PrepareAvatar` needs no hub; the others run with the active profile's client.
pub async fn prepare_avatar(id: RequestId, path: std::path::PathBuf) -> SetupEvent {
    let prepared = tokio::task::spawn_blocking(move || crate::engine::avatar::prepare(&path))
        .await
        .map_err(super::task_failed)
        .and_then(|prepared| prepared);
    SetupEvent::Prepared(Reply::new(id, prepared))
}

pub async fn execute(id: RequestId, command: SetupCommand, connection: &Connection) -> SetupEvent {
    let client = &connection.client;
    match command {
        SetupCommand::Load(appid) => SetupEvent::Loaded(Reply::new(id, load(client, appid).await)),
        SetupCommand::Tree(appid) => {
            let tree = client.relay::<GetAllCategories>(Some(&appid), &Empty {}).await;
            SetupEvent::Tree(Reply::new(id, tree.map(|t| t.categories_list.categories)))
        }
        SetupCommand::PrepareAvatar(path) => prepare_avatar(id, path).await,
        SetupCommand::Act { appid, action } => SetupEvent::Acted(Reply::new(id, act(client, &appid, action).await)),
        SetupCommand::SimulateNameReview { appid, approve } => SetupEvent::Simulated(Reply::new(
            id,
            match &connection.sandbox {
                Some(links) => sandbox::resolve_name_review(links, &appid, approve).await,
                None => Err(EngineError::new(
                    ErrorKind::NotSandbox,
                    "simulating a name review works only in the sandbox",
                )),
            },
        )),
    }
}

async fn load(client: &HubClient, appid: String) -> Result<AccountSetup, EngineError> {
    let account = Some(appid.as_str());
    let basic = client.relay::<GetAccountBasicInfo>(account, &Empty {}).await?;
    let categories = client.relay::<GetSettingCategories>(account, &Empty {}).await?;
    Ok(AccountSetup {
        appid,
        basic,
        categories,
    })
}

async fn act(client: &HubClient, appid: &str, action: SetupAction) -> Result<SetupOutcome, EngineError> {
    let account = Some(appid);
    match action {
        SetupAction::CheckName(name) => {
            let request = CheckNicknameRequest {
                nick_name: name.clone(),
            };
            let answer = client.relay::<CheckWxVerifyNickname>(account, &request).await?;
            Ok(SetupOutcome::NameChecked {
                name,
                hit: answer.hit_condition,
                wording: answer.wording,
            })
        }
        SetupAction::SetName {
            name,
            material,
            personal,
        } => {
            // §8.7.1: the material is temporary material; a failed upload stops before the name is sent.
            let media_id = match &material {
                Some(image) => Some(client.upload_feedback_image(appid, image).await?),
                None => None,
            };
            let (id_card, license) = match personal {
                true => (media_id, None),
                false => (None, media_id),
            };
            let request = SetNicknameRequest {
                nick_name: name.clone(),
                id_card,
                license,
                ..SetNicknameRequest::default()
            };
            let answer = client.relay::<SetNickname>(account, &request).await?;
            Ok(SetupOutcome::NameSet {
                name,
                audit_id: answer.audit_id,
                wording: answer.wording,
            })
        }
        SetupAction::QueryName(audit_id) => {
            let request = QueryNicknameRequest {
                audit_id: audit_id.to_string(),
            };
            let answer = client.relay::<QueryNickname>(account, &request).await?;
            Ok(SetupOutcome::NameAudit {
                audit_id,
                name: answer.nickname,
                stat: answer.audit_stat,
                reason: answer.fail_reason,
            })
        }
        SetupAction::Avatar(avatar) => {
            let media_id = client.upload_feedback_image(appid, &upload(&avatar)).await?;
            let request = ModifyHeadImageRequest {
                head_img_media_id: media_id,
                // §8.7.4: fractions of the image; the prepared avatar is already the square to show, whole.
                x1: 0.0,
                y1: 0.0,
                x2: 1.0,
                y2: 1.0,
            };
            client.relay::<ModifyHeadImage>(account, &request).await?;
            Ok(SetupOutcome::Done)
        }
        SetupAction::Signature(signature) => {
            let request = ModifySignatureRequest { signature };
            client.relay::<ModifySignature>(account, &request).await?;
            Ok(SetupOutcome::Done)
        }
        SetupAction::AddCategory { first, second } => {
            let request = AddCategoryRequest {
                categories: vec![CategoryChange {
                    first,
                    second,
                    certicates: Vec::new(),
                }],
            };
            client.relay::<AddCategory>(account, &request).await?;
            Ok(SetupOutcome::Done)
        }
        SetupAction::DeleteCategory { first, second } => {
            let request = DeleteCategoryRequest { first, second };
            client.relay::<DeleteCategory>(account, &request).await?;
            Ok(SetupOutcome::Done)
        }
    }
}

/// The prepared avatar as the hub's temporary-material upload takes an image (`POST /api/v1/audits/{appid}/media`).
fn upload(avatar: &Avatar) -> FeedbackImage {
    FeedbackImage {
        file_name: avatar.file_name.clone(),
        content_type: "image/jpeg".to_owned(),
        bytes: avatar.jpeg.clone(),
    }
}
