//! The Audits panel on an `AppState` built from events, in egui_kittest: what the real sandbox cannot be made to show
//! on cue. A screenshot the hub has not fetched yet shows a placeholder that says so (not an error) and is not asked
//! for again until an `audit_updated` row says the hub has it; a fetched one becomes a texture.

use std::sync::Arc;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wxdesk::engine::protocol::{
    Audit, AuditPage, AuditSource, AuditStatus, AuditsCommand, AuditsEvent, CodeState, Command, Event, HubEvent,
    HubEventKind, Reply, Request, RequestId, Screenshot, ScreenshotFile, ScreenshotPixels,
};
use wxdesk::ui::i18n::{self, Lang, catalog};
use wxdesk::ui::state::{AppState, load_audits};
use wxdesk::ui::views::audits::AuditsView;
use wxdesk::ui::views::{Outbox, View};
use wxdesk::ui::{fonts, theme};

const APPID: &str = "wx975835de1c9756ce";

struct Panel {
    view: AuditsView,
    state: AppState,
    /// What the panel asked the engine for, every frame.
    sent: Vec<Command>,
}

fn rejected(available: [bool; 2]) -> Audit {
    Audit {
        appid: APPID.into(),
        nick_name: Some("「蓝朵南」鲜果".into()),
        auditid: Some(412_000_003),
        user_version: Some("1.3.0".into()),
        user_desc: Some("门店自提与预约".into()),
        status: AuditStatus::Rejected,
        submitted_at: Some(1_700_000_000),
        resolved_at: Some(1_700_003_600),
        reasons: vec!["1. 名称不符".into(), "2. 类目不符".into()],
        screenshots: vec!["m1".into(), "m2".into()],
        screenshot_files: ["m1", "m2"]
            .into_iter()
            .zip(available)
            .map(|(media_id, available)| ScreenshotFile {
                media_id: media_id.into(),
                available,
                attempts: 1,
                last_error: (!available).then(|| "errcode 40007: invalid media_id".to_owned()),
                next_at: None,
            })
            .collect(),
        source: AuditSource::Push,
        updated_at: 1_700_003_600,
        gray_percentage: None,
        withdrawals: Default::default(),
    }
}

fn reply(state: &mut AppState, id: u64, command: Command, event: impl FnOnce(RequestId) -> Event) {
    state.sent(&Request {
        id: RequestId(id),
        command,
    });
    state.apply(event(RequestId(id)));
}

fn screenshot(media_id: &str) -> Command {
    Command::Audits(AuditsCommand::Screenshot {
        appid: APPID.into(),
        media_id: media_id.into(),
    })
}

/// The panel with the rejected row read, its first screenshot not fetched by the hub and its second decoded.
fn panel(total: i64) -> Harness<'static, Panel> {
    i18n::set_current(Lang::En);
    let mut state = AppState::default();
    state.hide_volatile = true;
    let page = AuditPage {
        total,
        offset: 0,
        audits: vec![rejected([false, true])],
    };
    reply(&mut state, 1, load_audits(), |id| {
        Event::Audits(AuditsEvent::Loaded(Reply::new(id, Ok(page))))
    });
    reply(&mut state, 2, screenshot("m1"), |id| {
        Event::Audits(AuditsEvent::Screenshot(Reply::new(id, Ok(Screenshot::NotFetched))))
    });
    let pixels = ScreenshotPixels {
        width: 9,
        height: 16,
        rgba: vec![0x80; 9 * 16 * 4],
    };
    reply(&mut state, 3, screenshot("m2"), |id| {
        Event::Audits(AuditsEvent::Screenshot(Reply::new(
            id,
            Ok(Screenshot::Image(Arc::new(pixels))),
        )))
    });
    let panel = Panel {
        view: AuditsView::default(),
        state,
        sent: Vec::new(),
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::install(ctx);
        })
        .build_ui_state(
            |ui, panel: &mut Panel| {
                let mut out = Outbox::default();
                panel.view.ui(ui, &panel.state, &mut out);
                // As the shell does at the frame's end: each command is numbered and marked in flight.
                for command in out.commands {
                    let id = RequestId(100 + panel.sent.len() as u64);
                    panel.state.sent(&Request {
                        id,
                        command: command.clone(),
                    });
                    // The pane reads the mini program's releases when it opens: answered at once, with none.
                    if let Command::Audits(AuditsCommand::Code(appid)) = &command {
                        let code = CodeState {
                            appid: appid.clone(),
                            history: Vec::new(),
                            gray: None,
                            visit_open: true,
                        };
                        panel
                            .state
                            .apply(Event::Audits(AuditsEvent::Code(Reply::new(id, Ok(code)))));
                        continue;
                    }
                    panel.sent.push(command);
                }
            },
            panel,
        )
}

fn text(key: &str) -> &'static str {
    catalog(Lang::En).get(key).unwrap_or_else(|| panic!("no {key}"))
}

#[test]
fn a_screenshot_not_fetched_yet_is_a_placeholder_until_the_hub_has_it() {
    let mut harness = panel(1);
    harness.run();
    harness.get_by_label("「蓝朵南」鲜果").click();
    harness.run();

    // The placeholder says what is going on, and the hub's reason for the failed fetch.
    harness.get_by_label(text("audits.screenshot_not_fetched"));
    assert!(
        harness.query_by_label_contains("most recently changed").is_none(),
        "every row is shown"
    );
    harness.get_by_label("errcode 40007: invalid media_id");
    assert_eq!(
        harness.get_by_label("Screenshot 1").accesskit_node().role(),
        Role::Image
    );
    assert_eq!(
        harness.get_by_label("Screenshot 2").accesskit_node().role(),
        Role::Image
    );
    let textures: Vec<&String> = harness.state().view.textures.keys().collect();
    assert_eq!(textures, ["m2"], "only the fetched one is a texture");
    assert!(
        harness.state().sent.is_empty(),
        "nothing asked while the hub has nothing new: {:?}",
        harness.state().sent
    );

    // The hub fetched it: the row's update makes the panel ask for it.
    harness.state_mut().state.apply(Event::Hub(HubEvent {
        seq: 9,
        at: 1_700_003_700,
        kind: HubEventKind::AuditUpdated(rejected([true, true])),
    }));
    harness.run();
    assert_eq!(
        harness.state().sent,
        [screenshot("m1")],
        "asked once, for the one now on the hub"
    );
}

#[test]
fn a_hub_with_more_audits_than_one_page_says_the_list_is_cut_short() {
    let mut harness = panel(1500);
    harness.run();
    let line = text("audits.truncated")
        .replace("{shown}", "1")
        .replace("{total}", "1500");
    harness.get_by_label(&line);
}
