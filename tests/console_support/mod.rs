//! Shared by the console tests: the real `ConsoleApp` in an egui_kittest harness, wired to a scripted engine that
//! answers every `Command` with the `Event`s the engine contract (src/engine/protocol.rs) promises.

#![allow(dead_code)]

use egui_kittest::Harness;
use tokio::sync::mpsc;
use wxdesk::engine::EngineHandle;
use wxdesk::engine::protocol::{
    AccountKind, ActivityEntry, AuthorizerRow, AuthorizersSource, Command, ConnectionState, Event, HubEvent, HubStatus,
    PreAuth, ProfileId, ProfileInfo, ProfilesOverview, SyncSummary, TicketStatus, TokenStatus, hub_event_kind,
};
use wxdesk::ui::app::ConsoleApp;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::prefs::Panel;

/// The tests' fixed clock (Unix seconds): 2026-11-21 14:00 UTC.
pub const NOW: i64 = 1_795_269_600;

/// The merchant a simulated scan authorizes.
pub const NEW_MERCHANT: &str = "新客咖啡馆";

/// A stand-in for the engine: the other ends of the two channels, and the data it answers with.
pub struct ScriptedEngine {
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
    pub merchants: Vec<AuthorizerRow>,
    pub received: Vec<Command>,
    codes_issued: u32,
}

pub fn merchant(i: usize, name: &str, kind: AccountKind, func_ids: &[u32]) -> AuthorizerRow {
    AuthorizerRow {
        appid: format!("wx{:016x}", 0xa000 + i),
        nick_name: name.to_owned(),
        kind,
        principal_name: format!("{name}有限公司"),
        verified: !i.is_multiple_of(3),
        verify_type: if !i.is_multiple_of(3) { 0 } else { -1 },
        authorized_at: NOW - 86_400 * (i as i64 + 1),
        revoked_at: (i % 7 == 6).then_some(NOW - 3_600),
        func_ids: func_ids.to_vec(),
        user_name: format!("gh_{:012x}", 0xb000 + i),
        head_img: String::new(),
        service_type: 0,
    }
}

/// Demo merchants whose names use common characters only (the font subset's promise).
pub fn seed_merchants() -> Vec<AuthorizerRow> {
    let names = [
        "云朵咖啡",
        "老街面馆",
        "春风花店",
        "明月书店",
        "小林水果",
        "海边烧烤",
        "大山茶叶",
        "阳光宠物",
        "城东药房",
        "百味小厨",
        "青山民宿",
        "新华文具",
        "Lucky Bakery",
        "Green Tea House",
        "金秋米业",
        "东方眼镜",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let kind = if i % 4 == 3 {
                AccountKind::OfficialAccount
            } else {
                AccountKind::MiniProgram
            };
            let sets: &[u32] = if i % 2 == 0 { &[17, 18, 19] } else { &[18, 25] };
            merchant(i, name, kind, sets)
        })
        .collect()
}

impl ScriptedEngine {
    fn answer(&mut self, command: Command) -> Vec<Event> {
        match command {
            Command::LoadProfiles => {
                vec![Event::Profiles(Ok(ProfilesOverview {
                    active: ProfileId::Sandbox,
                    ..Default::default()
                }))]
            }
            Command::ActivateProfile(id) => vec![
                Event::Authorizers {
                    source: AuthorizersSource::Cache,
                    result: Ok(self.merchants.clone()),
                },
                Event::ProfileActivated(Ok(ProfileInfo {
                    id,
                    hub_url: "http://127.0.0.1:40123".into(),
                    is_sandbox: id == ProfileId::Sandbox,
                    component_appid: "wx1234567890abcdef".into(),
                })),
                Event::Connection(ConnectionState::Connected),
            ],
            Command::SaveLocalProfile(_) => vec![Event::ProfileSaved(Ok(ProfileId::Local))],
            Command::SaveRemoteProfile(_) => vec![Event::ProfileSaved(Ok(ProfileId::Remote))],
            Command::RefreshStatus => vec![Event::Status(Ok(HubStatus {
                component_appid: "wx1234567890abcdef".into(),
                ticket: Some(TicketStatus {
                    received_at: NOW - 125,
                    age_secs: 125,
                }),
                component_token: Some(TokenStatus {
                    expires_at: NOW + 5_400,
                }),
                last_error: None,
            }))],
            Command::LoadAuthorizers => {
                vec![Event::Authorizers {
                    source: AuthorizersSource::Hub,
                    result: Ok(self.merchants.clone()),
                }]
            }
            Command::SyncAuthorizers => {
                let total = self.merchants.len() as u64;
                vec![
                    Event::SyncProgress { done: total / 2, total },
                    Event::SyncFinished(Ok(SyncSummary {
                        total,
                        synced: total,
                        failed: 0,
                    })),
                ]
            }
            Command::CreatePreAuth(_) => {
                self.codes_issued += 1;
                let code = format!("preauthcode@@@{}", self.codes_issued);
                vec![Event::PreAuthCreated(Ok(PreAuth {
                    pc_url: format!("http://127.0.0.1:40124/cgi-bin/componentloginpage?pre_auth_code={code}"),
                    h5_url: format!("http://127.0.0.1:40124/safe/bindcomponent?pre_auth_code={code}"),
                    pre_auth_code: code,
                    expires_at: NOW + 600,
                }))]
            }
            Command::SimulateScan {
                pre_auth_code,
                kind,
                func_ids,
            } => {
                let row = merchant(self.merchants.len(), NEW_MERCHANT, kind, &func_ids);
                let event = HubEvent {
                    seq: 100 + self.merchants.len() as i64,
                    at: NOW,
                    kind: hub_event_kind::AUTHORIZED.into(),
                    authorizer_appid: Some(row.appid.clone()),
                    nick_name: Some(row.nick_name.clone()),
                    func_ids,
                    raw: serde_json::json!({ "pre_auth_code": pre_auth_code }),
                };
                let mut row = row;
                row.authorized_at = NOW;
                row.revoked_at = None;
                self.merchants.push(row);
                vec![Event::ScanSimulated(Ok(())), Event::Hub(event)]
            }
            Command::LoadActivity => vec![Event::Activity(Ok(vec![
                ActivityEntry {
                    seq: 1,
                    at: NOW - 600,
                    operator: "sandbox".into(),
                    action: "create_preauth".into(),
                    target: None,
                    result: "ok".into(),
                },
                ActivityEntry {
                    seq: 2,
                    at: NOW - 300,
                    operator: "sandbox".into(),
                    action: "sync_authorizers".into(),
                    target: None,
                    result: "ok".into(),
                },
            ]))],
            Command::SaveQrPng { path, .. } => vec![Event::QrSaved(Ok(path))],
        }
    }

    /// Answers every command the app has sent so far. Returns how many it answered.
    fn answer_pending(&mut self) -> usize {
        let mut answered = 0;
        while let Ok(command) = self.commands.try_recv() {
            self.received.push(command.clone());
            for event in self.answer(command) {
                // The channel is sized for every test here; a full one is a test bug worth a loud failure.
                self.events.try_send(event).expect("event channel full");
            }
            answered += 1;
        }
        answered
    }
}

/// The console as a test sees it.
pub struct Console {
    pub harness: Harness<'static, ConsoleApp>,
    pub engine: ScriptedEngine,
}

impl Console {
    /// The real app in `lang`, at 1280×800, on the fixed clock, with volatile values hidden, settled on `panel`.
    pub fn start(lang: Lang) -> Console {
        Console::start_with(lang, seed_merchants())
    }

    /// Like `start`, with these merchants on the hub.
    pub fn start_with(lang: Lang, merchants: Vec<AuthorizerRow>) -> Console {
        let (command_tx, command_rx) = mpsc::channel(256);
        let (event_tx, event_rx) = mpsc::channel(4096);
        let handle = EngineHandle {
            commands: command_tx,
            events: event_rx,
        };
        let harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(move |cc| {
            let mut app = ConsoleApp::new(cc, handle);
            app.set_fixed_clock(NOW);
            app.set_lang(lang);
            app.state_mut().hide_volatile = true;
            app
        });
        let engine = ScriptedEngine {
            commands: command_rx,
            events: event_tx,
            merchants,
            received: Vec::new(),
            codes_issued: 0,
        };
        let mut console = Console { harness, engine };
        console.settle();
        console
    }

    /// Steps frames and answers commands until the app sends nothing more, then lets the UI settle.
    pub fn settle(&mut self) {
        for _ in 0..50 {
            self.harness.step();
            if self.engine.answer_pending() == 0 {
                self.harness.step();
                if self.engine.answer_pending() == 0 {
                    break;
                }
            }
        }
        self.harness.run();
    }

    pub fn go(&mut self, panel: Panel) {
        self.harness.state_mut().go_to(panel);
        self.settle();
    }

    pub fn sent(&self, matches: impl Fn(&Command) -> bool) -> usize {
        self.engine.received.iter().filter(|c| matches(c)).count()
    }
}
