//! The remote and local profiles end to end on loopback: a remote hub reached with a saved operator key (and refused
//! with a wrong one), and a local hub the engine starts itself from credentials in the (in-memory) keychain.

mod engine_support;

use std::path::Path;
use std::sync::Arc;

use engine_support::{Console, ok, reply};
use wxdesk::engine::SandboxSize;
use wxdesk::engine::keychain::{MemoryStore, SecretStore, account, names};
use wxdesk::engine::protocol::{
    AccountKind, ActivityCommand, ActivityEvent, ActivityQuery, AuthorizeCommand, AuthorizeEvent, Command, ErrorKind,
    Event, LocalProfileForm, PreAuthRequest, ProfileId, ProfilesCommand, ProfilesEvent, RemoteProfileForm, Secret,
};
use wxdesk::hub::{HubConfig, HubSecrets};
use wxdesk::hubapi::{Outcome, action};
use wxdesk::sim::SimConfig;

fn start(dir: &Path, secrets: Arc<dyn SecretStore>) -> Console {
    let size = SandboxSize {
        merchants: 10,
        authorized: 10,
    };
    Console::start(dir, secrets, size)
}

fn save_remote(
    console: &mut Console,
    form: RemoteProfileForm,
) -> Result<ProfileId, wxdesk::engine::protocol::EngineError> {
    reply!(
        console.ask(Command::Profiles(ProfilesCommand::SaveRemote(form))),
        Event::Profiles,
        ProfilesEvent::Saved
    )
    .result
}

fn activate(
    console: &mut Console,
    id: ProfileId,
) -> Result<wxdesk::engine::protocol::ProfileInfo, wxdesk::engine::protocol::EngineError> {
    reply!(
        console.ask(Command::Profiles(ProfilesCommand::Activate(id))),
        Event::Profiles,
        ProfilesEvent::Activated
    )
    .result
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
            metrics_listen: None,
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
    let mut console = start(dir.path(), store.clone());
    let form = RemoteProfileForm {
        hub_url: hub.url(),
        operator_key: Secret::new(key.clone()),
    };
    assert_eq!(save_remote(&mut console, form), Ok(ProfileId::Remote));
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

    let info = activate(&mut console, ProfileId::Remote).expect("the remote profile activates");
    assert_eq!((info.id, info.is_sandbox), (ProfileId::Remote, false));
    assert_eq!(info.component_appid, component_appid);

    // The console acts as alice: her attempt to create a code is on the hub's record. WeChat has pushed no ticket to
    // this hub (its simulator pushes nowhere), so the attempt fails with the hub's 503, and the record says so.
    let preauth = reply!(
        console.ask(Command::Authorize(AuthorizeCommand::CreatePreauth(
            PreAuthRequest::default()
        ))),
        Event::Authorize,
        AuthorizeEvent::PreauthCreated
    );
    let error = preauth.result.expect_err("no ticket, no code");
    assert_eq!(error.kind, ErrorKind::Hub { status: 503 }, "{error:?}");
    let (_, page) = ok(reply!(
        console.ask(Command::Activity(ActivityCommand::Load(ActivityQuery::default()))),
        Event::Activity,
        ActivityEvent::Loaded
    ));
    let entries: Vec<(&str, &str, Outcome)> = page
        .activity
        .iter()
        .map(|a| (a.operator.as_str(), a.action.as_str(), a.outcome))
        .collect();
    assert_eq!(
        entries,
        [("alice", action::PREAUTH_CREATE, Outcome::Failed)],
        "the action, not the reads (status on activation, the long poll, this page)"
    );
    assert!(
        page.activity[0].reason.as_deref().is_some_and(|r| r.contains("ticket")),
        "{:?}",
        page.activity[0]
    );

    let scan = Command::Authorize(AuthorizeCommand::SimulateScan {
        pre_auth_code: "x".into(),
        kind: AccountKind::MiniProgram,
        func_ids: vec![],
    });
    let scanned = reply!(console.ask(scan), Event::Authorize, AuthorizeEvent::ScanSimulated);
    assert_eq!(
        scanned.result.map_err(|e| e.kind),
        Err(ErrorKind::NotSandbox),
        "a remote hub has no simulator"
    );

    let wrong = RemoteProfileForm {
        hub_url: hub.url(),
        operator_key: Secret::new("not-the-key"),
    };
    assert_eq!(save_remote(&mut console, wrong), Ok(ProfileId::Remote));
    let error = activate(&mut console, ProfileId::Remote).expect_err("a wrong key must not connect");
    assert_eq!(error.kind, ErrorKind::Unauthorized);
    assert!(!error.message.contains("not-the-key"));
    console.assert_settled();

    drop(console);
    runtime.block_on(async {
        hub.shutdown().await;
        sim.shutdown().await;
    });
}

#[test]
fn a_local_profile_starts_its_own_hub_from_the_keychain_and_keeps_its_operator_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(MemoryStore::new());
    let mut console = start(dir.path(), store.clone());
    let form = LocalProfileForm {
        component_appid: "wx0123456789abcdef".into(),
        component_appsecret: Secret::new("0123456789abcdef0123456789abcdef"),
        token: Secret::new("messagetoken"),
        encoding_aes_key: Secret::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
        listen: format!("127.0.0.1:{}", free_loopback_port()),
        public_url: "https://hub.example.com".into(),
    };
    let saved = reply!(
        console.ask(Command::Profiles(ProfilesCommand::SaveLocal(form))),
        Event::Profiles,
        ProfilesEvent::Saved
    );
    assert_eq!(saved.result, Ok(ProfileId::Local));
    let store_key = store
        .read(&account(ProfileId::Local, names::STORE_KEY))
        .expect("read")
        .expect("a store key");
    assert_eq!(store_key.expose().len(), 64);

    let info = activate(&mut console, ProfileId::Local).expect("the local hub starts");
    assert_eq!(info.component_appid, "wx0123456789abcdef");
    let operator_key = store
        .read(&account(ProfileId::Local, names::OPERATOR_KEY))
        .expect("read");
    assert!(operator_key.is_some(), "the console's operator key is kept");

    // WeChat has pushed no ticket to this hub, so it cannot ask for a pre-authorization code yet; the reply says so.
    let preauth = reply!(
        console.ask(Command::Authorize(AuthorizeCommand::CreatePreauth(
            PreAuthRequest::default()
        ))),
        Event::Authorize,
        AuthorizeEvent::PreauthCreated
    );
    let error = preauth.result.expect_err("no ticket, no pre-auth code");
    assert_eq!(error.kind, ErrorKind::Hub { status: 503 }, "{error:?}");

    // Activating again restarts the hub on the same database and reuses the operator key from the keychain.
    activate(&mut console, ProfileId::Local).expect("the local hub restarts");
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
    let overview = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Load)),
        Event::Profiles,
        ProfilesEvent::Loaded
    ));
    assert_eq!(
        overview.active,
        ProfileId::Local,
        "the choice is remembered for the next start"
    );
    console.assert_settled();
}
