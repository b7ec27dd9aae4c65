//! The status domain's handler: the hub's health.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{Reply, RequestId, StatusCommand, StatusEvent};

pub async fn execute(id: RequestId, command: StatusCommand, connection: &Connection) -> StatusEvent {
    match command {
        StatusCommand::Refresh => StatusEvent::Refreshed(Reply::new(id, connection.client.status().await)),
        StatusCommand::Readiness => StatusEvent::Readiness(Reply::new(id, connection.client.readiness().await)),
        StatusCommand::ReleaseCheck => {
            StatusEvent::ReleaseCheck(Reply::new(id, connection.client.release_check().await))
        }
        StatusCommand::SetPlatformDomains {
            business,
            domains,
            published_too,
        } => StatusEvent::DomainsSet(Reply::new(
            id,
            set_domains(&connection.client, business, domains, published_too).await,
        )),
    }
}

/// §7.3 / §7.4 action `set`, relayed with the component token; answers the domains the platform called invalid.
async fn set_domains(
    client: &crate::engine::client::HubClient,
    business: bool,
    domains: String,
    published_too: bool,
) -> Result<String, crate::engine::protocol::EngineError> {
    use crate::wechat::api::domain::{
        ModifyWxaJumpDomain, ModifyWxaJumpDomainRequest, ModifyWxaServerDomain, ModifyWxaServerDomainRequest,
    };
    let together = Some(published_too);
    match business {
        false => {
            let request = ModifyWxaServerDomainRequest {
                action: "set".to_owned(),
                wxa_server_domain: Some(domains),
                is_modify_published_together: together,
            };
            let answer = client.relay::<ModifyWxaServerDomain>(None, &request).await?;
            Ok(answer.invalid_wxa_server_domain.unwrap_or_default())
        }
        true => {
            let request = ModifyWxaJumpDomainRequest {
                action: "set".to_owned(),
                wxa_jump_h5_domain: Some(domains),
                is_modify_published_together: together,
            };
            let answer = client.relay::<ModifyWxaJumpDomain>(None, &request).await?;
            Ok(answer.invalid_wxa_jump_h5_domain.unwrap_or_default())
        }
    }
}
