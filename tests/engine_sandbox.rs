//! The engine on the sandbox (simulator + hub in-process on loopback): every Command ends in exactly one reply, a
//! simulated scan brings the `authorized` event through the long poll, and the merchant appears in the list.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wxdesk::engine::keychain::{MemoryStore, NoKeychain, SecretStore};
use wxdesk::engine::protocol::{
    AccountKind, AuthType, AuthorizersSource, Command, ErrorKind, Event, FormField, HubEvent, LocalProfileForm,
    PreAuthRequest, ProfileId, RemoteProfileForm, Secret, hub_event_kind,
};
use wxdesk::engine::{Engine, EngineConfig, EngineHandle, SandboxSize};

/// A hang guard only: the sandbox answers in seconds; nothing here measures speed.
const GIVE_UP_AFTER: Duration = Duration::from_secs(180);

struct Console {
    engine: EngineHandle,
    /// Events that are not replies, in arrival order.
    unasked: Vec<Event>,
}

impl Console {
    fn start(dir: &Path, secrets: Arc<dyn SecretStore>) -> Console {
        let config = EngineConfig {
            data_dir: dir.to_path_buf(),
            sandbox: SandboxSize {
                merchants: 40,
                authorized: 12,
            },
            secrets,
        };
        let engine = Engine::start_with(config, || {}).expect("engine starts");
        Console {
            engine,
            unasked: Vec::new(),
        }
    }

    fn next_event(&mut self, deadline: Instant) -> Event {
        loop {
            match self.engine.events.try_recv() {
                Ok(event) => return event,
                Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                    assert!(Instant::now() < deadline, "no event arrived");
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(error) => panic!("the engine's event channel closed: {error}"),
            }
        }
    }

    /// Sends `command` and returns its reply, keeping unasked events aside. A second reply to an earlier command
    /// would arrive here instead and fail `answers`.
    fn ask(&mut self, command: Command) -> Event {
        let label = format!("{command:?}");
        self.engine.send(command.clone()).expect("the engine takes the command");
        let deadline = Instant::now() + GIVE_UP_AFTER;
        loop {
            let event = self.next_event(deadline);
            if event.is_reply() {
                assert!(answers(&command, &event), "{label} was answered by {event:?}");
                return event;
            }
            self.unasked.push(event);
        }
    }

    /// Waits for an unasked event that `wanted` accepts (it may already have arrived).
    fn wait_for(&mut self, wanted: impl Fn(&Event) -> bool) -> Event {
        if let Some(index) = self.unasked.iter().position(&wanted) {
            return self.unasked.remove(index);
        }
        let deadline = Instant::now() + GIVE_UP_AFTER;
        loop {
            let event = self.next_event(deadline);
            assert!(!event.is_reply(), "a reply nobody asked for: {event:?}");
            if wanted(&event) {
                return event;
            }
            self.unasked.push(event);
        }
    }
}

/// Which reply belongs to which command.
fn answers(command: &Command, event: &Event) -> bool {
    matches!(
        (command, event),
        (Command::LoadProfiles, Event::Profiles(_))
            | (Command::ActivateProfile(_), Event::ProfileActivated(_))
            | (
                Command::SaveLocalProfile(_) | Command::SaveRemoteProfile(_),
                Event::ProfileSaved(_)
            )
            | (Command::RefreshStatus, Event::Status(_))
            | (
                Command::LoadAuthorizers,
                Event::Authorizers {
                    source: AuthorizersSource::Hub,
                    ..
                }
            )
            | (Command::SyncAuthorizers, Event::SyncFinished(_))
            | (Command::CreatePreAuth(_), Event::PreAuthCreated(_))
            | (Command::SimulateScan { .. }, Event::ScanSimulated(_))
            | (Command::LoadActivity, Event::Activity(_))
            | (Command::SaveQrPng { .. }, Event::QrSaved(_))
    )
}

fn authorizers(event: Event) -> Vec<wxdesk::engine::protocol::AuthorizerRow> {
    match event {
        Event::Authorizers { result: Ok(rows), .. } => rows,
        other => panic!("expected authorizers, got {other:?}"),
    }
}

#[test]
fn every_command_on_the_sandbox_ends_in_exactly_one_reply_and_a_scan_authorizes_a_merchant() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut console = Console::start(dir.path(), Arc::new(MemoryStore::new()));

    let Event::Profiles(Ok(overview)) = console.ask(Command::LoadProfiles) else {
        panic!("profiles")
    };
    assert_eq!(
        overview.active,
        ProfileId::Sandbox,
        "a fresh install starts in the sandbox"
    );
    assert!(overview.keychain_problem.is_none());

    let Event::ProfileActivated(Ok(info)) = console.ask(Command::ActivateProfile(ProfileId::Sandbox)) else {
        panic!("the sandbox did not activate")
    };
    assert!(info.is_sandbox);
    assert!(info.hub_url.starts_with("http://127.0.0.1:"), "{}", info.hub_url);

    let Event::Status(Ok(status)) = console.ask(Command::RefreshStatus) else {
        panic!("status")
    };
    assert_eq!(status.component_appid, info.component_appid);
    assert!(status.ticket.is_some(), "the simulator's first ticket reached the hub");

    let Event::SyncFinished(Ok(summary)) = console.ask(Command::SyncAuthorizers) else {
        panic!("sync")
    };
    assert_eq!(summary.failed, 0);
    assert!(
        summary.total > 0,
        "the demo seeds merchants that are already authorized"
    );
    let before = authorizers(console.ask(Command::LoadAuthorizers));
    assert_eq!(before.len() as u64, summary.total, "the hub lists what it synced");

    let request = PreAuthRequest {
        auth_type: AuthType::MiniProgram,
        biz_appid: None,
        category_ids: vec![],
    };
    let Event::PreAuthCreated(Ok(preauth)) = console.ask(Command::CreatePreAuth(request)) else {
        panic!("preauth")
    };
    assert!(preauth.h5_url.contains(&preauth.pre_auth_code) || preauth.h5_url.contains("pre_auth_code="));

    let scan = Command::SimulateScan {
        pre_auth_code: preauth.pre_auth_code.clone(),
        kind: AccountKind::MiniProgram,
        func_ids: vec![17, 18],
    };
    assert_eq!(console.ask(scan), Event::ScanSimulated(Ok(())));
    let Event::Hub(authorized) = console
        .wait_for(|event| matches!(event, Event::Hub(HubEvent { kind, .. }) if kind == hub_event_kind::AUTHORIZED))
    else {
        unreachable!()
    };
    let appid = authorized
        .authorizer_appid
        .clone()
        .expect("the event names the merchant");

    let after = authorizers(console.ask(Command::LoadAuthorizers));
    let merchant = after
        .iter()
        .find(|row| row.appid == appid)
        .expect("the new merchant is listed");
    assert_eq!(merchant.kind, AccountKind::MiniProgram);
    assert!(merchant.func_ids.contains(&18), "granted sets: {:?}", merchant.func_ids);
    assert!(
        !before.iter().any(|row| row.appid == appid && row.revoked_at.is_none()),
        "it was not there before"
    );

    let Event::Activity(Ok(activity)) = console.ask(Command::LoadActivity) else {
        panic!("activity")
    };
    assert!(!activity.is_empty(), "the hub recorded the operator's requests");

    let png = dir.path().join("qr").join("merchant.png");
    let saved = console.ask(Command::SaveQrPng {
        link: preauth.h5_url.clone(),
        path: png.clone(),
    });
    assert_eq!(saved, Event::QrSaved(Ok(png.clone())));
    assert!(image::open(&png).expect("a readable PNG").width() > 100);

    let Event::ProfileSaved(Err(error)) = console.ask(Command::SaveRemoteProfile(RemoteProfileForm {
        hub_url: "http://hub.example.com".into(),
        operator_key: Secret::new("key"),
    })) else {
        panic!("an http URL that is not loopback is refused")
    };
    assert!(
        matches!(
            error.kind,
            ErrorKind::Validation {
                field: FormField::HubUrl,
                ..
            }
        ),
        "{error:?}"
    );

    let local = LocalProfileForm {
        component_appid: "wx0123456789abcdef".into(),
        component_appsecret: Secret::new("0123456789abcdef0123456789abcdef"),
        token: Secret::new("messagetoken"),
        encoding_aes_key: Secret::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
        listen: "127.0.0.1:18080".into(),
        public_url: "https://hub.example.com".into(),
    };
    assert_eq!(
        console.ask(Command::SaveLocalProfile(local)),
        Event::ProfileSaved(Ok(ProfileId::Local))
    );
    let Event::Profiles(Ok(overview)) = console.ask(Command::LoadProfiles) else {
        panic!("profiles")
    };
    assert_eq!(
        overview.local.map(|l| l.component_appid),
        Some("wx0123456789abcdef".to_owned())
    );

    // The next start shows the cached list before the hub answers.
    drop(console);
    let mut restarted = Console::start(dir.path(), Arc::new(MemoryStore::new()));
    let Event::ProfileActivated(Ok(_)) = restarted.ask(Command::ActivateProfile(ProfileId::Sandbox)) else {
        panic!("the sandbox restarts")
    };
    let cached = restarted.wait_for(|e| {
        matches!(
            e,
            Event::Authorizers {
                source: AuthorizersSource::Cache,
                ..
            }
        )
    });
    assert!(authorizers(cached).iter().any(|row| row.appid == appid));
}

#[test]
fn without_a_profile_or_a_keychain_commands_still_end_in_a_reply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut console = Console::start(dir.path(), Arc::new(NoKeychain));

    let Event::Profiles(Ok(overview)) = console.ask(Command::LoadProfiles) else {
        panic!("profiles")
    };
    assert_eq!(overview.keychain_problem.map(|e| e.kind), Some(ErrorKind::Keychain));

    for command in [
        Command::RefreshStatus,
        Command::LoadAuthorizers,
        Command::SyncAuthorizers,
        Command::LoadActivity,
    ] {
        let reply = console.ask(command);
        assert!(format!("{reply:?}").contains("NoProfile"), "{reply:?}");
    }
    let scan = Command::SimulateScan {
        pre_auth_code: "x".into(),
        kind: AccountKind::MiniProgram,
        func_ids: vec![],
    };
    assert!(matches!(console.ask(scan), Event::ScanSimulated(Err(_))));
    assert!(matches!(
        console.ask(Command::CreatePreAuth(PreAuthRequest::default())),
        Event::PreAuthCreated(Err(_))
    ));

    let remote = RemoteProfileForm {
        hub_url: "https://hub.example.com".into(),
        operator_key: Secret::new("key"),
    };
    let Event::ProfileSaved(Err(error)) = console.ask(Command::SaveRemoteProfile(remote)) else {
        panic!("saving needs the keychain")
    };
    assert_eq!(error.kind, ErrorKind::Keychain);

    let Event::ProfileActivated(Err(error)) = console.ask(Command::ActivateProfile(ProfileId::Remote)) else {
        panic!("an unsaved profile cannot activate")
    };
    assert_eq!(error.kind, ErrorKind::NotConfigured);
    assert!(matches!(
        console.ask(Command::ActivateProfile(ProfileId::Local)),
        Event::ProfileActivated(Err(_))
    ));

    // The sandbox needs no keychain.
    let Event::ProfileActivated(Ok(info)) = console.ask(Command::ActivateProfile(ProfileId::Sandbox)) else {
        panic!("the sandbox works without a keychain")
    };
    assert!(info.is_sandbox);
    assert!(matches!(console.ask(Command::RefreshStatus), Event::Status(Ok(_))));
}
