//! The registrations domain's handler: the hub's tasks as they are, and a new one created by the hub.

use crate::engine::profiles::Connection;
use crate::engine::protocol::{EngineError, ErrorKind, RegistrationsCommand, RegistrationsEvent, Reply, RequestId};
use crate::engine::sandbox;

pub async fn execute(id: RequestId, command: RegistrationsCommand, connection: &Connection) -> RegistrationsEvent {
    let client = &connection.client;
    match command {
        RegistrationsCommand::Load => RegistrationsEvent::Loaded(Reply::new(id, client.registrations().await)),
        RegistrationsCommand::Create(request) => {
            RegistrationsEvent::Created(Reply::new(id, client.create_registration(&request).await))
        }
        RegistrationsCommand::SimulateResult { task, status } => RegistrationsEvent::Simulated(Reply::new(
            id,
            match &connection.sandbox {
                Some(links) => sandbox::resolve_registration(links, &task, status).await,
                None => Err(EngineError::new(
                    ErrorKind::NotSandbox,
                    "simulating a registration works only in the sandbox",
                )),
            },
        )),
    }
}
