//! Unit tests of the protocol: serde spellings shared with the hub and the settings file, `Secret` masking in
//! `Debug`, and the reply rule (every command's failure answers its own request; unasked events answer none).

use super::*;
use crate::hubapi::{ActivityPage, JobCounts};
use crate::wechat::ids::{DraftId, TemplateId};

#[test]
fn account_kind_uses_the_hubs_spelling_both_ways() {
    for (kind, text) in [
        (AccountKind::MiniProgram, "miniprogram"),
        (AccountKind::OfficialAccount, "official_account"),
    ] {
        assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(text)));
        assert_eq!(kind.as_str(), text);
        let back: AccountKind = serde_json::from_value(serde_json::json!(text)).expect("deserialize");
        assert_eq!(back, kind);
    }
    assert!(serde_json::from_value::<AccountKind>(serde_json::json!("MiniProgram")).is_err());
}

#[test]
fn error_kinds_serialize_with_a_type_tag() {
    let cases = [
        (ErrorKind::Network, serde_json::json!({"type": "network"})),
        (ErrorKind::Unauthorized, serde_json::json!({"type": "unauthorized"})),
        (
            ErrorKind::Hub { status: 409 },
            serde_json::json!({"type": "hub", "status": 409}),
        ),
        (
            ErrorKind::WeChat { errcode: 61004 },
            serde_json::json!({"type": "wechat", "errcode": 61004}),
        ),
        (
            ErrorKind::Validation {
                field: FormField::HubUrl,
                problem: Invalid::Scheme,
            },
            serde_json::json!({"type": "validation", "field": "hub_url", "problem": "scheme"}),
        ),
        (ErrorKind::NotConfigured, serde_json::json!({"type": "not_configured"})),
        (ErrorKind::NotSandbox, serde_json::json!({"type": "not_sandbox"})),
    ];
    for (kind, json) in cases {
        assert_eq!(serde_json::to_value(kind).expect("serialize"), json, "{kind:?}");
        let back: ErrorKind = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, kind);
    }
}

#[test]
fn engine_error_round_trips_and_displays_only_its_message() {
    let error = EngineError {
        fields: vec![("auth_type".into(), "must be one of 1, 2, 3".into())],
        ..EngineError::new(
            ErrorKind::WeChat { errcode: 61004 },
            "access clientip is not registered",
        )
        .with_detail("errmsg: access clientip is not registered rid: 1-2-3")
    };
    let value = serde_json::to_value(&error).expect("serialize");
    assert_eq!(value["kind"]["type"], "wechat");
    assert_eq!(value["kind"]["errcode"], 61004);
    assert_eq!(serde_json::from_value::<EngineError>(value).ok(), Some(error.clone()));
    assert_eq!(error.to_string(), "access clientip is not registered");
}

#[test]
fn secrets_never_show_in_debug_output_of_commands_with_forms() {
    let local = LocalProfileForm {
        component_appid: "wx0123456789abcdef".into(),
        component_appsecret: Secret::new("s3cr3tappsecretvalue0123456789ab"),
        token: Secret::new("tokenvalue"),
        encoding_aes_key: Secret::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
        listen: "0.0.0.0:8080".into(),
        public_url: "https://hub.example.com".into(),
    };
    let remote = RemoteProfileForm {
        hub_url: "https://hub.example.com".into(),
        operator_key: Secret::new("wxd_operatorkeyvalue"),
    };
    let requests = [
        Command::Profiles(ProfilesCommand::SaveLocal(local)),
        Command::Profiles(ProfilesCommand::SaveRemote(remote)),
    ]
    .map(|command| Request {
        id: RequestId(7),
        command,
    });
    let printed = format!("{requests:?} {requests:#?}");
    for secret in ["s3cr3tappsecret", "tokenvalue", "abcdefghijklmnop", "wxd_operatorkey"] {
        assert!(!printed.contains(secret), "{secret} leaked into {printed}");
    }
    assert!(printed.contains("wx0123456789abcdef") && printed.contains("https://hub.example.com"));
    assert!(printed.contains("***"));
}

/// One command of every variant of every domain. `variant_index` below has no catch-all arm, so a new variant
/// does not compile until it has an index, and `every_variant_fails_into_a_reply_to_its_own_request` fails until
/// it is listed here.
fn one_of_each_command() -> Vec<Command> {
    vec![
        Command::Profiles(ProfilesCommand::Load),
        Command::Profiles(ProfilesCommand::Activate(ProfileId::Sandbox)),
        Command::Profiles(ProfilesCommand::SaveLocal(LocalProfileForm::default())),
        Command::Profiles(ProfilesCommand::SaveRemote(RemoteProfileForm::default())),
        Command::Status(StatusCommand::Refresh),
        Command::Merchants(MerchantsCommand::Load),
        Command::Merchants(MerchantsCommand::Sync),
        Command::Merchants(MerchantsCommand::Versions("wx0123456789abcdef".into())),
        Command::Authorize(AuthorizeCommand::CreatePreauth(PreAuthRequest::default())),
        Command::Authorize(AuthorizeCommand::SimulateScan {
            pre_auth_code: "preauthcode@@@x".into(),
            kind: AccountKind::MiniProgram,
            func_ids: vec![18],
        }),
        Command::Authorize(AuthorizeCommand::SaveQrPng {
            link: "https://example.com".into(),
            path: "qr.png".into(),
        }),
        Command::Activity(ActivityCommand::Load(ActivityQuery::default())),
        Command::Jobs(JobsCommand::List(JobQuery::default())),
        Command::Jobs(JobsCommand::Show(7)),
        Command::Jobs(JobsCommand::Act(7, JobVerb::Pause)),
        Command::Jobs(JobsCommand::Act(7, JobVerb::Resume)),
        Command::Jobs(JobsCommand::Act(7, JobVerb::Approve)),
        Command::Jobs(JobsCommand::Act(7, JobVerb::Cancel)),
        Command::Jobs(JobsCommand::Retry(7, vec!["wx0123456789abcdef".into()])),
        Command::Jobs(JobsCommand::Deploy(Box::new(
            serde_json::from_value(serde_json::json!({
                "template_id": 1, "appids": ["wx0123456789abcdef"], "user_version": "1.0.0"
            }))
            .unwrap(),
        ))),
        Command::Jobs(JobsCommand::AuditQuota("wx0123456789abcdef".into())),
        Command::Jobs(JobsCommand::SimulateAudits {
            appids: vec!["wx0123456789abcdef".into()],
            outcome: SimulatedAudit::Reject,
        }),
        Command::Templates(TemplatesCommand::Load),
        Command::Templates(TemplatesCommand::Add {
            draft_id: DraftId(3),
            kind: TemplateKind::Standard,
        }),
        Command::Templates(TemplatesCommand::Delete(TemplateId(7))),
        Command::Audits(AuditsCommand::Load(AuditQuery::default())),
        Command::Audits(AuditsCommand::Screenshot {
            appid: "wx0123456789abcdef".into(),
            media_id: "m1".into(),
        }),
        Command::Audits(AuditsCommand::Quota),
        Command::Audits(AuditsCommand::Code("wx0123456789abcdef".into())),
        Command::Audits(AuditsCommand::Act {
            appid: "wx0123456789abcdef".into(),
            action: AuditAction::Withdraw,
        }),
        Command::Audits(AuditsCommand::Batch {
            kind: BatchKind::Release,
            appids: vec!["wx0123456789abcdef".into()],
        }),
        Command::Registrations(RegistrationsCommand::Load),
        Command::Registrations(RegistrationsCommand::Create(RegistrationRequest::default())),
        Command::Registrations(RegistrationsCommand::SimulateResult {
            task: Box::new(Registration {
                id: 1,
                kind: RegistrationKind::Trial,
                state: RegistrationState::Open,
                status_code: None,
                status_text: None,
                taskid: "t1".into(),
                appid: None,
                authorize_url: "https://mp.weixin.qq.com/wxawap/fastregistertpbeta?action=show".into(),
                label: "鲜果小站的体验小程序".into(),
                created_by: "alice".into(),
                created_at: 0,
                expires_at: 86_400,
                updated_at: 0,
            }),
            status: 0,
        }),
        Command::Status(StatusCommand::Readiness),
        Command::Status(StatusCommand::ReleaseCheck),
        Command::Status(StatusCommand::SetPlatformDomains {
            business: false,
            domains: "api.example.com".into(),
            published_too: false,
        }),
        Command::Setup(SetupCommand::Load("wx0123456789abcdef".into())),
        Command::Setup(SetupCommand::Tree("wx0123456789abcdef".into())),
        Command::Setup(SetupCommand::PrepareAvatar("/nonexistent/avatar.png".into())),
        Command::Setup(SetupCommand::Act {
            appid: "wx0123456789abcdef".into(),
            action: SetupAction::Signature("新鲜水果当日送达".into()),
        }),
        Command::Setup(SetupCommand::SimulateNameReview {
            appid: "wx0123456789abcdef".into(),
            approve: true,
        }),
    ]
}

const VARIANTS: usize = 39;

fn variant_index(command: &Command) -> usize {
    match command {
        Command::Profiles(ProfilesCommand::Load) => 0,
        Command::Profiles(ProfilesCommand::Activate(_)) => 1,
        Command::Profiles(ProfilesCommand::SaveLocal(_)) => 2,
        Command::Profiles(ProfilesCommand::SaveRemote(_)) => 3,
        Command::Status(StatusCommand::Refresh) => 4,
        Command::Merchants(MerchantsCommand::Load) => 5,
        Command::Merchants(MerchantsCommand::Sync) => 6,
        Command::Authorize(AuthorizeCommand::CreatePreauth(_)) => 7,
        Command::Authorize(AuthorizeCommand::SimulateScan { .. }) => 8,
        Command::Authorize(AuthorizeCommand::SaveQrPng { .. }) => 9,
        Command::Activity(ActivityCommand::Load(_)) => 10,
        Command::Jobs(JobsCommand::List(_)) => 11,
        Command::Jobs(JobsCommand::Show(_)) => 12,
        Command::Jobs(JobsCommand::Act(..)) => 13,
        Command::Jobs(JobsCommand::Retry(..)) => 14,
        Command::Jobs(JobsCommand::Deploy(_)) => 15,
        Command::Templates(TemplatesCommand::Load) => 16,
        Command::Templates(TemplatesCommand::Add { .. }) => 17,
        Command::Templates(TemplatesCommand::Delete(_)) => 18,
        Command::Jobs(JobsCommand::AuditQuota(_)) => 19,
        Command::Jobs(JobsCommand::SimulateAudits { .. }) => 20,
        Command::Audits(AuditsCommand::Load(_)) => 21,
        Command::Audits(AuditsCommand::Screenshot { .. }) => 22,
        Command::Audits(AuditsCommand::Quota) => 23,
        Command::Audits(AuditsCommand::Code(_)) => 24,
        Command::Audits(AuditsCommand::Act { .. }) => 25,
        Command::Audits(AuditsCommand::Batch { .. }) => 26,
        Command::Merchants(MerchantsCommand::Versions(_)) => 27,
        Command::Registrations(RegistrationsCommand::Load) => 28,
        Command::Registrations(RegistrationsCommand::Create(_)) => 29,
        Command::Registrations(RegistrationsCommand::SimulateResult { .. }) => 30,
        Command::Setup(SetupCommand::Load(_)) => 31,
        Command::Setup(SetupCommand::Tree(_)) => 32,
        Command::Setup(SetupCommand::PrepareAvatar(_)) => 33,
        Command::Setup(SetupCommand::Act { .. }) => 34,
        Command::Setup(SetupCommand::SimulateNameReview { .. }) => 35,
        Command::Status(StatusCommand::Readiness) => 36,
        Command::Status(StatusCommand::ReleaseCheck) => 37,
        Command::Status(StatusCommand::SetPlatformDomains { .. }) => 38,
    }
}

/// Whether `event` belongs to the same domain as `command`.
fn same_domain(command: &Command, event: &Event) -> bool {
    matches!(
        (command, event),
        (Command::Profiles(_), Event::Profiles(_))
            | (Command::Status(_), Event::Status(_))
            | (Command::Merchants(_), Event::Merchants(_))
            | (Command::Authorize(_), Event::Authorize(_))
            | (Command::Activity(_), Event::Activity(_))
            | (Command::Jobs(_), Event::Jobs(_))
            | (Command::Templates(_), Event::Templates(_))
            | (Command::Audits(_), Event::Audits(_))
            | (Command::Registrations(_), Event::Registrations(_))
            | (Command::Setup(_), Event::Setup(_))
    )
}

#[test]
fn every_variant_fails_into_a_reply_to_its_own_request() {
    let commands = one_of_each_command();
    let mut covered: Vec<usize> = commands.iter().map(variant_index).collect();
    covered.sort_unstable();
    covered.dedup();
    assert_eq!(
        covered,
        (0..VARIANTS).collect::<Vec<_>>(),
        "one_of_each_command lists every variant"
    );

    for (n, command) in commands.into_iter().enumerate() {
        let id = RequestId(1000 + n as u64);
        let error = EngineError::new(ErrorKind::NoProfile, "no profile is active");
        let event = command.failed(id, error.clone());
        assert_eq!(event.reply_to(), Some(id), "{command:?} failed into {event:?}");
        assert!(same_domain(&command, &event), "{command:?} failed into {event:?}");
        assert!(
            format!("{event:?}").contains("no profile is active"),
            "the reply carries the error: {event:?}"
        );
        // Another id, another reply: the id is the request's, not the command's.
        let other = RequestId(u64::MAX - n as u64);
        assert_eq!(command.failed(other, error).reply_to(), Some(other));
    }
}

#[test]
fn successful_replies_answer_their_request_too() {
    let id = RequestId(42);
    let page = ActivityPage {
        activity: Vec::new(),
        next: 0,
    };
    let job = Job {
        id: 7,
        kind: JobKind::AuthorizerSync,
        state: JobState::Running,
        reason: None,
        created_by: "alice".into(),
        created_at: 0,
        updated_at: 0,
        counts: JobCounts::default(),
        items: Vec::new(),
    };
    let replies = [
        Event::Profiles(ProfilesEvent::Saved(Reply::new(id, Ok(ProfileId::Local)))),
        Event::Merchants(MerchantsEvent::Loaded(Reply::new(id, Ok(Vec::new())))),
        Event::Merchants(MerchantsEvent::SyncStarted(Reply::new(id, Ok(7)))),
        Event::Authorize(AuthorizeEvent::ScanSimulated(Reply::new(id, Ok(())))),
        Event::Activity(ActivityEvent::Loaded(Reply::new(
            id,
            Ok((ActivityQuery::default(), page)),
        ))),
        Event::Jobs(JobsEvent::Acted(Reply::new(id, Ok(job)))),
        Event::Jobs(JobsEvent::AuditQuota(Reply::new(
            id,
            Ok(crate::wechat::api::release::QueryQuotaResponse {
                rest: 27,
                limit: 27,
                ..Default::default()
            }),
        ))),
        Event::Templates(TemplatesEvent::Loaded(Reply::new(id, Ok(TemplateLibrary::default())))),
        Event::Templates(TemplatesEvent::Changed(Reply::new(
            id,
            Ok(TemplateChange::Deleted {
                template_id: TemplateId(7),
            }),
        ))),
        Event::Audits(AuditsEvent::Screenshot(Reply::new(id, Ok(Screenshot::NotFetched)))),
    ];
    for event in replies {
        assert_eq!(event.reply_to(), Some(id), "{event:?}");
    }
}

#[test]
fn unasked_events_answer_no_request() {
    let error = EngineError::new(ErrorKind::Network, "cannot reach the hub");
    let mut unasked = vec![
        Event::Merchants(MerchantsEvent::Cached(Vec::new())),
        Event::Hub(HubEvent {
            seq: 1,
            at: 0,
            kind: HubEventKind::TicketReceived,
        }),
        Event::Hub(HubEvent {
            seq: 2,
            at: 0,
            kind: HubEventKind::Unauthorized {
                authorizer_appid: "wx0123456789abcdef".into(),
            },
        }),
    ];
    unasked.extend(
        [
            ConnectionState::Idle,
            ConnectionState::Connecting,
            ConnectionState::Connected,
            ConnectionState::Retrying {
                attempt: 3,
                retry_at: 1_763_700_000,
                error,
            },
        ]
        .map(Event::Connection),
    );
    for event in unasked {
        assert_eq!(event.reply_to(), None, "{event:?}");
    }
}

#[test]
fn auth_type_travels_as_the_platforms_number() {
    // wechat-api.md §2.3: 1 official accounts, 2 mini programs, 3 both.
    assert_eq!(AuthType::OfficialAccount.code(), 1);
    assert_eq!(AuthType::MiniProgram.code(), 2);
    assert_eq!(AuthType::Both.code(), 3);
    let request = PreAuthRequest {
        auth_type: AuthType::Both,
        ..PreAuthRequest::default()
    };
    assert_eq!(serde_json::to_value(&request).expect("serialize")["auth_type"], 3);
}

#[test]
fn template_kinds_travel_as_the_platforms_number() {
    // wechat-api.md §5.2: 0 ordinary, 1 standard; §5.3 lists them the same way.
    assert_eq!(TemplateKind::Ordinary.code(), 0);
    assert_eq!(TemplateKind::Standard.code(), 1);
    let listed: crate::wechat::api::template::Template = serde_json::from_value(serde_json::json!({
        "create_time": 1488965944, "user_version": "1.0.3", "user_desc": "fix", "template_id": 3, "template_type": 1
    }))
    .expect("a §5.3 template");
    assert_eq!(TemplateKind::of(&listed), TemplateKind::Standard);
    assert_eq!(
        TemplatesCommand::Add {
            draft_id: DraftId(3),
            kind: TemplateKind::Standard
        }
        .change(),
        Some(TemplateChange::Added {
            draft_id: DraftId(3),
            kind: TemplateKind::Standard
        })
    );
    assert_eq!(TemplatesCommand::Load.change(), None);
}
