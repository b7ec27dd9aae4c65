//! `AppState`: everything the console knows from its engine, one state per domain (profiles, status, merchants,
//! authorize, activity, jobs, templates, audits, registrations, setup), each with its own pure `apply`. The shell here only routes: an event goes to its
//! domain, a hub event or a new profile to every domain it concerns, and the commands they imply are queued for the
//! end of the frame. Views read it and push `Command`s; `sent` marks a request in flight, `tick` moves the clock.

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

use std::collections::VecDeque;

use crate::ui::remote::Remote;

pub use activity::ActivityState;
pub use audits::{AuditsState, load as load_audits};
pub use authorize::{AuthorizeState, AuthorizedNotice, RENEW_BEFORE_SECS};
pub use jobs::JobsState;
pub use merchants::MerchantsState;
pub use profiles::ProfilesState;
pub use registrations::RegistrationsState;
pub use setup::{NAME_APPROVED, NAME_REJECTED, NAME_UNDER_REVIEW, NameAudit, SetupState};
pub use status::{StatusState, TICKET_STALE_AFTER_SECS};
pub use templates::TemplatesState;

use crate::engine::protocol::{
    ActivityCommand, ActivityQuery, Command, ConnectionState, Event, HubEvent, HubEventKind, JobQuery, JobsCommand,
    MerchantsCommand, ProfilesCommand, ProfilesEvent, Request, RequestId, StatusCommand, StatusEvent,
};

/// How many hub events the console keeps for the Activity panel.
const HUB_EVENTS_KEPT: usize = 200;

/// The console's state, as its engine reported it.
#[derive(Debug, Default)]
pub struct AppState {
    pub profiles: ProfilesState,
    pub status: StatusState,
    pub connection: Option<ConnectionState>,
    pub merchants: MerchantsState,
    pub authorize: AuthorizeState,
    pub activity: ActivityState,
    pub jobs: JobsState,
    pub templates: TemplatesState,
    pub audits: AuditsState,
    pub registrations: RegistrationsState,
    pub setup: SetupState,
    /// The latest hub events, newest last.
    pub hub_events: VecDeque<HubEvent>,
    /// Unix seconds, as of the last `tick`.
    pub now: i64,
    /// Tests set this to hide values that change from run to run (QR codes, clocks, codes) in snapshots.
    pub hide_volatile: bool,
    follow_ups: FollowUps,
}

/// Commands an event or the clock implies, queued for the end of the frame.
#[derive(Debug, Default)]
pub struct FollowUps {
    commands: Vec<Command>,
}

impl FollowUps {
    /// Queues `command` unless the same one is already queued.
    pub fn queue(&mut self, command: Command) {
        if !self.commands.contains(&command) {
            self.commands.push(command);
        }
    }
}

impl AppState {
    /// Applies one event from the engine. Pure: no IO, no clock; commands it implies are queued for
    /// `take_follow_ups`.
    pub fn apply(&mut self, event: Event) {
        let mut follow = FollowUps::default();
        match event {
            Event::Profiles(event) => {
                let activated = matches!(&event, ProfilesEvent::Activated(reply)
                    if reply.result.is_ok() && self.profiles.profile.awaited() == Some(reply.request));
                self.profiles.apply(event, &mut follow);
                if activated {
                    self.on_new_hub(&mut follow);
                }
            }
            Event::Status(event) => {
                // A domain change is seen in the checklist only once it is read again.
                if matches!(&event, StatusEvent::DomainsSet(reply) if reply.result.is_ok()) {
                    follow.queue(Command::Status(StatusCommand::Readiness));
                }
                self.status.apply(event, self.now)
            }
            Event::Merchants(event) => self.merchants.apply(event),
            Event::Authorize(event) => self.authorize.apply(event),
            Event::Activity(event) => self.activity.apply(event),
            Event::Jobs(event) => self.jobs.apply(event, &mut follow),
            Event::Templates(event) => self.templates.apply(event, &mut follow),
            Event::Audits(event) => self.audits.apply(event),
            Event::Registrations(event) => self.registrations.apply(event),
            Event::Setup(event) => self.setup.apply(event, &mut follow),
            Event::Hub(event) => self.apply_hub_event(event, &mut follow),
            Event::Connection(state) => self.apply_connection(state, &mut follow),
        }
        self.queue_all(follow);
    }

    /// A different hub (or the first): what the last one said no longer holds; ask this one.
    fn on_new_hub(&mut self, follow: &mut FollowUps) {
        self.authorize.forget_hub();
        self.hub_events.clear();
        self.status = StatusState::default();
        self.jobs = JobsState::default();
        // The Templates panel reads its lists when it opens (or now, when it is open and sees them gone).
        self.templates = TemplatesState::default();
        // So does the Audits panel.
        self.audits = AuditsState::default();
        // And the Registrations panel.
        self.registrations = RegistrationsState::default();
        // And a merchant's set-up.
        self.setup = SetupState::default();
        // And a merchant's detail its versions.
        self.merchants.forget_versions(None);
        follow.queue(Command::Status(StatusCommand::Refresh));
        follow.queue(Command::Merchants(MerchantsCommand::Load));
        follow.queue(Command::Activity(ActivityCommand::Load(self.activity.first_page())));
        follow.queue(Command::Jobs(JobsCommand::List(JobQuery::default())));
        if self.authorize.presenting {
            follow.queue(self.authorize.renewal());
        }
    }

    fn apply_hub_event(&mut self, event: HubEvent, follow: &mut FollowUps) {
        match &event.kind {
            HubEventKind::Authorized(authorization) | HubEventKind::UpdateAuthorized(authorization) => {
                let updated = matches!(event.kind, HubEventKind::UpdateAuthorized(_));
                self.authorize
                    .announce_if_ours(authorization, updated, event.at, follow);
                follow.queue(Command::Merchants(MerchantsCommand::Load));
            }
            HubEventKind::Unauthorized { .. } | HubEventKind::AuthorizerUpdated { .. } => {
                follow.queue(Command::Merchants(MerchantsCommand::Load))
            }
            HubEventKind::TicketReceived | HubEventKind::TokenRefreshed(_) | HubEventKind::Error(_) => {
                follow.queue(Command::Status(StatusCommand::Refresh))
            }
            HubEventKind::JobProgress(job) => {
                if self.merchants.job_progress(job) {
                    follow.queue(Command::Merchants(MerchantsCommand::Load));
                }
                if let Some(show) = self.jobs.job_progress(job) {
                    follow.queue(show);
                }
            }
            HubEventKind::AuditUpdated(audit) => {
                self.audits.audit_updated(audit);
                // A release or a deployment's commit changes the versions the merchant's detail shows.
                self.merchants.forget_versions(Some(&audit.appid));
            }
            HubEventKind::RegistrationUpdated { registration } => self.registrations.updated(registration),
            _ => {}
        }
        // The Activity panel's list of hub events is for people: it leaves out what comes by the hundred. Job
        // progress is many small events a second; a deployment moves hundreds of audit rows (their platform pushes
        // are listed, in words); every merchant's token is renewed every two hours (the component's is listed).
        let routine = match &event.kind {
            HubEventKind::JobProgress(_) | HubEventKind::AuditUpdated(_) => true,
            HubEventKind::TokenRefreshed(refreshed) => refreshed.token != "component",
            _ => false,
        };
        if !routine {
            self.hub_events.push_back(event);
            if self.hub_events.len() > HUB_EVENTS_KEPT {
                self.hub_events.pop_front();
            }
        }
    }

    fn apply_connection(&mut self, state: ConnectionState, follow: &mut FollowUps) {
        // Back after an outage: events may have been missed, so ask again for what they would have changed.
        let recovered =
            matches!(self.connection, Some(ConnectionState::Retrying { .. })) && state == ConnectionState::Connected;
        if recovered {
            follow.queue(Command::Status(StatusCommand::Refresh));
            follow.queue(Command::Merchants(MerchantsCommand::Load));
            follow.queue(Command::Jobs(JobsCommand::List(JobQuery::default())));
            if !matches!(self.audits.page, Remote::NotLoaded) {
                follow.queue(audits::load());
            }
        }
        self.connection = Some(state);
    }

    /// Records that `request` went to the engine: its data is now loading, and only its reply will be applied.
    pub fn sent(&mut self, request: &Request) {
        let id = request.id;
        match &request.command {
            Command::Profiles(command) => self.profiles.sent(id, command),
            Command::Status(StatusCommand::Refresh) => self.status.status.start_loading(id),
            Command::Status(StatusCommand::Readiness) => self.status.readiness.start_loading(id),
            Command::Status(StatusCommand::ReleaseCheck) => self.status.release_check.start_loading(id),
            Command::Status(StatusCommand::SetPlatformDomains { .. }) => self.status.domains_set.start_loading(id),
            Command::Merchants(command) => self.merchants.sent(id, command),
            Command::Authorize(command) => self.authorize.sent(id, command),
            Command::Activity(command) => self.activity.sent(id, command),
            Command::Jobs(command) => self.jobs.sent(id, command),
            Command::Templates(command) => self.templates.sent(id, command),
            Command::Audits(command) => self.audits.sent(id, command),
            Command::Registrations(command) => self.registrations.sent(id, command),
            Command::Setup(command) => self.setup.sent(id, command),
        }
    }

    /// Moves the clock to `now` (Unix seconds) and queues what time makes due: renewing a code about to expire.
    pub fn tick(&mut self, now: i64) {
        self.now = now;
        let mut follow = FollowUps::default();
        self.authorize.tick(now, &mut follow);
        self.queue_all(follow);
    }

    /// Opens or closes the presentation view. Opening it asks for a code unless a usable one is on screen.
    pub fn set_presenting(&mut self, presenting: bool) {
        let mut follow = FollowUps::default();
        self.authorize.set_presenting(presenting, self.now, &mut follow);
        self.queue_all(follow);
    }

    /// The commands `apply`, `tick` and `set_presenting` queued, each once, in order.
    pub fn take_follow_ups(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.follow_ups.commands)
    }

    /// Queues commands unless their data is already loading or the same command is already queued.
    fn queue_all(&mut self, follow: FollowUps) {
        for command in follow.commands {
            if !self.in_flight(&command) {
                self.follow_ups.queue(command);
            }
        }
    }

    /// Whether the answer `command` would bring is already on its way.
    fn in_flight(&self, command: &Command) -> bool {
        match command {
            Command::Profiles(ProfilesCommand::Load) => self.profiles.overview.is_loading(),
            Command::Status(StatusCommand::Refresh) => self.status.status.is_loading(),
            Command::Status(StatusCommand::Readiness) => self.status.readiness.is_loading(),
            Command::Status(StatusCommand::ReleaseCheck) => self.status.release_check.is_loading(),
            Command::Status(StatusCommand::SetPlatformDomains { .. }) => false,
            Command::Merchants(MerchantsCommand::Load) => self.merchants.list.is_loading(),
            Command::Authorize(command) => self.authorize.in_flight(command),
            Command::Activity(ActivityCommand::Load(ActivityQuery { before: None, .. })) => {
                self.activity.log.is_loading()
            }
            Command::Jobs(command) => self.jobs.in_flight(command),
            // The read after an add or delete goes even when one is on its way: that one may predate the change.
            Command::Templates(_) => false,
            _ => false,
        }
    }

    /// Every request in flight, by name: what a spinner waits for.
    pub fn in_flight_summary(&self) -> Vec<&'static str> {
        [
            ("profiles", self.profiles.overview.is_loading()),
            ("profile", self.profiles.profile.is_loading()),
            ("profile save", self.profiles.saved.is_loading()),
            ("status", self.status.status.is_loading()),
            ("readiness", self.status.readiness.is_loading()),
            ("release check", self.status.release_check.is_loading()),
            ("domains", self.status.domains_set.is_loading()),
            ("merchants", self.merchants.list.is_loading()),
            ("sync", self.merchants.sync_started.is_loading()),
            ("versions", self.merchants.versions.values().any(Remote::is_loading)),
            ("preauth", self.authorize.preauth.is_loading()),
            ("scan", self.authorize.scan.is_loading()),
            ("qr png", self.authorize.qr_saved.is_loading()),
            ("activity", self.activity.log.is_loading()),
            ("jobs", self.jobs.list.is_loading()),
            ("job", self.jobs.shown.is_loading()),
            ("job action", self.jobs.acted.is_loading()),
            ("deploy", self.jobs.deployed.is_loading()),
            ("audit quota", self.jobs.quota.is_loading()),
            ("templates", self.templates.library.is_loading()),
            ("template change", self.templates.change.is_loading()),
            ("audits", self.audits.page.is_loading()),
            ("screenshot", self.audits.screenshots.values().any(Remote::is_loading)),
            ("audits quota", self.audits.quota.is_loading()),
            ("audit action", self.audits.acting.is_loading()),
            ("releases", self.audits.code.values().any(Remote::is_loading)),
            ("audit batch", self.audits.batch_job.is_loading()),
            ("registrations", self.registrations.list.is_loading()),
            ("registration", self.registrations.created.is_loading()),
            ("registration simulated", self.registrations.simulated.is_loading()),
            ("setup", self.setup.account.is_loading()),
            ("categories", self.setup.tree.is_loading()),
            ("avatar", self.setup.avatar.is_loading()),
            ("setup action", self.setup.acted.is_loading()),
            ("name review simulated", self.setup.simulated.is_loading()),
            ("queued", !self.follow_ups.commands.is_empty()),
        ]
        .into_iter()
        .filter_map(|(name, busy)| busy.then_some(name))
        .collect()
    }

    /// Whether any request is in flight or queued: some spinner is on screen.
    pub fn is_busy(&self) -> bool {
        !self.in_flight_summary().is_empty()
    }

    pub fn is_sandbox(&self) -> bool {
        self.profiles.profile.value().is_some_and(|p| p.is_sandbox)
    }

    /// Whether the hub answers now: what the panels show of it is current, not a stale copy.
    pub fn is_connected(&self) -> bool {
        matches!(self.connection, Some(ConnectionState::Connected))
    }

    /// The ticket's age now, counting the time since the status arrived.
    pub fn ticket_age_secs(&self) -> Option<i64> {
        self.status.ticket_age_secs(self.now)
    }
}

/// Numbers requests: the shell asks for the next id for every command it sends.
#[derive(Debug, Default)]
pub struct RequestIds {
    last: u64,
}

impl RequestIds {
    /// A number no earlier request had.
    pub fn fresh(&mut self) -> RequestId {
        self.last += 1;
        RequestId(self.last)
    }
}

#[cfg(test)]
mod tests;
