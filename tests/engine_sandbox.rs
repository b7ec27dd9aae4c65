//! The engine on the sandbox (simulator + hub in-process on loopback): every `Request` ends in exactly one reply
//! carrying its id, a simulated scan brings the `authorized` event (naming the scanned code) through the long poll,
//! the merchant appears in the list, and the activity log holds the operator's actions but not its reads.

mod engine_support;

use std::path::Path;
use std::sync::Arc;

use engine_support::{Console, ok, reply};
use wxdesk::engine::SandboxSize;
use wxdesk::engine::keychain::{MemoryStore, NoKeychain, SecretStore};
use wxdesk::engine::protocol::{
    AccountKind, ActivityCommand, ActivityEvent, ActivityQuery, AuthType, AuthorizeCommand, AuthorizeEvent,
    AuthorizerRow, Command, ErrorKind, Event, FormField, HubEvent, HubEventKind, LocalProfileForm, MerchantsCommand,
    MerchantsEvent, PreAuthRequest, ProfileId, ProfilesCommand, ProfilesEvent, RemoteProfileForm, Secret,
    StatusCommand, StatusEvent,
};
use wxdesk::hubapi::{Outcome, action};

/// A console on a sandbox of 40 merchants, 12 of them authorized before it starts.
fn start(dir: &Path, secrets: Arc<dyn SecretStore>) -> Console {
    let size = SandboxSize {
        merchants: 40,
        authorized: 12,
    };
    Console::start(dir, secrets, size)
}

fn authorizers(event: Event) -> Vec<AuthorizerRow> {
    ok(reply!(event, Event::Merchants, MerchantsEvent::Loaded))
}

fn preauth_command() -> Command {
    Command::Authorize(AuthorizeCommand::CreatePreauth(PreAuthRequest {
        auth_type: AuthType::MiniProgram,
        biz_appid: None,
        category_ids: vec![],
    }))
}

#[test]
fn every_request_on_the_sandbox_ends_in_exactly_one_reply_and_a_scan_authorizes_a_merchant() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut console = start(dir.path(), Arc::new(MemoryStore::new()));

    let overview = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Load)),
        Event::Profiles,
        ProfilesEvent::Loaded
    ));
    assert_eq!(
        overview.active,
        ProfileId::Sandbox,
        "a fresh install starts in the sandbox"
    );
    assert!(overview.keychain_problem.is_none());

    let info = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox))),
        Event::Profiles,
        ProfilesEvent::Activated
    ));
    assert!(info.is_sandbox);
    assert!(info.hub_url.starts_with("http://127.0.0.1:"), "{}", info.hub_url);

    let status = ok(reply!(
        console.ask(Command::Status(StatusCommand::Refresh)),
        Event::Status,
        StatusEvent::Refreshed
    ));
    assert_eq!(status.component_appid, info.component_appid);
    assert!(status.ticket.is_some(), "the simulator's first ticket reached the hub");

    // Starting a sync answers with the job's id once the hub has a jobs runner. This build's runner is a stub that
    // refuses every job with 503 `unavailable`, so the reply is that refusal, addressed to this request like any
    // other; the merge of the jobs runner turns this into an `Ok(job id)` and a `job_progress` event.
    let sync = reply!(
        console.ask(Command::Merchants(MerchantsCommand::Sync)),
        Event::Merchants,
        MerchantsEvent::SyncStarted
    );
    let error = sync.result.expect_err("the stub runner refuses jobs");
    assert_eq!(error.kind, ErrorKind::Hub { status: 503 }, "{error:?}");

    // The hub lists what it holds. Nothing has synced the 12 merchants the simulator seeded as authorized (the
    // sandbox's own sync met the same refusal), so the list is empty; with the jobs runner it fills with them.
    let before = authorizers(console.ask(Command::Merchants(MerchantsCommand::Load)));
    assert_eq!(before, [], "the hub lists only what it holds");

    let preauth = ok(reply!(
        console.ask(preauth_command()),
        Event::Authorize,
        AuthorizeEvent::PreauthCreated
    ));
    let h5 = url::Url::parse(&preauth.h5_url).expect("the H5 link is a URL");
    let code_in_link = h5.query_pairs().find(|(name, _)| name == "pre_auth_code");
    assert_eq!(
        code_in_link.map(|(_, code)| code.into_owned()),
        Some(preauth.pre_auth_code.clone()),
        "{h5}"
    );

    let scan = Command::Authorize(AuthorizeCommand::SimulateScan {
        pre_auth_code: preauth.pre_auth_code.clone(),
        kind: AccountKind::MiniProgram,
        func_ids: vec![17, 18],
    });
    ok(reply!(
        console.ask(scan),
        Event::Authorize,
        AuthorizeEvent::ScanSimulated
    ));
    let Event::Hub(HubEvent {
        kind: HubEventKind::Authorized(authorization),
        ..
    }) = console.wait_for(|event| {
        matches!(
            event,
            Event::Hub(HubEvent {
                kind: HubEventKind::Authorized(_),
                ..
            })
        )
    })
    else {
        unreachable!()
    };
    assert_eq!(
        authorization.pre_auth_code.as_deref(),
        Some(preauth.pre_auth_code.as_str()),
        "the event names the code this console presented: {authorization:?}"
    );
    assert_eq!(authorization.kind, Some(AccountKind::MiniProgram));
    assert_eq!(authorization.func_ids, vec![17, 18]);
    let appid = authorization.authorizer_appid.clone();

    let after = authorizers(console.ask(Command::Merchants(MerchantsCommand::Load)));
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

    // The log holds what the operator did (created a code, tried a sync), not what it read.
    let (query, page) = ok(reply!(
        console.ask(Command::Activity(ActivityCommand::Load(ActivityQuery::default()))),
        Event::Activity,
        ActivityEvent::Loaded
    ));
    assert_eq!(query, ActivityQuery::default(), "the reply names the query it answers");
    let actions: Vec<(&str, Outcome)> = page.activity.iter().map(|a| (a.action.as_str(), a.outcome)).collect();
    assert!(actions.contains(&(action::PREAUTH_CREATE, Outcome::Ok)), "{actions:?}");
    assert!(
        page.activity
            .iter()
            .all(|a| a.action == action::PREAUTH_CREATE || a.action == action::AUTHORIZERS_SYNC),
        "reads (status, authorizers, events, activity) are not activity: {actions:?}"
    );
    assert!(page.activity.iter().all(|a| a.operator == "sandbox"), "{page:?}");

    let png = dir.path().join("qr").join("merchant.png");
    let saved = ok(reply!(
        console.ask(Command::Authorize(AuthorizeCommand::SaveQrPng {
            link: preauth.h5_url.clone(),
            path: png.clone(),
        })),
        Event::Authorize,
        AuthorizeEvent::QrSaved
    ));
    assert_eq!(saved, png);
    assert!(image::open(&png).expect("a readable PNG").width() > 100);

    let refused = reply!(
        console.ask(Command::Profiles(ProfilesCommand::SaveRemote(RemoteProfileForm {
            hub_url: "http://hub.example.com".into(),
            operator_key: Secret::new("key"),
        }))),
        Event::Profiles,
        ProfilesEvent::Saved
    );
    let error = refused.result.expect_err("an http URL that is not loopback is refused");
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
    let saved = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::SaveLocal(local))),
        Event::Profiles,
        ProfilesEvent::Saved
    ));
    assert_eq!(saved, ProfileId::Local);
    let overview = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Load)),
        Event::Profiles,
        ProfilesEvent::Loaded
    ));
    assert_eq!(
        overview.local.map(|l| l.component_appid),
        Some("wx0123456789abcdef".to_owned())
    );
    console.assert_settled();

    // The next start shows the cached list before the hub answers.
    drop(console);
    let mut restarted = start(dir.path(), Arc::new(MemoryStore::new()));
    ok(reply!(
        restarted.ask(Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox))),
        Event::Profiles,
        ProfilesEvent::Activated
    ));
    let Event::Merchants(MerchantsEvent::Cached(cached)) =
        restarted.wait_for(|e| matches!(e, Event::Merchants(MerchantsEvent::Cached(_))))
    else {
        unreachable!()
    };
    assert!(cached.iter().any(|row| row.appid == appid));
    restarted.assert_settled();
}

/// Two codes asked for at once: both are answered, each reply carries its own request's id, so a UI that waits
/// for the second can tell the first's late answer apart and drop it.
#[test]
fn a_late_reply_names_the_request_it_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut console = start(dir.path(), Arc::new(MemoryStore::new()));
    ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox))),
        Event::Profiles,
        ProfilesEvent::Activated
    ));

    let first = console.send(preauth_command());
    let second = console.send(preauth_command());
    assert_ne!(first, second);
    // Waiting for the second first: the first's reply, whenever it came, is kept apart by its id.
    let second_code = ok(reply!(
        console.reply(second),
        Event::Authorize,
        AuthorizeEvent::PreauthCreated
    ));
    let late = console.reply(first);
    assert_eq!(late.reply_to(), Some(first));
    let first_code = ok(reply!(late, Event::Authorize, AuthorizeEvent::PreauthCreated));
    assert_ne!(
        first_code.pre_auth_code, second_code.pre_auth_code,
        "two requests, two codes"
    );
    console.assert_settled();
}

#[test]
fn without_a_profile_or_a_keychain_requests_still_end_in_a_reply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut console = start(dir.path(), Arc::new(NoKeychain));

    let overview = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Load)),
        Event::Profiles,
        ProfilesEvent::Loaded
    ));
    assert_eq!(overview.keychain_problem.map(|e| e.kind), Some(ErrorKind::Keychain));

    for command in [
        Command::Status(StatusCommand::Refresh),
        Command::Merchants(MerchantsCommand::Load),
        Command::Merchants(MerchantsCommand::Sync),
        Command::Activity(ActivityCommand::Load(ActivityQuery::default())),
        preauth_command(),
        Command::Authorize(AuthorizeCommand::SimulateScan {
            pre_auth_code: "x".into(),
            kind: AccountKind::MiniProgram,
            func_ids: vec![],
        }),
    ] {
        let label = format!("{command:?}");
        let reply = console.ask(command);
        let failed = format!("{reply:?}");
        assert!(failed.contains("NoProfile"), "{label} → {failed}");
    }

    let remote = RemoteProfileForm {
        hub_url: "https://hub.example.com".into(),
        operator_key: Secret::new("key"),
    };
    let saved = reply!(
        console.ask(Command::Profiles(ProfilesCommand::SaveRemote(remote))),
        Event::Profiles,
        ProfilesEvent::Saved
    );
    assert_eq!(
        saved.result.map_err(|e| e.kind),
        Err(ErrorKind::Keychain),
        "saving needs the keychain"
    );

    let activated = reply!(
        console.ask(Command::Profiles(ProfilesCommand::Activate(ProfileId::Remote))),
        Event::Profiles,
        ProfilesEvent::Activated
    );
    assert_eq!(
        activated.result.map_err(|e| e.kind),
        Err(ErrorKind::NotConfigured),
        "an unsaved profile cannot activate"
    );
    let local = reply!(
        console.ask(Command::Profiles(ProfilesCommand::Activate(ProfileId::Local))),
        Event::Profiles,
        ProfilesEvent::Activated
    );
    assert!(local.result.is_err());

    // The sandbox needs no keychain.
    let info = ok(reply!(
        console.ask(Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox))),
        Event::Profiles,
        ProfilesEvent::Activated
    ));
    assert!(info.is_sandbox);
    ok(reply!(
        console.ask(Command::Status(StatusCommand::Refresh)),
        Event::Status,
        StatusEvent::Refreshed
    ));
    console.assert_settled();
}
