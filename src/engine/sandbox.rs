//! The sandbox profile: a simulator and a hub started in-process on loopback, wired together, with an operator key.
//! (Placeholder until the simulator and the hub land on main.)

use std::path::Path;

use super::client::HubClient;
use super::protocol::{AccountKind, EngineError, ErrorKind};

/// How to reach the sandbox's simulator and hub from a command task.
#[derive(Debug, Clone)]
pub struct Links;

/// The running sandbox.
pub struct Sandbox;

impl Sandbox {
    pub async fn start(_dir: &Path, _merchants: usize) -> Result<Sandbox, EngineError> {
        Err(EngineError::new(
            ErrorKind::Startup,
            "the sandbox is not in this build yet",
        ))
    }

    pub fn client(&self) -> Result<HubClient, EngineError> {
        Err(EngineError::new(
            ErrorKind::Startup,
            "the sandbox is not in this build yet",
        ))
    }

    pub fn links(&self) -> Links {
        Links
    }

    pub async fn shutdown(self) {}
}

/// What a merchant's scan and confirm does.
pub async fn simulate_scan(
    _links: &Links,
    _pre_auth_code: &str,
    _kind: AccountKind,
    _func_ids: &[u32],
) -> Result<(), EngineError> {
    Err(EngineError::new(
        ErrorKind::Startup,
        "the sandbox is not in this build yet",
    ))
}
