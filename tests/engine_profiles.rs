//! The remote and local profiles end to end on loopback: a remote hub reached with a saved operator key (and refused
//! with a wrong one), and a local hub the engine starts itself from credentials in the (in-memory) keychain.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wxdesk::engine::keychain::{MemoryStore, SecretStore, account, names};
use wxdesk::engine::protocol::{
    AccountKind, Command, ErrorKind, Event, LocalProfileForm, PreAuthRequest, ProfileId, RemoteProfileForm, Secret,
};
use wxdesk::engine::{Engine, EngineConfig, EngineHandle, SandboxSize};
use wxdesk::hub::{HubConfig, HubSecrets};
use wxdesk::sim::SimConfig;

/// A hang guard only; nothing here measures speed.
const GIVE_UP_AFTER: Duration = Duration::from_secs(120);

fn start(dir: &Path, secrets: Arc<dyn SecretStore>) -> EngineHandle {
    let config = EngineConfig {
        data_dir: dir.to_path_buf(),
        sandbox: SandboxSize {
            merchants: 10,
            authorized: 10,
        },
        secrets,
    };
    Engine::start_with(config, || {}).expect("engine starts")
}

/// Sends a command and returns its reply, skipping unasked events.
fn ask(engine: &mut EngineHandle, command: Command) -> Event {
    engine.send(command).expect("the engine takes the command");
    let deadline = Instant::now() + GIVE_UP_AFTER;
    loop {
        match engine.events.try_recv() {
            Ok(event) if event.is_reply() => return event,
            Ok(_) => {}
            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                assert!(Instant::now() < deadline, "no reply arrived");
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(error) => panic!("the engine's event channel closed: {error}"),
        }
    }
}

fn free_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[test]
fn a_remote_hub_answers_with_the_saved_key_and_refuses_a_wrong_one() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let (sim, hub, key) = runtime.block_on(async {
        let sim = wxdesk::sim::start(SimConfig::default()).await.expect("sim");
        let ready = sim.ready().clone();
        let listen = std::net::SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
        let config = HubConfig {
            listen,
            public_url: format!("http://{listen}"),
            database: hub_dir.path().join("hub.sqlite"),
            api_base: ready.api_base.clone(),
            mp_base: ready.mp_base.clone(),
            open_base: ready.open_base.clone(),
            component_appid: ready.component_appid.clone(),
        };
        let secrets = HubSecrets {
            component_appsecret: ready.component_appsecret.clone().into(),
            token: ready.token.clone().into(),
            encoding_aes_key: ready.encoding_aes_key.clone().into(),
            previous_encoding_aes_key: None,
            store_key: "11".repeat(32).into(),
        };
        let hub = wxdesk::hub::start(config, secrets).await.expect("hub");
        let key = hub.add_operator("alice").expect("operator");
        (sim, hub, key)
    });
    let component_appid = sim.ready().component_appid.clone();

    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(MemoryStore::new());
    let mut engine = start(dir.path(), store.clone());
    let form = RemoteProfileForm {
        hub_url: hub.url(),
        operator_key: Secret::new(key.clone()),
    };
    assert_eq!(
        ask(&mut engine, Command::SaveRemoteProfile(form)),
        Event::ProfileSaved(Ok(ProfileId::Remote))
    );
    assert_eq!(
        store
            .read(&account(ProfileId::Remote, names::OPERATOR_KEY))
            .expect("read"),
        Some(Secret::new(key)),
        "the key went to the keychain"
    );
    let settings = std::fs::read_to_string(dir.path().join("settings.toml")).expect("settings");
    assert!(
        settings.contains(&hub.url()) && !settings.contains("operator"),
        "{settings}"
    );

    let Event::ProfileActivated(Ok(info)) = ask(&mut engine, Command::ActivateProfile(ProfileId::Remote)) else {
        panic!("the remote profile did not activate")
    };
    assert_eq!((info.id, info.is_sandbox), (ProfileId::Remote, false));
    assert_eq!(info.component_appid, component_appid);
    let Event::Activity(Ok(activity)) = ask(&mut engine, Command::LoadActivity) else {
        panic!("activity")
    };
    assert!(activity.iter().any(|entry| entry.operator == "alice"), "{activity:?}");
    let scan = Command::SimulateScan {
        pre_auth_code: "x".into(),
        kind: AccountKind::MiniProgram,
        func_ids: vec![],
    };
    let Event::ScanSimulated(Err(error)) = ask(&mut engine, scan) else {
        panic!("a remote hub has no simulator")
    };
    assert_eq!(error.kind, ErrorKind::NotSandbox);

    let wrong = RemoteProfileForm {
        hub_url: hub.url(),
        operator_key: Secret::new("not-the-key"),
    };
    assert_eq!(
        ask(&mut engine, Command::SaveRemoteProfile(wrong)),
        Event::ProfileSaved(Ok(ProfileId::Remote))
    );
    let Event::ProfileActivated(Err(error)) = ask(&mut engine, Command::ActivateProfile(ProfileId::Remote)) else {
        panic!("a wrong key must not connect")
    };
    assert_eq!(error.kind, ErrorKind::Unauthorized);
    assert!(!error.message.contains("not-the-key"));

    drop(engine);
    runtime.block_on(async {
        hub.shutdown().await;
        sim.shutdown().await;
    });
}

#[test]
fn a_local_profile_starts_its_own_hub_from_the_keychain_and_keeps_its_operator_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(MemoryStore::new());
    let mut engine = start(dir.path(), store.clone());
    let form = LocalProfileForm {
        component_appid: "wx0123456789abcdef".into(),
        component_appsecret: Secret::new("0123456789abcdef0123456789abcdef"),
        token: Secret::new("messagetoken"),
        encoding_aes_key: Secret::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
        listen: format!("127.0.0.1:{}", free_loopback_port()),
        public_url: "https://hub.example.com".into(),
    };
    assert_eq!(
        ask(&mut engine, Command::SaveLocalProfile(form)),
        Event::ProfileSaved(Ok(ProfileId::Local))
    );
    let store_key = store
        .read(&account(ProfileId::Local, names::STORE_KEY))
        .expect("read")
        .expect("a store key");
    assert_eq!(store_key.expose().len(), 64);

    let Event::ProfileActivated(Ok(info)) = ask(&mut engine, Command::ActivateProfile(ProfileId::Local)) else {
        panic!("the local hub did not start")
    };
    assert_eq!(info.component_appid, "wx0123456789abcdef");
    let operator_key = store
        .read(&account(ProfileId::Local, names::OPERATOR_KEY))
        .expect("read");
    assert!(operator_key.is_some(), "the console's operator key is kept");

    // WeChat has pushed no ticket to this hub, so it cannot ask for a pre-authorization code yet; the reply says so.
    let Event::PreAuthCreated(Err(error)) = ask(&mut engine, Command::CreatePreAuth(PreAuthRequest::default())) else {
        panic!("no ticket, no pre-auth code")
    };
    assert!(
        matches!(error.kind, ErrorKind::Hub { .. } | ErrorKind::WeChat { .. }),
        "{error:?}"
    );

    // Activating again restarts the hub on the same database and reuses the operator key from the keychain.
    let Event::ProfileActivated(Ok(_)) = ask(&mut engine, Command::ActivateProfile(ProfileId::Local)) else {
        panic!("the local hub did not restart")
    };
    assert_eq!(
        store
            .read(&account(ProfileId::Local, names::OPERATOR_KEY))
            .expect("read"),
        operator_key
    );
    assert_eq!(
        store.read(&account(ProfileId::Local, names::STORE_KEY)).expect("read"),
        Some(store_key)
    );
    let Event::Profiles(Ok(overview)) = ask(&mut engine, Command::LoadProfiles) else {
        panic!("profiles")
    };
    assert_eq!(
        overview.active,
        ProfileId::Local,
        "the choice is remembered for the next start"
    );
}
