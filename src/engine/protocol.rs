//! The contract between the console's engine and its UI: every `Command` the UI sends, every `Event` it gets back,
//! the data they carry, and the pure validators the forms use for inline errors. Nothing here does IO.
//!
//! The rule that keeps spinners honest: every `Command` ends in exactly one *reply* — an `Event` for which
//! [`Event::is_reply`] is true — whether the work succeeded or failed. The engine also sends events nobody asked for
//! (long-poll `Hub` events, `Connection` changes, `SyncProgress`, and the cached authorizer list); those are never
//! replies.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use super::model::{
    AccountKind, ActivityEntry, AuthType, AuthorizerRow, AuthorizersSource, HubEvent, HubLastError, HubStatus, PreAuth,
    PreAuthRequest, SyncSummary, TicketStatus, TokenStatus, hub_event_kind,
};

pub use super::forms::{
    FieldProblem, FormField, Invalid, LocalProfileForm, RemoteProfileForm, Secret, validate_appid, validate_appsecret,
    validate_encoding_aes_key, validate_hub_url, validate_listen, validate_message_token, validate_operator_key,
    validate_public_url,
};

/// What the UI asks the engine to do. Each variant ends in exactly one reply `Event`, named in its doc.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Reads which profile is active and what is configured (non-secret parts only), and whether a keychain is usable.
    /// Reply: [`Event::Profiles`]. The UI sends this once at start, then `ActivateProfile(overview.active)`.
    LoadProfiles,
    /// Connects to the hub of this profile, starting the in-process sandbox or local hub when needed, stops the
    /// previous profile's long poll, and remembers the choice. Reply: [`Event::ProfileActivated`].
    /// Before the reply the engine sends the profile's cached authorizers as `Authorizers { source: Cache }` (when the
    /// cache holds any) and afterwards the long poll reports through `Connection` and `Hub` events.
    ActivateProfile(ProfileId),
    /// Validates the local profile's credentials and stores them in the OS keychain (the non-secret appid, listen
    /// address and public URL go to the settings file). Does not activate it. Reply: [`Event::ProfileSaved`].
    SaveLocalProfile(LocalProfileForm),
    /// Validates the remote hub's URL and operator key and stores the key in the OS keychain. Does not activate it.
    /// Reply: [`Event::ProfileSaved`].
    SaveRemoteProfile(RemoteProfileForm),
    /// Asks the active hub for its health: ticket age, component token expiry, last error. Reply: [`Event::Status`].
    RefreshStatus,
    /// Fetches every authorizer from the hub (all pages) and stores them in the local cache.
    /// Reply: `Authorizers { source: Hub, .. }`. The cached copy is sent earlier, on `ActivateProfile`.
    LoadAuthorizers,
    /// Asks the hub to pull the authorizer list and details from WeChat again. Zero or more `SyncProgress` events
    /// come first; reply: [`Event::SyncFinished`]. Send `LoadAuthorizers` afterwards to see the result.
    SyncAuthorizers,
    /// Creates a pre-authorization code and the two authorization links (PC page and mobile H5) on the hub.
    /// Reply: [`Event::PreAuthCreated`].
    CreatePreAuth(PreAuthRequest),
    /// Sandbox only: does what a merchant's scan and confirm does on the simulator, so the hub lands the
    /// authorization and the long poll brings the `authorized` event. Reply: [`Event::ScanSimulated`]
    /// (an error of kind `NotSandbox` on other profiles).
    SimulateScan {
        /// The code from `PreAuthCreated`.
        pre_auth_code: String,
        /// Which kind of seeded account authorizes.
        kind: AccountKind,
        /// The permission sets (§3) the merchant grants.
        func_ids: Vec<u32>,
    },
    /// Fetches the hub's operator activity log (newest last). Reply: [`Event::Activity`].
    LoadActivity,
    /// Renders `link` as a QR code PNG (with a quiet zone) and writes it atomically to `path`.
    /// Reply: [`Event::QrSaved`].
    SaveQrPng {
        /// The text to encode, normally `PreAuth::h5_url`.
        link: String,
        /// Where to write the image.
        path: PathBuf,
    },
}

/// What the engine tells the UI. See [`Event::is_reply`] for which ones end a `Command`.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Reply to `LoadProfiles`.
    Profiles(Result<ProfilesOverview, EngineError>),
    /// Reply to `ActivateProfile`.
    ProfileActivated(Result<ProfileInfo, EngineError>),
    /// Reply to `SaveLocalProfile` and `SaveRemoteProfile`.
    ProfileSaved(Result<ProfileId, EngineError>),
    /// Reply to `RefreshStatus`.
    Status(Result<HubStatus, EngineError>),
    /// With `source: Hub`, the reply to `LoadAuthorizers`. With `source: Cache`, the locally cached list, sent
    /// unasked while a profile activates (not a reply).
    Authorizers {
        source: AuthorizersSource,
        result: Result<Vec<AuthorizerRow>, EngineError>,
    },
    /// Progress of a running `SyncAuthorizers` (not a reply).
    SyncProgress { done: u64, total: u64 },
    /// Reply to `SyncAuthorizers`.
    SyncFinished(Result<SyncSummary, EngineError>),
    /// Reply to `CreatePreAuth`.
    PreAuthCreated(Result<PreAuth, EngineError>),
    /// Reply to `SimulateScan`.
    ScanSimulated(Result<(), EngineError>),
    /// Reply to `LoadActivity`.
    Activity(Result<Vec<ActivityEntry>, EngineError>),
    /// Reply to `SaveQrPng`: the path written.
    QrSaved(Result<PathBuf, EngineError>),
    /// Something happened on the hub (from the long poll; not a reply).
    Hub(HubEvent),
    /// The long poll's connection to the hub changed (not a reply).
    Connection(ConnectionState),
}

impl Event {
    /// True when this event ends a `Command`; false for events the engine sends unasked.
    pub fn is_reply(&self) -> bool {
        match self {
            Event::Authorizers { source, .. } => *source == AuthorizersSource::Hub,
            Event::SyncProgress { .. } | Event::Hub(_) | Event::Connection(_) => false,
            Event::Profiles(_)
            | Event::ProfileActivated(_)
            | Event::ProfileSaved(_)
            | Event::Status(_)
            | Event::SyncFinished(_)
            | Event::PreAuthCreated(_)
            | Event::ScanSimulated(_)
            | Event::Activity(_)
            | Event::QrSaved(_) => true,
        }
    }
}

/// Where the hub runs (DESIGN.md "profiles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProfileId {
    /// A simulator and a hub started in-process on loopback, seeded with demo data. What a new user gets.
    #[default]
    Sandbox,
    /// A hub started in-process, listening on an address the provider exposes, talking to the real platform.
    Local,
    /// A hub elsewhere, reached by URL with an operator key.
    Remote,
}

impl ProfileId {
    /// A stable lowercase name, used for directories and the settings file.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileId::Sandbox => "sandbox",
            ProfileId::Local => "local",
            ProfileId::Remote => "remote",
        }
    }
}

/// The active profile once connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub id: ProfileId,
    /// The hub's base URL, e.g. `http://127.0.0.1:41234`.
    pub hub_url: String,
    pub is_sandbox: bool,
    /// The platform's appid as the hub reports it.
    pub component_appid: String,
}

/// What is configured, without secrets; the UI fills its forms from this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProfilesOverview {
    /// The profile to activate at start: the last one activated, else `Sandbox`.
    pub active: ProfileId,
    pub local: Option<LocalProfileSummary>,
    pub remote: Option<RemoteProfileSummary>,
    /// `None` when the OS keychain answers; otherwise why it cannot be used (kind `Keychain`). The sandbox works
    /// either way.
    pub keychain_problem: Option<EngineError>,
}

/// The non-secret part of a saved local profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalProfileSummary {
    pub component_appid: String,
    pub listen: String,
    pub public_url: String,
}

/// The non-secret part of a saved remote profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteProfileSummary {
    pub hub_url: String,
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
    /// The last long poll failed; the engine tries again after `retry_in_secs` (growing up to a cap).
    Retrying {
        attempt: u32,
        retry_in_secs: u64,
        error: EngineError,
    },
}

/// A failed command. `Display` shows `message`, which never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub kind: ErrorKind,
    pub message: String,
}

impl EngineError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EngineError {
            kind,
            message: message.into(),
        }
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

#[cfg(test)]
mod tests;
