//! The contract between the console's engine and its UI: every `Command` the UI sends, every `Event` it gets back,
//! grouped per domain (`profiles`, `status`, `merchants`, `authorize`, `activity`, `jobs`, `templates`, `audits`, `registrations`, `setup`), each domain
//! in its own file with its own command and event enums. Nothing here does IO.
//!
//! The rule that keeps spinners honest: every [`Request`] ends in exactly one [`Reply`] carrying the request's id,
//! whether the work succeeded or failed. The UI's state keeps the id of the request it waits for and drops a reply
//! to an older one, so a late answer never overwrites a newer one. The engine also sends events nobody asked for
//! (`Hub` events from the long poll, `Connection` changes, the cached merchant list); those carry no id.
//!
//! Adding a console action: one variant in the domain's command enum and one in its event enum (here), one arm in
//! the domain's engine handler (`engine/domains/`), one arm in the domain's state (`ui/state/`).

mod activity;
mod audits;
mod authorize;
mod jobs;
mod merchants;
mod profiles;
mod registrations;
mod setup;
mod status;
mod templates;

use serde::{Deserialize, Serialize};

pub use activity::{ActivityCommand, ActivityEvent};
pub use audits::{
    AuditAction, AuditsCommand, AuditsEvent, BatchKind, CodeState, FeedbackImage, Screenshot, ScreenshotPixels,
};
pub use authorize::{AuthorizeCommand, AuthorizeEvent, PreAuthRequest};
pub use jobs::{JobsCommand, JobsEvent, SimulatedAudit};
pub use merchants::{AuthorizersSource, MerchantsCommand, MerchantsEvent};
pub use profiles::{
    LocalProfileSummary, ProfileId, ProfileInfo, ProfilesCommand, ProfilesEvent, ProfilesOverview, RemoteProfileSummary,
};
pub use registrations::{RegistrationsCommand, RegistrationsEvent};
pub use setup::{
    AccountSetup, Avatar, NAME_CHARS, SIGNATURE_CHARS, SetupAction, SetupCommand, SetupEvent, SetupOutcome,
};
pub use status::{StatusCommand, StatusEvent};
pub use templates::{TemplateChange, TemplateKind, TemplateLibrary, TemplatesCommand, TemplatesEvent};

pub use super::client::JobVerb;
pub use super::model::AuthorizerRow;
pub use crate::hubapi::{
    AccountKind, Activity, ActivityPage, ActivityQuery, Audit, AuditPage, AuditQuery, AuditStatus, Authorization,
    HubEvent, HubEventKind, ItemState, Job, JobCounts, JobId, JobItem, JobKind, JobQuery, JobState, Outcome, Plan,
    Preauth, Status as HubStatus, TicketRequest, TicketRequestError, TicketStatus, TokenRefreshed, action,
};
pub use crate::hubapi::{
    AuditQuota, AuditSource, FEEDBACK_IMAGE_TYPES, MAX_AUDIT_PAGE, MAX_FEEDBACK_IMAGE_BYTES, MAX_FEEDBACK_IMAGES,
    ScreenshotFile, Withdrawals,
};
pub use crate::hubapi::{Domains, Gate, OwnerSetting, PrivacyPlan, PrivacyText, ReleasePolicy, WaveSize};
pub use crate::hubapi::{Level, Readiness, ReadinessItem, ReleaseCheck, ReleaseCheckRun, release_step};
pub use crate::hubapi::{
    REGISTRATION_WINDOW_SECS, Registration, RegistrationCreated, RegistrationKind, RegistrationRequest,
    RegistrationState, check_registration,
};
// The plan's rules as the hub applies them, so the deployment wizard fills and checks exactly as the hub will.
pub use crate::hubapi::{Authorizer, PLACEHOLDERS, fill_placeholders, item_reason, unknown_placeholders, wave_sizes};
pub use crate::wechat::AuthType;

pub use super::forms::{
    FieldProblem, FormField, Invalid, LocalProfileForm, RemoteProfileForm, Secret, validate_appid, validate_appsecret,
    validate_encoding_aes_key, validate_hub_url, validate_listen, validate_message_token, validate_operator_key,
    validate_public_url,
};

/// Which request a reply answers. The UI numbers its requests; the engine copies the number into the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct RequestId(pub u64);

/// A command with its id, as it travels to the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: RequestId,
    pub command: Command,
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    pub request: RequestId,
    pub result: Result<T, EngineError>,
}

impl<T> Reply<T> {
    pub fn new(request: RequestId, result: Result<T, EngineError>) -> Self {
        Reply { request, result }
    }
}

/// What the UI asks the engine to do, by domain. Each ends in exactly one reply event of its domain.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Profiles(ProfilesCommand),
    Status(StatusCommand),
    Merchants(MerchantsCommand),
    Authorize(AuthorizeCommand),
    Activity(ActivityCommand),
    Jobs(JobsCommand),
    Templates(TemplatesCommand),
    Audits(AuditsCommand),
    Registrations(RegistrationsCommand),
    Setup(SetupCommand),
}

/// What the engine tells the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Profiles(ProfilesEvent),
    Status(StatusEvent),
    Merchants(MerchantsEvent),
    Authorize(AuthorizeEvent),
    Activity(ActivityEvent),
    Jobs(JobsEvent),
    Templates(TemplatesEvent),
    Audits(AuditsEvent),
    Registrations(RegistrationsEvent),
    Setup(SetupEvent),
    /// Something happened on the hub (from the long poll; not a reply).
    Hub(HubEvent),
    /// The long poll's connection to the hub changed (not a reply).
    Connection(ConnectionState),
}

impl Command {
    /// The reply that ends this command with `error`.
    pub fn failed(&self, request: RequestId, error: EngineError) -> Event {
        match self {
            Command::Profiles(c) => Event::Profiles(c.failed(request, error)),
            Command::Status(c) => Event::Status(c.failed(request, error)),
            Command::Merchants(c) => Event::Merchants(c.failed(request, error)),
            Command::Authorize(c) => Event::Authorize(c.failed(request, error)),
            Command::Activity(c) => Event::Activity(c.failed(request, error)),
            Command::Jobs(c) => Event::Jobs(c.failed(request, error)),
            Command::Templates(c) => Event::Templates(c.failed(request, error)),
            Command::Audits(c) => Event::Audits(c.failed(request, error)),
            Command::Registrations(c) => Event::Registrations(c.failed(request, error)),
            Command::Setup(c) => Event::Setup(c.failed(request, error)),
        }
    }
}

impl Event {
    /// The request this event answers; `None` for events the engine sends unasked.
    pub fn reply_to(&self) -> Option<RequestId> {
        match self {
            Event::Profiles(e) => e.reply_to(),
            Event::Status(e) => e.reply_to(),
            Event::Merchants(e) => e.reply_to(),
            Event::Authorize(e) => e.reply_to(),
            Event::Activity(e) => e.reply_to(),
            Event::Jobs(e) => e.reply_to(),
            Event::Templates(e) => e.reply_to(),
            Event::Audits(e) => e.reply_to(),
            Event::Registrations(e) => e.reply_to(),
            Event::Setup(e) => e.reply_to(),
            Event::Hub(_) | Event::Connection(_) => None,
        }
    }
}

/// The state of the long poll on the hub's event stream.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionState {
    /// No profile is active.
    Idle,
    /// A profile is activating; no answer from its hub yet.
    Connecting,
    /// The last long poll answered.
    Connected,
    /// The last long poll failed; the engine tries again at `retry_at` (Unix seconds), sooner when the hub is seen
    /// answering again. `error` says why (network, key refused, hub error).
    Retrying {
        attempt: u32,
        retry_at: i64,
        error: EngineError,
    },
}

/// A failed command. `Display` shows `message`, which never contains a secret. The UI explains an error by its
/// `kind` in its own language; `message` is the engine's English sentence and `detail` the technical chain, shown
/// behind a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub kind: ErrorKind,
    pub message: String,
    /// Technical detail (the transport's error chain, WeChat's errmsg, a decode error).
    #[serde(default)]
    pub detail: Option<String>,
    /// For a refusal of bad input: each bad field (by its API name) and what is wrong with it.
    #[serde(default)]
    pub fields: Vec<(String, String)>,
}

impl EngineError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EngineError {
            kind,
            message: message.into(),
            detail: None,
            fields: Vec::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The error for a form field that failed validation.
    pub fn validation(problem: FieldProblem) -> Self {
        EngineError::new(
            ErrorKind::Validation {
                field: problem.field,
                problem: problem.problem,
            },
            format!("{:?}: {}", problem.field, problem.problem),
        )
    }
}

/// What kind of failure, so the UI can say what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ErrorKind {
    /// The hub could not be reached, or the connection broke.
    Network,
    /// The hub took too long to answer.
    Timeout,
    /// The hub refused the operator key (HTTP 401): the key is wrong or was revoked.
    Unauthorized,
    /// The hub answered with another HTTP error.
    Hub { status: u16 },
    /// WeChat answered with a non-zero errcode (relayed by the hub); explain it with `crate::wechat::errcodes`.
    #[serde(rename = "wechat")]
    WeChat { errcode: i64 },
    /// The OS keychain is missing, locked or refused; the message says which and what to do.
    Keychain,
    /// A form field failed validation.
    Validation { field: FormField, problem: Invalid },
    /// The profile has not been saved yet (no credentials in the keychain).
    NotConfigured,
    /// The command needs an active profile and none is active.
    NoProfile,
    /// The command only works in the sandbox.
    NotSandbox,
    /// Starting the in-process simulator or hub failed.
    Startup,
    /// The local cache or the settings file could not be read or written.
    Storage,
    /// A file could not be written (e.g. the QR PNG).
    Io,
    /// The hub's answer did not have the expected shape.
    Decode,
    /// The engine stopped; restart the console.
    Stopped,
}

/// Implements `failed` and `reply_to` for a domain's enums, whose reply variants each hold one `Reply`.
macro_rules! domain_replies {
    ($command:ident => $event:ident { $($cmd:pat => $variant:ident),* $(,)? } unasked { $($unasked:pat),* $(,)? }) => {
        impl $command {
            /// The reply that ends this command with `error`.
            pub fn failed(&self, request: $crate::engine::protocol::RequestId, error: $crate::engine::protocol::EngineError) -> $event {
                match self {
                    $($cmd => $event::$variant($crate::engine::protocol::Reply::new(request, Err(error))),)*
                }
            }
        }

        impl $event {
            /// The request this event answers; `None` for events sent unasked.
            pub fn reply_to(&self) -> Option<$crate::engine::protocol::RequestId> {
                match self {
                    $($event::$variant(reply) => Some(reply.request),)*
                    $($unasked => None,)*
                }
            }
        }
    };
}
pub(crate) use domain_replies;

#[cfg(test)]
mod tests;
