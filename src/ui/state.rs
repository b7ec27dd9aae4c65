//! `AppState`: everything the console knows from its engine, changed only by the pure `apply(Event)`, by `sent` (a
//! command went out, so its data is loading) and by `tick` (the clock moved). Views read it and push `Command`s.

use std::collections::VecDeque;
use std::path::PathBuf;

use crate::engine::protocol::{
    AccountKind, ActivityEntry, AuthorizerRow, AuthorizersSource, Command, ConnectionState, Event, HubEvent, HubStatus,
    PreAuth, PreAuthRequest, ProfileId, ProfileInfo, ProfilesOverview, SyncSummary, hub_event_kind,
};
use crate::ui::remote::Remote;

/// Renew the pre_auth_code this many seconds before it expires, so the code on screen always scans.
pub const RENEW_BEFORE_SECS: i64 = 60;
/// A ticket older than this is stale: WeChat pushes one every 10 minutes, so two were missed (wechat-api.md §1.1).
pub const TICKET_STALE_AFTER_SECS: i64 = 20 * 60;
/// How many hub events the console keeps for the Activity panel.
const HUB_EVENTS_KEPT: usize = 200;
/// How many issued pre_auth_codes are remembered to recognise the merchant's authorization (a renewed code's
/// predecessor stays valid until it expires, and the merchant may have scanned it).
const CODES_REMEMBERED: usize = 8;

/// A running or finished `SyncAuthorizers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncState {
    /// `(done, total)` while the sync runs.
    pub progress: Option<(u64, u64)>,
    pub result: Remote<SyncSummary>,
}

/// The line the presentation view shows once the merchant in front of the operator has authorized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizedNotice {
    pub appid: Option<String>,
    pub nick_name: String,
    pub func_ids: Vec<u32>,
    /// `updateauthorized`: the merchant changed an existing authorization.
    pub updated: bool,
    pub at: i64,
}

/// The console's state, as its engine reported it.
#[derive(Debug, Default)]
pub struct AppState {
    pub profiles: Remote<ProfilesOverview>,
    /// The active profile.
    pub profile: Remote<ProfileInfo>,
    /// The profile being activated, while `profile` is loading.
    pub activating: Option<ProfileId>,
    pub profile_saved: Remote<ProfileId>,
    pub status: Remote<HubStatus>,
    /// When `status` last arrived (Unix seconds), so the ticket keeps ageing between refreshes.
    pub status_at: Option<i64>,
    pub connection: Option<ConnectionState>,
    pub authorizers: Remote<Vec<AuthorizerRow>>,
    /// Where the list on screen came from.
    pub authorizers_source: Option<AuthorizersSource>,
    /// Bumps whenever the authorizer list changes; the merchant table re-filters on it.
    pub authorizers_version: u64,
    pub sync: SyncState,
    pub preauth: Remote<PreAuth>,
    /// What the last `CreatePreAuth` asked for; renewals ask the same.
    pub preauth_request: PreAuthRequest,
    /// Recently issued codes, newest last.
    issued_codes: VecDeque<String>,
    /// The presentation view is open: only then are codes renewed and authorizations announced.
    pub presenting: bool,
    pub authorized: Option<AuthorizedNotice>,
    pub scan: Remote<()>,
    pub activity: Remote<Vec<ActivityEntry>>,
    /// The latest hub events, newest last.
    pub hub_events: VecDeque<HubEvent>,
    pub qr_saved: Remote<PathBuf>,
    /// Unix seconds, as of the last `tick`.
    pub now: i64,
    /// Tests set this to hide values that change from run to run (QR codes, clocks, codes) in snapshots.
    pub hide_volatile: bool,
    follow_ups: Vec<Command>,
}

impl AppState {
    /// Applies one event from the engine. Pure: no IO, no clock; commands it implies are queued for `take_follow_ups`.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Profiles(result) => self.apply_profiles(result),
            Event::ProfileActivated(result) => self.apply_activated(result),
            Event::ProfileSaved(result) => {
                if result.is_ok() {
                    self.queue(Command::LoadProfiles);
                }
                self.profile_saved.finish(result);
            }
            Event::Status(result) => {
                self.status.finish(result);
                self.status_at = Some(self.now);
            }
            Event::Authorizers { source, result } => self.apply_authorizers(source, result),
            Event::SyncProgress { done, total } => self.sync.progress = Some((done, total)),
            Event::SyncFinished(result) => {
                self.sync.progress = None;
                if result.is_ok() {
                    self.queue(Command::LoadAuthorizers);
                }
                self.sync.result.finish(result);
            }
            Event::PreAuthCreated(result) => {
                if let Ok(preauth) = &result {
                    self.issued_codes.push_back(preauth.pre_auth_code.clone());
                    if self.issued_codes.len() > CODES_REMEMBERED {
                        self.issued_codes.pop_front();
                    }
                }
                self.preauth.finish(result);
            }
            Event::ScanSimulated(result) => self.scan.finish(result),
            Event::Activity(result) => self.activity.finish(result),
            Event::QrSaved(result) => self.qr_saved.finish(result),
            Event::Hub(event) => self.apply_hub_event(event),
            Event::Connection(state) => self.apply_connection(state),
        }
    }

    fn apply_profiles(&mut self, result: Result<ProfilesOverview, crate::engine::protocol::EngineError>) {
        // At start nothing is active yet: activate the profile the engine remembers.
        if let Ok(overview) = &result
            && matches!(self.profile, Remote::NotLoaded)
            && self.activating.is_none()
        {
            self.queue(Command::ActivateProfile(overview.active));
        }
        self.profiles.finish(result);
    }

    fn apply_activated(&mut self, result: Result<ProfileInfo, crate::engine::protocol::EngineError>) {
        self.activating = None;
        if result.is_ok() {
            // A different hub: what the last one said no longer holds.
            self.preauth = Remote::NotLoaded;
            self.issued_codes.clear();
            self.authorized = None;
            self.scan = Remote::NotLoaded;
            self.hub_events.clear();
            self.status = Remote::NotLoaded;
            self.queue(Command::RefreshStatus);
            self.queue(Command::LoadAuthorizers);
            self.queue(Command::LoadActivity);
            if self.presenting {
                self.queue(Command::CreatePreAuth(self.preauth_request.clone()));
            }
        }
        self.profile.finish(result);
    }

    fn apply_authorizers(
        &mut self,
        source: AuthorizersSource,
        result: Result<Vec<AuthorizerRow>, crate::engine::protocol::EngineError>,
    ) {
        match (source, result) {
            // The cached copy shows at once and stays on screen while the hub's answer is on its way.
            (AuthorizersSource::Cache, Ok(rows)) => {
                self.authorizers = if self.authorizers.is_loading() {
                    Remote::Loading { previous: Some(rows) }
                } else {
                    Remote::Ready(rows)
                };
            }
            // An unreadable cache is not worth an error on screen: the hub's list follows.
            (AuthorizersSource::Cache, Err(_)) => return,
            (AuthorizersSource::Hub, result) => self.authorizers.finish(result),
        }
        self.authorizers_source = Some(source);
        self.authorizers_version += 1;
    }

    fn apply_hub_event(&mut self, event: HubEvent) {
        match event.kind.as_str() {
            hub_event_kind::AUTHORIZED | hub_event_kind::UPDATE_AUTHORIZED => {
                self.announce_if_ours(&event);
                self.queue(Command::LoadAuthorizers);
            }
            hub_event_kind::UNAUTHORIZED => self.queue(Command::LoadAuthorizers),
            hub_event_kind::TICKET_RECEIVED | hub_event_kind::TOKEN_REFRESHED | hub_event_kind::ERROR => {
                self.queue(Command::RefreshStatus)
            }
            _ => {}
        }
        self.hub_events.push_back(event);
        if self.hub_events.len() > HUB_EVENTS_KEPT {
            self.hub_events.pop_front();
        }
    }

    /// An authorization is the presented merchant's when it names a code this console issued. A hub that does not
    /// report the code (the field is optional) gets the benefit of the doubt while the view is open.
    fn announce_if_ours(&mut self, event: &HubEvent) {
        if !self.presenting {
            return;
        }
        let code = ["pre_auth_code", "PreAuthCode"]
            .iter()
            .find_map(|key| event.raw.get(key)?.as_str());
        if code.is_some_and(|code| !self.issued_codes.iter().any(|issued| issued == code)) {
            return;
        }
        self.authorized = Some(AuthorizedNotice {
            appid: event.authorizer_appid.clone(),
            nick_name: event
                .nick_name
                .clone()
                .or_else(|| event.authorizer_appid.clone())
                .unwrap_or_default(),
            func_ids: event.func_ids.clone(),
            updated: event.kind == hub_event_kind::UPDATE_AUTHORIZED,
            at: event.at,
        });
        // A pre_auth_code is single use (§1.3): the next merchant needs a fresh one.
        let current = self.preauth.value().map(|p| p.pre_auth_code.as_str());
        if code.is_none() || code == current {
            self.queue(Command::CreatePreAuth(self.preauth_request.clone()));
        }
    }

    fn apply_connection(&mut self, state: ConnectionState) {
        // Back after an outage: events may have been missed, so ask again for what they would have changed.
        let recovered =
            matches!(self.connection, Some(ConnectionState::Retrying { .. })) && state == ConnectionState::Connected;
        if recovered {
            self.queue(Command::RefreshStatus);
            self.queue(Command::LoadAuthorizers);
        }
        self.connection = Some(state);
    }

    /// Records that `command` went to the engine: its data is now loading.
    pub fn sent(&mut self, command: &Command) {
        match command {
            Command::LoadProfiles => self.profiles.start_loading(),
            Command::ActivateProfile(id) => {
                self.activating = Some(*id);
                self.profile.start_loading();
            }
            Command::SaveLocalProfile(_) | Command::SaveRemoteProfile(_) => self.profile_saved.start_loading(),
            Command::RefreshStatus => self.status.start_loading(),
            Command::LoadAuthorizers => self.authorizers.start_loading(),
            Command::SyncAuthorizers => {
                self.sync.progress = Some((0, 0));
                self.sync.result.start_loading();
            }
            Command::CreatePreAuth(request) => {
                self.preauth_request = request.clone();
                self.preauth.start_loading();
            }
            Command::SimulateScan { .. } => self.scan.start_loading(),
            Command::LoadActivity => self.activity.start_loading(),
            Command::SaveQrPng { .. } => self.qr_saved.start_loading(),
        }
    }

    /// Moves the clock to `now` (Unix seconds) and queues what time makes due: renewing a code about to expire.
    pub fn tick(&mut self, now: i64) {
        self.now = now;
        if let (true, Remote::Ready(preauth)) = (self.presenting, &self.preauth)
            && preauth.expires_at - now <= RENEW_BEFORE_SECS
        {
            self.queue(Command::CreatePreAuth(self.preauth_request.clone()));
        }
    }

    /// Opens or closes the presentation view. Opening it asks for a code unless a usable one is on screen.
    pub fn set_presenting(&mut self, presenting: bool) {
        self.presenting = presenting;
        if !presenting {
            self.authorized = None;
            return;
        }
        let usable = match &self.preauth {
            Remote::Ready(preauth) => preauth.expires_at - self.now > RENEW_BEFORE_SECS,
            Remote::Loading { .. } => true,
            _ => false,
        };
        if !usable {
            self.queue(Command::CreatePreAuth(self.preauth_request.clone()));
        }
    }

    /// The commands `apply`, `tick` and `set_presenting` queued, each once, in order.
    pub fn take_follow_ups(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.follow_ups)
    }

    /// Queues a command unless the same one is already queued or its data is already loading.
    fn queue(&mut self, command: Command) {
        let in_flight = match &command {
            Command::LoadAuthorizers => self.authorizers.is_loading(),
            Command::RefreshStatus => self.status.is_loading(),
            Command::CreatePreAuth(_) => self.preauth.is_loading(),
            Command::LoadActivity => self.activity.is_loading(),
            Command::LoadProfiles => self.profiles.is_loading(),
            _ => false,
        };
        let queued = self.follow_ups.iter().any(|q| same_kind(q, &command));
        if !in_flight && !queued {
            self.follow_ups.push(command);
        }
    }

    /// The ticket's age now, counting the time since the status arrived.
    pub fn ticket_age_secs(&self) -> Option<i64> {
        let ticket = self.status.value()?.ticket?;
        let since = self.status_at.map_or(0, |at| (self.now - at).max(0));
        Some(ticket.age_secs + since)
    }

    /// Seconds left before the code on screen expires (negative once expired).
    pub fn preauth_secs_left(&self) -> Option<i64> {
        self.preauth.value().map(|p| p.expires_at - self.now)
    }

    pub fn is_sandbox(&self) -> bool {
        self.profile.value().is_some_and(|p| p.is_sandbox)
    }

    /// The kind of seeded account a simulated scan authorizes, from what the code was made for.
    pub fn scan_kind(&self) -> AccountKind {
        match self.preauth_request.auth_type {
            crate::engine::protocol::AuthType::OfficialAccount => AccountKind::OfficialAccount,
            _ => AccountKind::MiniProgram,
        }
    }
}

fn same_kind(a: &Command, b: &Command) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

#[cfg(test)]
mod tests;
