//! `AppState::apply` for the events of every domain, the commands events and the clock imply, and the rule that a
//! reply to a superseded request never overwrites a newer one.

use super::*;
use crate::engine::protocol::{
    AccountKind, Activity, ActivityEvent, AuthType, AuthorizeCommand, AuthorizeEvent, AuthorizerRow, AuthorizersSource,
    EngineError, ErrorKind, HubStatus, Job, JobKind, JobState, JobsEvent, MerchantsEvent, PreAuthRequest, Preauth,
    ProfileId, ProfileInfo, ProfilesOverview, Reply, StatusEvent,
};
use crate::engine::protocol::{ActivityPage, Authorization, JobCounts, Outcome, TicketStatus, TokenRefreshed};
use crate::ui::remote::Remote;

fn err(kind: ErrorKind) -> EngineError {
    EngineError::new(kind, "it failed")
}

/// Sends `command` as the shell does (a fresh id, marked in flight) and returns its id.
fn send(state: &mut AppState, ids: &mut RequestIds, command: Command) -> RequestId {
    let id = ids.fresh();
    state.sent(&Request { id, command });
    id
}

/// Sends every queued follow-up, as the shell does at the end of a frame, and returns them.
fn send_follow_ups(state: &mut AppState, ids: &mut RequestIds) -> Vec<(RequestId, Command)> {
    state
        .take_follow_ups()
        .into_iter()
        .map(|command| (send(state, ids, command.clone()), command))
        .collect()
}

fn id_of(sent: &[(RequestId, Command)], wanted: &Command) -> RequestId {
    sent.iter()
        .find(|(_, command)| command == wanted)
        .map(|(id, _)| *id)
        .unwrap_or_else(|| panic!("{wanted:?} was not sent: {sent:?}"))
}

fn info() -> ProfileInfo {
    ProfileInfo {
        id: ProfileId::Sandbox,
        hub_url: "http://127.0.0.1:4000".into(),
        is_sandbox: true,
        component_appid: "wx0000000000000001".into(),
    }
}

fn row(appid: &str) -> AuthorizerRow {
    AuthorizerRow {
        appid: appid.into(),
        nick_name: format!("商家 {appid}"),
        kind: AccountKind::MiniProgram,
        principal_name: "某某有限公司".into(),
        verified: true,
        verify_type: 0,
        authorized_at: 1_700_000_000,
        revoked_at: None,
        func_ids: vec![17, 18],
        user_name: "gh_1".into(),
        head_img: String::new(),
        service_type: 0,
    }
}

fn preauth(code: &str, expires_at: i64) -> Preauth {
    Preauth {
        pre_auth_code: code.into(),
        expires_at,
        pc_url: format!("https://mp.example/pc?code={code}"),
        h5_url: format!("https://mp.example/h5?code={code}"),
    }
}

fn status(age_secs: i64) -> HubStatus {
    HubStatus {
        component_appid: "wx0000000000000001".into(),
        ticket: Some(TicketStatus {
            received_at: 1_000 - age_secs,
            age_secs,
        }),
        component_token: None,
        last_error: None,
        now: 1_000,
        audit_quota: None,
        ticket_request: None,
    }
}

fn sync_job(id: i64, state: JobState, done: i64, total: i64) -> Job {
    let mut counts = JobCounts::default();
    counts.add(crate::engine::protocol::ItemState::Done, done);
    counts.add(crate::engine::protocol::ItemState::Pending, total - done);
    Job {
        id,
        kind: JobKind::AuthorizerSync,
        state,
        reason: None,
        created_by: "hub".into(),
        created_at: 900,
        updated_at: 950,
        counts,
        items: Vec::new(),
    }
}

fn hub(kind: HubEventKind) -> Event {
    Event::Hub(HubEvent {
        seq: 7,
        at: 1_000,
        kind,
    })
}

fn authorization(code: Option<&str>) -> Authorization {
    Authorization {
        authorizer_appid: "wx00000000000000aa".into(),
        nick_name: Some("云朵咖啡".into()),
        kind: Some(AccountKind::MiniProgram),
        func_ids: vec![17, 18],
        pre_auth_code: code.map(str::to_owned),
    }
}

/// A state connected to the sandbox, as after start-up, with every start-up reply applied.
fn connected(ids: &mut RequestIds) -> AppState {
    let mut state = AppState {
        now: 1_000,
        ..AppState::default()
    };
    let load = send(&mut state, ids, Command::Profiles(ProfilesCommand::Load));
    state.apply(Event::Profiles(ProfilesEvent::Loaded(Reply::new(
        load,
        Ok(ProfilesOverview::default()),
    ))));
    let sent = send_follow_ups(&mut state, ids);
    let activate = id_of(&sent, &Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox)));
    state.apply(Event::Profiles(ProfilesEvent::Activated(Reply::new(
        activate,
        Ok(info()),
    ))));
    state.apply(Event::Connection(ConnectionState::Connected));
    let sent = send_follow_ups(&mut state, ids);
    for (id, command) in sent {
        let reply = match command {
            Command::Status(_) => Event::Status(StatusEvent::Refreshed(Reply::new(id, Ok(status(30))))),
            Command::Merchants(_) => Event::Merchants(MerchantsEvent::Loaded(Reply::new(
                id,
                Ok(vec![row("wx00000000000000a1")]),
            ))),
            Command::Activity(ActivityCommand::Load(query)) => Event::Activity(ActivityEvent::Loaded(Reply::new(
                id,
                Ok((
                    query,
                    ActivityPage {
                        activity: Vec::new(),
                        next: 0,
                    },
                )),
            ))),
            Command::Jobs(_) => Event::Jobs(JobsEvent::Listed(Reply::new(id, Ok(Vec::new())))),
            other => panic!("unexpected start-up command {other:?}"),
        };
        state.apply(reply);
    }
    assert!(state.take_follow_ups().is_empty());
    state
}

#[test]
fn start_up_activates_the_remembered_profile_then_asks_the_hub_for_everything() {
    let mut ids = RequestIds::default();
    let mut state = AppState::default();
    let load = send(&mut state, &mut ids, Command::Profiles(ProfilesCommand::Load));
    let overview = ProfilesOverview {
        active: ProfileId::Remote,
        ..ProfilesOverview::default()
    };
    state.apply(Event::Profiles(ProfilesEvent::Loaded(Reply::new(load, Ok(overview)))));
    let sent = send_follow_ups(&mut state, &mut ids);
    assert_eq!(
        sent.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
        vec![Command::Profiles(ProfilesCommand::Activate(ProfileId::Remote))]
    );
    assert_eq!(state.profiles.activating, Some(ProfileId::Remote));

    state.apply(Event::Profiles(ProfilesEvent::Activated(Reply::new(
        sent[0].0,
        Ok(info()),
    ))));
    assert_eq!(state.profiles.activating, None);
    let follow = state.take_follow_ups();
    for wanted in [
        Command::Status(StatusCommand::Refresh),
        Command::Merchants(MerchantsCommand::Load),
        Command::Jobs(JobsCommand::List(JobQuery::default())),
    ] {
        assert!(follow.contains(&wanted), "{wanted:?} not in {follow:?}");
    }
    assert!(
        follow
            .iter()
            .any(|c| matches!(c, Command::Activity(ActivityCommand::Load(q)) if q.before.is_some())),
        "the newest activity page: {follow:?}"
    );
}

#[test]
fn a_late_code_for_the_previous_auth_type_does_not_replace_the_new_one() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let ask = |auth_type| {
        Command::Authorize(AuthorizeCommand::CreatePreauth(PreAuthRequest {
            auth_type,
            ..PreAuthRequest::default()
        }))
    };
    let first = send(&mut state, &mut ids, ask(AuthType::MiniProgram));
    let second = send(&mut state, &mut ids, ask(AuthType::OfficialAccount));
    // The official-account code arrives first, then the mini-program code the operator no longer wants.
    state.apply(Event::Authorize(AuthorizeEvent::PreauthCreated(Reply::new(
        second,
        Ok(preauth("official", 2_000)),
    ))));
    state.apply(Event::Authorize(AuthorizeEvent::PreauthCreated(Reply::new(
        first,
        Ok(preauth("mini", 2_000)),
    ))));
    assert_eq!(
        state.authorize.preauth.value().map(|p| p.pre_auth_code.as_str()),
        Some("official")
    );
    assert_eq!(state.authorize.request.auth_type, AuthType::OfficialAccount);
}

#[test]
fn the_cached_list_shows_at_once_and_the_hubs_list_replaces_it() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let version = state.merchants.version;
    let load = send(&mut state, &mut ids, Command::Merchants(MerchantsCommand::Load));
    state.apply(Event::Merchants(MerchantsEvent::Cached(vec![row(
        "wx00000000000000c1",
    )])));
    assert!(state.merchants.list.is_loading(), "still waiting for the hub");
    assert_eq!(state.merchants.list.value().map(Vec::len), Some(1));
    assert_eq!(state.merchants.source, Some(AuthorizersSource::Cache));
    let rows = vec![row("wx00000000000000c1"), row("wx00000000000000c2")];
    state.apply(Event::Merchants(MerchantsEvent::Loaded(Reply::new(load, Ok(rows)))));
    assert_eq!(state.merchants.list.value().map(Vec::len), Some(2));
    assert_eq!(state.merchants.source, Some(AuthorizersSource::Hub));
    assert_eq!(state.merchants.version, version + 2);
}

#[test]
fn our_merchants_authorization_is_announced_and_a_fresh_code_is_made() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    state.set_presenting(true);
    let sent = send_follow_ups(&mut state, &mut ids);
    let (id, _) = sent[0];
    state.apply(Event::Authorize(AuthorizeEvent::PreauthCreated(Reply::new(
        id,
        Ok(preauth("ours", 2_000)),
    ))));

    state.apply(hub(HubEventKind::Authorized(authorization(Some("someone-else's")))));
    assert_eq!(state.authorize.authorized, None, "another console's merchant");
    assert_eq!(
        state.take_follow_ups(),
        vec![Command::Merchants(MerchantsCommand::Load)],
        "but the list changed"
    );

    state.apply(hub(HubEventKind::Authorized(authorization(Some("ours")))));
    let notice = state.authorize.authorized.clone().expect("announced");
    assert_eq!(notice.nick_name, "云朵咖啡");
    assert_eq!(notice.func_ids, vec![17, 18]);
    let follow = state.take_follow_ups();
    assert!(follow.contains(&state.authorize.renewal()), "{follow:?}");
    assert!(follow.contains(&Command::Merchants(MerchantsCommand::Load)));
}

#[test]
fn a_code_about_to_expire_is_renewed_while_presenting_only() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let id = send(
        &mut state,
        &mut ids,
        Command::Authorize(AuthorizeCommand::CreatePreauth(PreAuthRequest::default())),
    );
    state.apply(Event::Authorize(AuthorizeEvent::PreauthCreated(Reply::new(
        id,
        Ok(preauth("c", 1_500)),
    ))));
    state.tick(1_500 - RENEW_BEFORE_SECS);
    assert!(state.take_follow_ups().is_empty(), "not presenting");
    state.tick(1_500 - RENEW_BEFORE_SECS - 10);
    state.set_presenting(true);
    assert!(state.take_follow_ups().is_empty(), "the code on screen is still usable");
    state.tick(1_500 - RENEW_BEFORE_SECS);
    assert_eq!(state.take_follow_ups(), vec![state.authorize.renewal()]);
}

#[test]
fn a_failed_status_refresh_keeps_the_ticket_ageing_from_when_it_was_true() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    assert_eq!(state.ticket_age_secs(), Some(30));
    state.tick(1_100);
    assert_eq!(state.ticket_age_secs(), Some(130));
    let id = send(&mut state, &mut ids, Command::Status(StatusCommand::Refresh));
    state.apply(Event::Status(StatusEvent::Refreshed(Reply::new(
        id,
        Err(err(ErrorKind::Network)),
    ))));
    assert_eq!(
        state.ticket_age_secs(),
        Some(130),
        "the age must not jump back to 30 because a refresh failed"
    );
}

#[test]
fn back_after_an_outage_the_console_asks_again() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    state.apply(Event::Connection(ConnectionState::Retrying {
        attempt: 1,
        retry_at: 1_002,
        error: err(ErrorKind::Network),
    }));
    assert!(!state.is_connected());
    assert!(state.take_follow_ups().is_empty());
    state.apply(Event::Connection(ConnectionState::Connected));
    let follow = state.take_follow_ups();
    for wanted in [
        Command::Status(StatusCommand::Refresh),
        Command::Merchants(MerchantsCommand::Load),
        Command::Jobs(JobsCommand::List(JobQuery::default())),
    ] {
        assert!(follow.contains(&wanted), "{wanted:?} not in {follow:?}");
    }
}

#[test]
fn sync_progress_comes_from_the_job_and_its_end_reloads_the_merchants() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    state.apply(hub(HubEventKind::JobProgress(sync_job(4, JobState::Running, 10, 40))));
    assert_eq!(
        state.merchants.running_sync().map(|job| job.counts.finished()),
        Some(10)
    );
    assert!(state.take_follow_ups().is_empty());
    assert_eq!(
        state.jobs.list.value().map(Vec::len),
        Some(1),
        "the jobs list follows too"
    );
    assert!(state.hub_events.is_empty(), "progress does not flood the events pane");
    let audit = serde_json::from_value(serde_json::json!({
        "appid": "wx0123456789abcdef", "nick_name": null, "auditid": 412000001, "user_version": "1.0.0",
        "user_desc": null, "status": "rejected", "submitted_at": 1000, "resolved_at": 2000,
        "reasons": ["1. x"], "screenshots": [], "source": "push", "updated_at": 2000
    }))
    .unwrap();
    state.apply(hub(HubEventKind::AuditUpdated(audit)));
    assert!(state.hub_events.is_empty(), "nor do audit rows");
    let token = |token: &str, appid: Option<&str>| {
        hub(HubEventKind::TokenRefreshed(TokenRefreshed {
            token: token.into(),
            authorizer_appid: appid.map(str::to_owned),
            expires_at: 8_200,
        }))
    };
    state.apply(token("authorizer", Some("wx0123456789abcdef")));
    assert!(state.hub_events.is_empty(), "nor do merchants' token renewals");
    state.apply(token("component", None));
    assert_eq!(state.hub_events.len(), 1, "the component token's renewal is listed");
    assert_eq!(
        state.take_follow_ups(),
        vec![Command::Status(StatusCommand::Refresh)],
        "the renewals refresh the status, once"
    );

    state.apply(hub(HubEventKind::JobProgress(sync_job(4, JobState::Completed, 40, 40))));
    assert!(state.merchants.running_sync().is_none());
    assert_eq!(
        state.take_follow_ups(),
        vec![Command::Merchants(MerchantsCommand::Load)]
    );
    // The same end seen twice (a replay after a reconnect) does not load again.
    state.apply(hub(HubEventKind::JobProgress(sync_job(4, JobState::Completed, 40, 40))));
    assert!(state.take_follow_ups().is_empty());
}

#[test]
fn the_open_job_refreshes_its_items_on_progress() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let show = send(&mut state, &mut ids, Command::Jobs(JobsCommand::Show(4)));
    state.apply(Event::Jobs(JobsEvent::Shown(Reply::new(
        show,
        Ok(sync_job(4, JobState::Running, 1, 3)),
    ))));
    state.apply(hub(HubEventKind::JobProgress(sync_job(4, JobState::Running, 2, 3))));
    assert_eq!(state.jobs.shown.value().map(|job| job.counts.finished()), Some(2));
    assert_eq!(state.take_follow_ups(), vec![Command::Jobs(JobsCommand::Show(4))]);
    state.apply(hub(HubEventKind::JobProgress(sync_job(5, JobState::Running, 0, 3))));
    assert!(state.take_follow_ups().is_empty(), "another job: nothing to refresh");
}

fn entry(seq: i64) -> Activity {
    Activity {
        seq,
        at: 1_000 + seq,
        operator: "alice".into(),
        action: "preauth.create".into(),
        target: Some("auth_type=2".into()),
        outcome: Outcome::Ok,
        reason: None,
        errcode: None,
        detail: None,
    }
}

#[test]
fn activity_pages_back_through_history_under_one_filter() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let first = state.activity.first_page();
    let id = send(
        &mut state,
        &mut ids,
        Command::Activity(ActivityCommand::Load(first.clone())),
    );
    let page: Vec<Activity> = (0..activity::PAGE).rev().map(|i| entry(i + 200)).collect();
    state.apply(Event::Activity(ActivityEvent::Loaded(Reply::new(
        id,
        Ok((
            first,
            ActivityPage {
                activity: page,
                next: 0,
            },
        )),
    ))));
    let older = state.activity.older_page().expect("a full page: older ones may exist");
    assert_eq!(older.before, Some(200));
    let id = send(
        &mut state,
        &mut ids,
        Command::Activity(ActivityCommand::Load(older.clone())),
    );
    state.apply(Event::Activity(ActivityEvent::Loaded(Reply::new(
        id,
        Ok((
            older,
            ActivityPage {
                activity: vec![entry(5), entry(4)],
                next: 0,
            },
        )),
    ))));
    let seqs: Vec<i64> = state.activity.log.value().unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(seqs.len() as i64, activity::PAGE + 2);
    assert_eq!(
        seqs.last(),
        Some(&4),
        "older entries are appended, newest first throughout"
    );
    assert!(state.activity.older_page().is_none(), "a short page is the last");

    // A new filter starts over with its own newest page.
    let filtered = ActivityQuery {
        operator: Some("bob".into()),
        ..state.activity.first_page()
    };
    let id = send(
        &mut state,
        &mut ids,
        Command::Activity(ActivityCommand::Load(filtered.clone())),
    );
    assert_eq!(state.activity.filter.operator.as_deref(), Some("bob"));
    state.apply(Event::Activity(ActivityEvent::Loaded(Reply::new(
        id,
        Ok((
            filtered,
            ActivityPage {
                activity: vec![entry(9)],
                next: 0,
            },
        )),
    ))));
    assert_eq!(state.activity.log.value().map(Vec::len), Some(1));
}

#[test]
fn a_successful_save_is_counted_once_and_reloads_the_profiles() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let form = crate::engine::protocol::RemoteProfileForm::default();
    let id = send(
        &mut state,
        &mut ids,
        Command::Profiles(ProfilesCommand::SaveRemote(form.clone())),
    );
    state.apply(Event::Profiles(ProfilesEvent::Saved(Reply::new(
        id,
        Ok(ProfileId::Remote),
    ))));
    assert_eq!(state.profiles.saves, 1);
    assert_eq!(state.take_follow_ups(), vec![Command::Profiles(ProfilesCommand::Load)]);
    // The same reply again (it cannot be awaited twice) changes nothing.
    state.apply(Event::Profiles(ProfilesEvent::Saved(Reply::new(
        id,
        Ok(ProfileId::Remote),
    ))));
    assert_eq!(state.profiles.saves, 1);
    let id = send(
        &mut state,
        &mut ids,
        Command::Profiles(ProfilesCommand::SaveRemote(form)),
    );
    state.apply(Event::Profiles(ProfilesEvent::Saved(Reply::new(
        id,
        Err(err(ErrorKind::Keychain)),
    ))));
    assert_eq!(state.profiles.saves, 1, "a failed save clears nothing");
    assert!(matches!(state.profiles.saved, Remote::Failed { .. }));
}

#[test]
fn a_new_hub_forgets_what_the_old_one_said() {
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    state.apply(hub(HubEventKind::TicketReceived));
    state.take_follow_ups();
    assert_eq!(state.hub_events.len(), 1);
    let id = send(
        &mut state,
        &mut ids,
        Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox)),
    );
    state.apply(Event::Profiles(ProfilesEvent::Activated(Reply::new(id, Ok(info())))));
    assert!(state.hub_events.is_empty());
    assert!(matches!(
        state.status.status,
        Remote::NotLoaded | Remote::Loading { .. }
    ));
    // A failed activation keeps the old hub's data on screen.
    state.apply(hub(HubEventKind::TicketReceived));
    let id = send(
        &mut state,
        &mut ids,
        Command::Profiles(ProfilesCommand::Activate(ProfileId::Remote)),
    );
    state.apply(Event::Profiles(ProfilesEvent::Activated(Reply::new(
        id,
        Err(err(ErrorKind::NotConfigured)),
    ))));
    assert_eq!(state.hub_events.len(), 1);
}

#[test]
fn a_template_change_reads_the_lists_again_even_with_a_read_on_its_way() {
    use crate::engine::protocol::{TemplateChange, TemplateLibrary, TemplatesCommand, TemplatesEvent};
    use crate::wechat::ids::TemplateId;
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    state.take_follow_ups();
    let load = Command::Templates(TemplatesCommand::Load);
    let first = send(&mut state, &mut ids, load.clone());
    state.apply(Event::Templates(TemplatesEvent::Loaded(Reply::new(
        first,
        Ok(TemplateLibrary::default()),
    ))));
    let delete = send(
        &mut state,
        &mut ids,
        Command::Templates(TemplatesCommand::Delete(TemplateId(4))),
    );
    // A refresh sent while the delete runs may answer with the template still listed.
    let early = send(&mut state, &mut ids, load.clone());
    state.apply(Event::Templates(TemplatesEvent::Changed(Reply::new(
        delete,
        Ok(TemplateChange::Deleted {
            template_id: TemplateId(4),
        }),
    ))));
    let sent = send_follow_ups(&mut state, &mut ids);
    let after = id_of(&sent, &load);
    assert!(after > early, "a read sent after the delete was done");
    assert!(state.is_busy(), "the list is loading");
    state.apply(Event::Templates(TemplatesEvent::Loaded(Reply::new(
        early,
        Ok(TemplateLibrary::default()),
    ))));
    assert_eq!(
        state.templates.library.awaited(),
        Some(after),
        "the early answer is dropped"
    );

    // Another hub: its library is another one.
    let id = send(
        &mut state,
        &mut ids,
        Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox)),
    );
    state.apply(Event::Profiles(ProfilesEvent::Activated(Reply::new(id, Ok(info())))));
    assert_eq!(state.templates.library, Remote::NotLoaded);
}

fn audit(appid: &str, status: crate::engine::protocol::AuditStatus) -> crate::engine::protocol::Audit {
    crate::engine::protocol::Audit {
        appid: appid.into(),
        nick_name: Some("云朵咖啡".into()),
        auditid: Some(412_000_001),
        user_version: Some("1.4.0".into()),
        user_desc: None,
        status,
        submitted_at: Some(900),
        resolved_at: None,
        reasons: Vec::new(),
        screenshots: Vec::new(),
        screenshot_files: Vec::new(),
        source: crate::engine::protocol::AuditSource::Poll,
        updated_at: 900,
        gray_percentage: None,
        withdrawals: Default::default(),
    }
}

#[test]
fn an_audit_updated_event_changes_the_row_on_screen_and_a_reconnect_reads_the_rows_again() {
    use crate::engine::protocol::{AuditPage, AuditStatus, AuditsEvent};
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let load = send(&mut state, &mut ids, load_audits());
    let page = AuditPage {
        total: 1,
        offset: 0,
        audits: vec![audit("wx00000000000000a1", AuditStatus::Auditing)],
    };
    state.apply(Event::Audits(AuditsEvent::Loaded(Reply::new(load, Ok(page)))));

    let mut rejected = audit("wx00000000000000a1", AuditStatus::Rejected);
    rejected.reasons = vec!["1. 名称不符".into()];
    state.apply(hub(HubEventKind::AuditUpdated(rejected.clone())));
    assert_eq!(state.audits.audits(), [rejected]);
    assert!(
        state.hub_events.is_empty(),
        "row echoes stay out of the Activity panel's list"
    );

    state.apply(Event::Connection(ConnectionState::Retrying {
        attempt: 1,
        retry_at: 1_002,
        error: err(ErrorKind::Network),
    }));
    state.apply(Event::Connection(ConnectionState::Connected));
    assert!(
        state.take_follow_ups().contains(&load_audits()),
        "events may have been missed"
    );

    // A different hub: its audits are not the old one's.
    let activate = send(
        &mut state,
        &mut ids,
        Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox)),
    );
    state.apply(Event::Profiles(ProfilesEvent::Activated(Reply::new(
        activate,
        Ok(info()),
    ))));
    assert!(state.audits.audits().is_empty());
}

#[test]
fn a_mini_programs_versions_land_on_it_and_are_read_again_after_its_audit_changes() {
    use crate::engine::protocol::{AuditStatus, MerchantsCommand};
    use crate::wechat::api::code::{ExpInfo, VersionInfoResponse};
    let mut ids = RequestIds::default();
    let mut state = connected(&mut ids);
    let ask = |appid: &str| Command::Merchants(MerchantsCommand::Versions(appid.into()));
    assert!(state.merchants.wants_versions("wxa"));
    let a = send(&mut state, &mut ids, ask("wxa"));
    let b = send(&mut state, &mut ids, ask("wxb"));
    assert!(!state.merchants.wants_versions("wxa"), "on its way");
    assert!(state.in_flight_summary().contains(&"versions"));

    let trial = VersionInfoResponse {
        exp_info: Some(ExpInfo {
            exp_time: 900,
            exp_version: "1.4.0".into(),
            exp_desc: "门店自提与预约".into(),
        }),
        release_info: None,
    };
    let refused = EngineError::new(ErrorKind::WeChat { errcode: 61007 }, "api unauthorized");
    // The replies come back in the other order: each lands on the mini program it was asked for.
    state.apply(Event::Merchants(MerchantsEvent::Versions(Reply::new(
        b,
        Err(refused.clone()),
    ))));
    state.apply(Event::Merchants(MerchantsEvent::Versions(Reply::new(
        a,
        Ok(trial.clone()),
    ))));
    assert_eq!(state.merchants.versions["wxa"], Remote::Ready(trial));
    assert_eq!(state.merchants.versions["wxb"].error(), Some(&refused));
    assert!(!state.merchants.wants_versions("wxb"), "a failure is retried by hand");

    // A release (or any change of its audit) may change what is online: asked again when next shown.
    state.apply(hub(HubEventKind::AuditUpdated(audit("wxa", AuditStatus::Released))));
    assert!(state.merchants.wants_versions("wxa"));
    assert!(!state.merchants.wants_versions("wxb"));
}
