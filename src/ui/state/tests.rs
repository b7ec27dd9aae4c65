//! `AppState::apply` for every `Event`, and the commands that events, sends and the clock imply.

use std::path::PathBuf;

use super::*;
use crate::engine::protocol::{AuthType, EngineError, ErrorKind, HubLastError, SyncSummary, TicketStatus, TokenStatus};

fn err(kind: ErrorKind) -> EngineError {
    EngineError::new(kind, "it failed")
}

fn info(id: ProfileId) -> ProfileInfo {
    ProfileInfo {
        id,
        hub_url: "http://127.0.0.1:4000".into(),
        is_sandbox: id == ProfileId::Sandbox,
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

fn preauth(code: &str, expires_at: i64) -> PreAuth {
    PreAuth {
        pre_auth_code: code.into(),
        expires_at,
        pc_url: format!("https://mp.example/pc?code={code}"),
        h5_url: format!("https://mp.example/h5?code={code}"),
    }
}

fn hub_event(kind: &str, raw: serde_json::Value) -> HubEvent {
    HubEvent {
        seq: 7,
        at: 1_000,
        kind: kind.into(),
        authorizer_appid: Some("wx00000000000000aa".into()),
        nick_name: Some("云朵咖啡".into()),
        func_ids: vec![17, 18],
        raw,
    }
}

/// A state that is connected to the sandbox, as after start-up.
fn connected() -> AppState {
    let mut state = AppState {
        now: 1_000,
        ..AppState::default()
    };
    state.apply(Event::ProfileActivated(Ok(info(ProfileId::Sandbox))));
    state.take_follow_ups();
    state
}

/// A state presenting code `c1`, valid for ten minutes.
fn presenting() -> AppState {
    let mut state = connected();
    state.set_presenting(true);
    let commands = state.take_follow_ups();
    for command in &commands {
        state.sent(command);
    }
    state.apply(Event::PreAuthCreated(Ok(preauth("c1", 1_600))));
    state
}

#[test]
fn profiles_activate_the_remembered_profile_once() {
    let mut state = AppState::default();
    state.sent(&Command::LoadProfiles);
    assert!(state.profiles.is_loading());
    let overview = ProfilesOverview {
        active: ProfileId::Remote,
        ..ProfilesOverview::default()
    };
    state.apply(Event::Profiles(Ok(overview.clone())));
    assert_eq!(state.profiles, Remote::Ready(overview.clone()));
    assert_eq!(state.take_follow_ups(), [Command::ActivateProfile(ProfileId::Remote)]);
    // Reloading the overview later (after a save) must not switch profiles again.
    state.sent(&Command::ActivateProfile(ProfileId::Remote));
    state.apply(Event::Profiles(Ok(overview)));
    assert!(state.take_follow_ups().is_empty());
}

#[test]
fn a_failed_profiles_load_keeps_the_error() {
    let mut state = AppState::default();
    state.apply(Event::Profiles(Err(err(ErrorKind::Storage))));
    assert_eq!(state.profiles.error().map(|e| e.kind), Some(ErrorKind::Storage));
    assert!(state.take_follow_ups().is_empty());
}

#[test]
fn activation_loads_the_new_hubs_data_and_forgets_the_old() {
    let mut state = presenting();
    state.apply(Event::Hub(hub_event(
        hub_event_kind::TICKET_RECEIVED,
        serde_json::Value::Null,
    )));
    state.take_follow_ups();
    state.sent(&Command::ActivateProfile(ProfileId::Local));
    assert_eq!(state.activating, Some(ProfileId::Local));
    state.apply(Event::ProfileActivated(Ok(info(ProfileId::Local))));
    assert_eq!(state.activating, None);
    assert_eq!(state.profile.value().map(|p| p.id), Some(ProfileId::Local));
    assert!(state.hub_events.is_empty() && state.authorized.is_none());
    let follow_ups = state.take_follow_ups();
    assert!(follow_ups.contains(&Command::RefreshStatus));
    assert!(follow_ups.contains(&Command::LoadAuthorizers));
    assert!(follow_ups.contains(&Command::LoadActivity));
    assert!(
        follow_ups.iter().any(|c| matches!(c, Command::CreatePreAuth(_))),
        "the open view gets a new code"
    );
}

#[test]
fn a_failed_activation_keeps_the_previous_profile_visible() {
    let mut state = connected();
    state.sent(&Command::ActivateProfile(ProfileId::Remote));
    state.apply(Event::ProfileActivated(Err(err(ErrorKind::Unauthorized))));
    assert_eq!(state.profile.value().map(|p| p.id), Some(ProfileId::Sandbox));
    assert_eq!(state.profile.error().map(|e| e.kind), Some(ErrorKind::Unauthorized));
    assert!(state.take_follow_ups().is_empty());
}

#[test]
fn a_saved_profile_reloads_the_overview() {
    let mut state = connected();
    state.sent(&Command::SaveRemoteProfile(Default::default()));
    assert!(state.profile_saved.is_loading());
    state.apply(Event::ProfileSaved(Ok(ProfileId::Remote)));
    assert_eq!(state.profile_saved, Remote::Ready(ProfileId::Remote));
    assert_eq!(state.take_follow_ups(), [Command::LoadProfiles]);
    state.apply(Event::ProfileSaved(Err(err(ErrorKind::Keychain))));
    assert_eq!(state.profile_saved.error().map(|e| e.kind), Some(ErrorKind::Keychain));
    assert!(state.take_follow_ups().is_empty());
}

#[test]
fn status_ages_the_ticket_with_the_clock() {
    let mut state = connected();
    let status = HubStatus {
        component_appid: "wx0000000000000001".into(),
        ticket: Some(TicketStatus {
            received_at: 900,
            age_secs: 100,
        }),
        component_token: Some(TokenStatus { expires_at: 8_000 }),
        last_error: Some(HubLastError {
            errcode: Some(61004),
            message: "ip".into(),
            at: None,
        }),
    };
    state.apply(Event::Status(Ok(status)));
    assert_eq!(state.ticket_age_secs(), Some(100));
    state.tick(1_000 + TICKET_STALE_AFTER_SECS);
    assert_eq!(state.ticket_age_secs(), Some(100 + TICKET_STALE_AFTER_SECS));
    state.apply(Event::Status(Err(err(ErrorKind::Network))));
    assert!(state.status.value().is_some(), "the last status stays on screen");
}

#[test]
fn cached_authorizers_show_while_the_hubs_list_loads() {
    let mut state = connected();
    state.sent(&Command::LoadAuthorizers);
    let v0 = state.authorizers_version;
    state.apply(Event::Authorizers {
        source: AuthorizersSource::Cache,
        result: Ok(vec![row("wx1")]),
    });
    assert!(state.authorizers.is_loading());
    assert_eq!(state.authorizers.value().map(Vec::len), Some(1));
    assert!(state.authorizers_version > v0);
    state.apply(Event::Authorizers {
        source: AuthorizersSource::Hub,
        result: Ok(vec![row("wx1"), row("wx2")]),
    });
    assert_eq!(state.authorizers.value().map(Vec::len), Some(2));
    assert_eq!(state.authorizers_source, Some(AuthorizersSource::Hub));
}

#[test]
fn an_unreadable_cache_changes_nothing_but_a_hub_failure_shows() {
    let mut state = connected();
    state.apply(Event::Authorizers {
        source: AuthorizersSource::Hub,
        result: Ok(vec![row("wx1")]),
    });
    let version = state.authorizers_version;
    state.apply(Event::Authorizers {
        source: AuthorizersSource::Cache,
        result: Err(err(ErrorKind::Storage)),
    });
    assert_eq!(state.authorizers_version, version);
    state.apply(Event::Authorizers {
        source: AuthorizersSource::Hub,
        result: Err(err(ErrorKind::Timeout)),
    });
    assert_eq!(state.authorizers.error().map(|e| e.kind), Some(ErrorKind::Timeout));
    assert_eq!(state.authorizers.value().map(Vec::len), Some(1));
}

#[test]
fn sync_shows_progress_then_reloads_the_list() {
    let mut state = connected();
    state.sent(&Command::SyncAuthorizers);
    assert_eq!(state.sync.progress, Some((0, 0)));
    state.apply(Event::SyncProgress { done: 40, total: 100 });
    assert_eq!(state.sync.progress, Some((40, 100)));
    let summary = SyncSummary {
        total: 100,
        synced: 99,
        failed: 1,
    };
    state.apply(Event::SyncFinished(Ok(summary)));
    assert_eq!(state.sync.progress, None);
    assert_eq!(state.sync.result, Remote::Ready(summary));
    assert_eq!(state.take_follow_ups(), [Command::LoadAuthorizers]);
    state.sent(&Command::SyncAuthorizers);
    state.apply(Event::SyncFinished(Err(err(ErrorKind::WeChat { errcode: 61004 }))));
    assert_eq!(state.sync.progress, None, "a failed sync stops its progress bar");
    assert!(state.sync.result.error().is_some());
}

#[test]
fn opening_the_view_asks_for_a_code_and_remembers_the_request() {
    let mut state = connected();
    state.preauth_request.auth_type = AuthType::Both;
    state.set_presenting(true);
    let commands = state.take_follow_ups();
    assert_eq!(commands.len(), 1);
    let Command::CreatePreAuth(request) = &commands[0] else {
        panic!("{commands:?}")
    };
    assert_eq!(request.auth_type, AuthType::Both);
    state.sent(&commands[0]);
    assert!(state.preauth.is_loading());
    state.apply(Event::PreAuthCreated(Ok(preauth("c1", 1_600))));
    assert_eq!(state.preauth_secs_left(), Some(600));
    state.set_presenting(false);
    state.set_presenting(true);
    assert!(
        state.take_follow_ups().is_empty(),
        "a code with ten minutes left is reused"
    );
}

#[test]
fn a_code_is_renewed_a_minute_before_it_expires() {
    let mut state = presenting();
    state.tick(1_600 - RENEW_BEFORE_SECS - 1);
    assert!(state.take_follow_ups().is_empty());
    state.tick(1_600 - RENEW_BEFORE_SECS);
    let commands = state.take_follow_ups();
    assert!(
        matches!(commands.as_slice(), [Command::CreatePreAuth(_)]),
        "{commands:?}"
    );
    state.sent(&commands[0]);
    state.tick(1_600 - 10);
    assert!(
        state.take_follow_ups().is_empty(),
        "no second request while one is in flight"
    );
    state.apply(Event::PreAuthCreated(Ok(preauth("c2", 2_200))));
    assert_eq!(state.preauth.value().map(|p| p.pre_auth_code.as_str()), Some("c2"));
}

#[test]
fn no_renewal_when_the_view_is_closed_or_creation_failed() {
    let mut state = presenting();
    state.set_presenting(false);
    state.tick(1_590);
    assert!(state.take_follow_ups().is_empty());
    let mut state = presenting();
    state.sent(&Command::CreatePreAuth(PreAuthRequest::default()));
    state.apply(Event::PreAuthCreated(Err(err(ErrorKind::WeChat { errcode: 61004 }))));
    state.tick(1_590);
    assert!(
        state.take_follow_ups().is_empty(),
        "a failure waits for the operator's retry"
    );
}

#[test]
fn the_presented_merchants_authorization_is_announced_and_a_fresh_code_made() {
    let mut state = presenting();
    state.apply(Event::Hub(hub_event(
        hub_event_kind::AUTHORIZED,
        serde_json::json!({"pre_auth_code": "c1"}),
    )));
    let notice = state.authorized.clone().expect("announced");
    assert_eq!(notice.nick_name, "云朵咖啡");
    assert_eq!(notice.func_ids, [17, 18]);
    assert!(!notice.updated);
    let commands = state.take_follow_ups();
    assert!(commands.contains(&Command::LoadAuthorizers));
    assert!(
        commands.iter().any(|c| matches!(c, Command::CreatePreAuth(_))),
        "the used code is replaced"
    );
    assert_eq!(state.hub_events.len(), 1);
}

#[test]
fn an_update_is_announced_as_an_update() {
    let mut state = presenting();
    state.apply(Event::Hub(hub_event(
        hub_event_kind::UPDATE_AUTHORIZED,
        serde_json::Value::Null,
    )));
    assert!(state.authorized.as_ref().is_some_and(|n| n.updated));
}

#[test]
fn another_consoles_authorization_is_not_announced_here() {
    let mut state = presenting();
    state.apply(Event::Hub(hub_event(
        hub_event_kind::AUTHORIZED,
        serde_json::json!({"pre_auth_code": "other"}),
    )));
    assert!(state.authorized.is_none());
    assert_eq!(
        state.take_follow_ups(),
        [Command::LoadAuthorizers],
        "the list still refreshes"
    );
    let mut state = connected();
    state.apply(Event::Hub(hub_event(
        hub_event_kind::AUTHORIZED,
        serde_json::Value::Null,
    )));
    assert!(state.authorized.is_none(), "nothing is presented");
}

#[test]
fn hub_events_refresh_what_they_change() {
    let mut state = connected();
    state.apply(Event::Hub(hub_event(
        hub_event_kind::UNAUTHORIZED,
        serde_json::Value::Null,
    )));
    assert_eq!(state.take_follow_ups(), [Command::LoadAuthorizers]);
    for kind in [
        hub_event_kind::TICKET_RECEIVED,
        hub_event_kind::TOKEN_REFRESHED,
        hub_event_kind::ERROR,
    ] {
        state.apply(Event::Hub(hub_event(kind, serde_json::Value::Null)));
        assert_eq!(state.take_follow_ups(), [Command::RefreshStatus], "{kind}");
    }
    state.apply(Event::Hub(hub_event("something_new", serde_json::Value::Null)));
    assert!(state.take_follow_ups().is_empty());
    assert_eq!(state.hub_events.len(), 5);
    for _ in 0..500 {
        state.apply(Event::Hub(hub_event("something_new", serde_json::Value::Null)));
    }
    assert_eq!(state.hub_events.len(), HUB_EVENTS_KEPT, "the log is bounded");
}

#[test]
fn follow_ups_are_not_duplicated() {
    let mut state = connected();
    for _ in 0..3 {
        state.apply(Event::Hub(hub_event(
            hub_event_kind::UNAUTHORIZED,
            serde_json::Value::Null,
        )));
    }
    assert_eq!(state.take_follow_ups(), [Command::LoadAuthorizers]);
    state.sent(&Command::LoadAuthorizers);
    state.apply(Event::Hub(hub_event(
        hub_event_kind::UNAUTHORIZED,
        serde_json::Value::Null,
    )));
    assert!(state.take_follow_ups().is_empty(), "already loading");
}

#[test]
fn a_simulated_scan_ends_in_its_result() {
    let mut state = presenting();
    state.sent(&Command::SimulateScan {
        pre_auth_code: "c1".into(),
        kind: AccountKind::MiniProgram,
        func_ids: vec![],
    });
    assert!(state.scan.is_loading());
    state.apply(Event::ScanSimulated(Ok(())));
    assert_eq!(state.scan, Remote::Ready(()));
    state.apply(Event::ScanSimulated(Err(err(ErrorKind::NotSandbox))));
    assert_eq!(state.scan.error().map(|e| e.kind), Some(ErrorKind::NotSandbox));
}

#[test]
fn activity_and_saved_qr_are_remote_values() {
    let mut state = connected();
    state.sent(&Command::LoadActivity);
    assert!(state.activity.is_loading());
    let entry = ActivityEntry {
        seq: 1,
        at: 900,
        operator: "alice".into(),
        action: "preauth".into(),
        target: None,
        result: "ok".into(),
    };
    state.apply(Event::Activity(Ok(vec![entry.clone()])));
    assert_eq!(state.activity, Remote::Ready(vec![entry]));
    state.sent(&Command::SaveQrPng {
        link: "x".into(),
        path: PathBuf::from("/tmp/q.png"),
    });
    assert!(state.qr_saved.is_loading());
    state.apply(Event::QrSaved(Ok(PathBuf::from("/tmp/q.png"))));
    assert_eq!(state.qr_saved, Remote::Ready(PathBuf::from("/tmp/q.png")));
    state.apply(Event::QrSaved(Err(err(ErrorKind::Io))));
    assert_eq!(state.qr_saved.error().map(|e| e.kind), Some(ErrorKind::Io));
}

#[test]
fn a_recovered_connection_catches_up() {
    let mut state = connected();
    state.apply(Event::Connection(ConnectionState::Connecting));
    state.apply(Event::Connection(ConnectionState::Connected));
    assert!(state.take_follow_ups().is_empty());
    let retrying = ConnectionState::Retrying {
        attempt: 2,
        retry_in_secs: 4,
        error: err(ErrorKind::Network),
    };
    state.apply(Event::Connection(retrying.clone()));
    assert_eq!(state.connection, Some(retrying));
    state.apply(Event::Connection(ConnectionState::Connected));
    let commands = state.take_follow_ups();
    assert!(commands.contains(&Command::RefreshStatus) && commands.contains(&Command::LoadAuthorizers));
}

#[test]
fn the_scan_kind_follows_the_auth_type() {
    let mut state = connected();
    state.preauth_request.auth_type = AuthType::OfficialAccount;
    assert_eq!(state.scan_kind(), AccountKind::OfficialAccount);
    state.preauth_request.auth_type = AuthType::Both;
    assert_eq!(state.scan_kind(), AccountKind::MiniProgram);
}

#[test]
fn every_reply_event_is_handled_by_apply() {
    // One reply of each kind, to be sure none is ignored: each must change what `apply` leaves behind.
    let replies = [
        Event::Profiles(Err(err(ErrorKind::Storage))),
        Event::ProfileActivated(Err(err(ErrorKind::Startup))),
        Event::ProfileSaved(Err(err(ErrorKind::Keychain))),
        Event::Status(Err(err(ErrorKind::Network))),
        Event::Authorizers {
            source: AuthorizersSource::Hub,
            result: Err(err(ErrorKind::Network)),
        },
        Event::SyncFinished(Err(err(ErrorKind::Network))),
        Event::PreAuthCreated(Err(err(ErrorKind::Network))),
        Event::ScanSimulated(Err(err(ErrorKind::Network))),
        Event::Activity(Err(err(ErrorKind::Network))),
        Event::QrSaved(Err(err(ErrorKind::Io))),
    ];
    for reply in replies {
        assert!(reply.is_reply());
        let mut state = AppState::default();
        let before = format!("{state:?}");
        state.apply(reply.clone());
        assert_ne!(format!("{state:?}"), before, "{reply:?} left no trace");
    }
}
