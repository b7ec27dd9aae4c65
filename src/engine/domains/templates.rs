//! The templates domain's handler: the draft box and the library read together, add and delete, each through the
//! hub's typed relay with the component token (wechat-api.md §5).

use crate::engine::client::HubClient;
use crate::engine::profiles::Connection;
use crate::engine::protocol::{
    EngineError, Reply, RequestId, TemplateChange, TemplateLibrary, TemplatesCommand, TemplatesEvent,
};
use crate::wechat::api::Empty;
use crate::wechat::api::template::{
    AddToTemplate, AddToTemplateRequest, DeleteTemplate, DeleteTemplateRequest, GetTemplateDraftList, GetTemplateList,
    TemplateListRequest,
};

pub async fn execute(id: RequestId, command: TemplatesCommand, connection: &Connection) -> TemplatesEvent {
    let client = &connection.client;
    match command {
        TemplatesCommand::Load => TemplatesEvent::Loaded(Reply::new(id, load(client).await)),
        TemplatesCommand::Add { draft_id, kind } => {
            let request = AddToTemplateRequest {
                draft_id,
                template_type: Some(kind.code()),
            };
            let added = client.relay::<AddToTemplate>(None, &request).await;
            let change = TemplateChange::Added { draft_id, kind };
            TemplatesEvent::Changed(Reply::new(id, added.map(|_| change)))
        }
        TemplatesCommand::Delete(template_id) => {
            let deleted = client
                .relay::<DeleteTemplate>(None, &DeleteTemplateRequest { template_id })
                .await;
            let change = TemplateChange::Deleted { template_id };
            TemplatesEvent::Changed(Reply::new(id, deleted.map(|_| change)))
        }
    }
}

/// Both lists side by side: the panel shows them together, and the meter counts the library.
async fn load(client: &HubClient) -> Result<TemplateLibrary, EngineError> {
    let no_body = Empty::default();
    // Without `template_type` the platform lists both kinds (§5.3).
    let both_kinds = TemplateListRequest::default();
    let (drafts, templates) = tokio::try_join!(
        client.relay::<GetTemplateDraftList>(None, &no_body),
        client.relay::<GetTemplateList>(None, &both_kinds),
    )?;
    Ok(TemplateLibrary {
        drafts: drafts.draft_list,
        templates: templates.template_list,
    })
}
