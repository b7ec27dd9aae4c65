//! Issue 10 point 4 on the real sandbox: a mini program's detail pane shows its code — the trial and online versions
//! `getversioninfo` returns through the hub's relay, and its latest audit with its status chip (the audit rows read
//! by the pane itself when the Audits panel has not been opened) — and "Show in Audits" opens that audit. And, on an
//! `AppState` built from events (the sandbox's relay does not refuse on cue): WeChat's refusal reads in words.

mod console_support;

use console_support::{Console, text};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use wxdesk::engine::protocol::{
    AccountKind, AuditStatus, AuthorizerRow, Command, EngineError, ErrorKind, Event, MerchantsCommand, MerchantsEvent,
    Reply, Request, RequestId,
};
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::prefs::Panel;
use wxdesk::ui::remote::Remote;
use wxdesk::ui::state::AppState;
use wxdesk::ui::views::audits::AuditsView;
use wxdesk::ui::views::merchants::MerchantsView;
use wxdesk::ui::views::{Outbox, View};
use wxdesk::ui::{fonts, i18n, theme};

/// The seed's description of every commit (`src/sim/seed.rs`).
const DESC: &str = "门店自提与预约";

/// Selects a merchant by clicking its name in the table, as the operator does.
fn select(console: &mut Console, appid: &str) {
    let name = console
        .harness
        .state()
        .state()
        .merchants
        .list
        .value()
        .and_then(|list| list.iter().find(|m| m.appid == appid))
        .map(|m| m.nick_name.clone())
        .expect("the merchant is listed");
    console.harness.get_by_label(&name).click();
    console.settle();
}

/// The text on the row of the Code section's grid whose key is `key`, as laid out: the value beside the key.
fn beside(console: &Console, key: &str, value: &str) -> bool {
    let key = console.harness.get_by_label(key).rect();
    console
        .harness
        .get_all_by_label(value)
        .any(|node| (node.rect().center().y - key.center().y).abs() < 4.0 && node.rect().left() > key.right())
}

/// The appid of a mini program whose latest audit has `status`, as the console's audit rows say.
fn with_status(console: &Console, status: AuditStatus) -> Option<String> {
    let state = console.harness.state().state();
    state
        .audits
        .audits()
        .iter()
        .find(|audit| audit.status == status)
        .map(|audit| audit.appid.clone())
}

#[test]
fn a_mini_programs_detail_shows_its_trial_and_online_versions_and_its_latest_audit() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    console.go(Panel::MERCHANTS);
    let first_mini_program = {
        let state = console.harness.state().state();
        let list = state.merchants.list.value().expect("the merchants");
        list.iter()
            .find(|m| m.kind == AccountKind::MiniProgram && m.revoked_at.is_none())
            .map(|m| m.appid.clone())
            .expect("the sandbox has mini programs")
    };
    assert!(
        matches!(console.harness.state().state().audits.page, Remote::NotLoaded),
        "the Audits panel was never opened"
    );
    select(&mut console, &first_mini_program);
    assert!(
        console.harness.state().state().audits.page.value().is_some(),
        "the detail pane read the audit rows itself"
    );
    // The hub learns every seeded audit from its sync's polls; each reaches the console as `audit_updated`.
    console.wait_until("a released and an auditing mini program", |app| {
        let audits = app.state().audits.audits();
        [AuditStatus::Released, AuditStatus::Auditing]
            .iter()
            .all(|status| audits.iter().any(|audit| audit.status == *status))
    });

    // Released: the online version is the one the audit released, and the trial version is the same commit.
    let released = with_status(&console, AuditStatus::Released).unwrap();
    select(&mut console, &released);
    let version = {
        let state = console.harness.state().state();
        let audit = state.audits.audit(&released).unwrap();
        audit.user_version.clone().expect("the audit's version")
    };
    let versions = console.harness.state().state().merchants.versions[&released]
        .value()
        .cloned()
        .expect("getversioninfo answered");
    let trial = versions.exp_info.expect("a trial version");
    let online = versions.release_info.expect("an online version");
    assert_eq!(
        (trial.exp_version.as_str(), trial.exp_desc.as_str()),
        (version.as_str(), DESC)
    );
    assert_eq!(
        (online.release_version.as_str(), online.release_desc.as_str()),
        (version.as_str(), DESC)
    );
    let shown = format!("{version} · {DESC}");
    assert_eq!(
        console.harness.get_all_by_label(&shown).count(),
        2,
        "trial and online both read {shown}"
    );
    assert!(beside(&console, text(lang, "merchants.code_trial"), &shown));
    assert!(beside(&console, text(lang, "merchants.code_online"), &shown));
    assert!(beside(
        &console,
        text(lang, "merchants.code_latest_audit"),
        text(lang, "status.released")
    ));
    assert!(
        console
            .harness
            .query_by_label(text(lang, "merchants.code_none"))
            .is_none()
    );

    // Under audit: a trial version, nothing online yet, the audit's chip.
    let auditing = with_status(&console, AuditStatus::Auditing).unwrap();
    select(&mut console, &auditing);
    let versions = console.harness.state().state().merchants.versions[&auditing]
        .value()
        .cloned()
        .expect("getversioninfo answered");
    assert!(versions.release_info.is_none(), "{versions:?}");
    let trial = versions.exp_info.expect("a trial version");
    let shown = format!("{} · {DESC}", trial.exp_version);
    assert!(beside(&console, text(lang, "merchants.code_trial"), &shown));
    assert!(beside(
        &console,
        text(lang, "merchants.code_online"),
        text(lang, "merchants.code_none")
    ));
    assert!(beside(
        &console,
        text(lang, "merchants.code_latest_audit"),
        text(lang, "status.auditing")
    ));

    // "Show in Audits": the Audits panel with that row alone, selected, its detail open.
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "merchants.code_show_in_audits"))
        .click();
    console.settle();
    let app = console.harness.state();
    assert_eq!(app.panel(), Panel::AUDITS);
    let view = app.views().get::<AuditsView>().unwrap();
    assert_eq!(view.table.selection.single(), Some(&auditing));
    let audits = app.state().audits.audits();
    let shown: Vec<&str> = view.order.rows().iter().map(|&i| audits[i].appid.as_str()).collect();
    assert_eq!(shown, [auditing.as_str()]);
    console.harness.get_by_label(text(lang, "audits.auditid"));
}

/// The Merchants panel on a built state: one mini program listed and selected, its versions refused by WeChat
/// (`61007`: the merchant did not grant the set).
#[test]
fn a_refused_versions_read_says_what_happened_and_what_to_do() {
    const APPID: &str = "wx975835de1c9756ce";
    i18n::set_current(Lang::En);
    let mut state = AppState::default();
    state.hide_volatile = true;
    state.apply(Event::Merchants(MerchantsEvent::Cached(vec![AuthorizerRow {
        appid: APPID.into(),
        nick_name: "「蓝朵南」鲜果".into(),
        principal_name: "上海蓝朵南农业发展有限公司".into(),
        kind: AccountKind::MiniProgram,
        verified: true,
        verify_type: 0,
        authorized_at: 1_700_000_000,
        revoked_at: None,
        func_ids: vec![17, 18],
        user_name: "gh_1".into(),
        head_img: String::new(),
        service_type: 0,
    }])));
    let ask = Command::Merchants(MerchantsCommand::Versions(APPID.into()));
    state.sent(&Request {
        id: RequestId(1),
        command: ask.clone(),
    });
    let refused = EngineError::new(ErrorKind::WeChat { errcode: 61007 }, "api unauthorized");
    state.apply(Event::Merchants(MerchantsEvent::Versions(Reply::new(
        RequestId(1),
        Err(refused),
    ))));
    let mut view = MerchantsView::default();
    let key = APPID.to_owned();
    view.table
        .selection
        .click(&key, wxdesk::ui::widgets::table::Click::Only, [&key]);
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::install(ctx);
        })
        .build_ui_state(
            |ui, (view, state, sent): &mut (MerchantsView, AppState, Vec<Command>)| {
                let mut out = Outbox::default();
                view.ui(ui, state, &mut out);
                sent.extend(out.commands);
            },
            (view, state, Vec::new()),
        );
    harness.run();
    let explained = wxdesk::ui::platform_text::errcode(61007).expect("61007 is explained");
    harness.get_by_label_contains(explained.0);
    harness.get_by_label_contains(explained.1);
    assert!(
        !harness.state().2.contains(&ask),
        "a refusal is not asked again on its own"
    );
    // The operator asks again, with the Refresh beside the section's title (the panel has one of its own).
    let title = harness.get_by_label(text(Lang::En, "merchants.code")).rect();
    harness
        .get_all_by_role_and_label(Role::Button, text(Lang::En, "common.refresh"))
        .find(|button| (button.rect().center().y - title.center().y).abs() < 4.0)
        .expect("the section's Refresh")
        .click();
    harness.run();
    assert!(harness.state().2.contains(&ask));
}
