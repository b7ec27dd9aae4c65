//! Runs one request (other than activating a profile, which the engine's loop runs itself) to its one reply: the
//! shell routes by domain, each domain's handler lives in its own file.

mod activity;
mod audits;
mod authorize;
mod jobs;
mod merchants;
mod registrations;
mod setup;
mod status;
mod templates;

use std::sync::Arc;

use super::profiles::{self, Connection, Context};
use super::protocol::{Command, EngineError, ErrorKind, Event, ProfilesCommand, ProfilesEvent, Reply, Request};

/// Runs `request` and returns its reply. `connection` is the active profile's, if any.
pub async fn execute(request: Request, connection: Option<Arc<Connection>>, ctx: Arc<Context>) -> Event {
    let id = request.id;
    match request.command {
        Command::Profiles(command) => Event::Profiles(match command {
            ProfilesCommand::Load => ProfilesEvent::Loaded(Reply::new(id, profiles::overview(&ctx).await)),
            ProfilesCommand::SaveLocal(form) => {
                ProfilesEvent::Saved(Reply::new(id, profiles::save_local(&ctx, form).await))
            }
            ProfilesCommand::SaveRemote(form) => {
                ProfilesEvent::Saved(Reply::new(id, profiles::save_remote(&ctx, form).await))
            }
            command @ ProfilesCommand::Activate(_) => command.failed(
                id,
                EngineError::new(ErrorKind::Stopped, "profiles are activated by the engine loop"),
            ),
        }),
        // Needs no hub: rendering and writing a file.
        Command::Authorize(command @ super::protocol::AuthorizeCommand::SaveQrPng { .. }) => {
            Event::Authorize(authorize::execute(id, command, None).await)
        }
        // Needs no hub: reading and converting an image file.
        Command::Setup(super::protocol::SetupCommand::PrepareAvatar(path)) => {
            Event::Setup(setup::prepare_avatar(id, path).await)
        }
        command => match connection {
            Some(connection) => execute_connected(id, command, &connection).await,
            None => command.failed(id, EngineError::new(ErrorKind::NoProfile, "no profile is active")),
        },
    }
}

async fn execute_connected(id: super::protocol::RequestId, command: Command, connection: &Connection) -> Event {
    match command {
        Command::Status(command) => Event::Status(status::execute(id, command, connection).await),
        Command::Merchants(command) => Event::Merchants(merchants::execute(id, command, connection).await),
        Command::Authorize(command) => Event::Authorize(authorize::execute(id, command, Some(connection)).await),
        Command::Activity(command) => Event::Activity(activity::execute(id, command, connection).await),
        Command::Jobs(command) => Event::Jobs(jobs::execute(id, command, connection).await),
        Command::Templates(command) => Event::Templates(templates::execute(id, command, connection).await),
        Command::Audits(command) => Event::Audits(audits::execute(id, command, connection).await),
        Command::Registrations(command) => Event::Registrations(registrations::execute(id, command, connection).await),
        Command::Setup(command) => Event::Setup(setup::execute(id, command, connection).await),
        command @ Command::Profiles(_) => command.failed(
            id,
            EngineError::new(ErrorKind::Stopped, "profile commands need no connection"),
        ),
    }
}

fn task_failed(error: tokio::task::JoinError) -> EngineError {
    EngineError::new(ErrorKind::Stopped, "the engine's task failed").with_detail(error.to_string())
}
