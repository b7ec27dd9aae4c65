//! The profiles domain: which hub the console talks to (sandbox, local, remote), and saving their credentials.

use serde::{Deserialize, Serialize};

use super::{EngineError, LocalProfileForm, RemoteProfileForm, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum ProfilesCommand {
    /// Reads which profile is active and what is configured (non-secret parts only), and whether a keychain is
    /// usable. Reply: `Loaded`. The UI sends this once at start, then `Activate(overview.active)`.
    Load,
    /// Connects to the hub of this profile, starting the in-process sandbox or local hub when needed, stops the
    /// previous profile's long poll, and remembers the choice. Reply: `Activated`. Before the reply the engine sends
    /// the profile's cached merchants (`MerchantsEvent::Cached`); afterwards the long poll reports through
    /// `Connection` and `Hub` events.
    Activate(ProfileId),
    /// Validates the local profile's credentials and stores them in the OS keychain (the non-secret appid, listen
    /// address and public URL go to the settings file). Does not activate it. Reply: `Saved`.
    SaveLocal(LocalProfileForm),
    /// Validates the remote hub's URL and operator key and stores the key in the OS keychain. Reply: `Saved`.
    SaveRemote(RemoteProfileForm),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProfilesEvent {
    Loaded(Reply<ProfilesOverview>),
    Activated(Reply<ProfileInfo>),
    Saved(Reply<ProfileId>),
}

domain_replies!(ProfilesCommand => ProfilesEvent {
    ProfilesCommand::Load => Loaded,
    ProfilesCommand::Activate(_) => Activated,
    ProfilesCommand::SaveLocal(_) | ProfilesCommand::SaveRemote(_) => Saved,
} unasked {});

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
