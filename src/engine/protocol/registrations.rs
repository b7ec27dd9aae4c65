//! The registrations domain (注册任务): the hub's registration tasks (DESIGN.md "Registrations", wechat-api.md §8)
//! and creating one. `registration_updated` events keep the list current.

use super::{Registration, RegistrationCreated, RegistrationRequest, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum RegistrationsCommand {
    /// Every task, newest first (`GET /api/v1/registrations`). Reply: `Loaded`.
    Load,
    /// A new task (`POST /api/v1/registrations`): a bad field is `ErrorKind::Validation` naming it. Reply:
    /// `Created`.
    Create(RegistrationRequest),
    /// Sandbox only: the simulated person completes (status 0) or fails the task, and the simulator pushes the
    /// result to the hub as WeChat would; for a reuse of an official account, the administrator's browser brings a
    /// ticket (or, to fail, a spent one) to the hub's redirect. Reply: `Simulated`.
    SimulateResult { task: Box<Registration>, status: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum RegistrationsEvent {
    Loaded(Reply<Vec<Registration>>),
    Created(Reply<RegistrationCreated>),
    Simulated(Reply<()>),
}

domain_replies!(RegistrationsCommand => RegistrationsEvent {
    RegistrationsCommand::Load => Loaded,
    RegistrationsCommand::Create(_) => Created,
    RegistrationsCommand::SimulateResult { .. } => Simulated,
} unasked {});
