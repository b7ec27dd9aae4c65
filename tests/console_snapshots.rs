//! Snapshots of every console panel in zh-CN and en at 1280×800, on the real sandbox, with QR codes, clocks, the
//! hub's address and the sandbox's random appid masked (`AppState::hide_volatile`). Update them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test console_snapshots`.

mod console_support;

use console_support::{Console, text};
use egui::Modifiers;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use wxdesk::engine::protocol::{AuditStatus, Screenshot};
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::prefs::Panel;
use wxdesk::ui::remote::Remote;

fn snapshot_every_panel(lang: Lang) {
    let tag = lang.tag();
    let mut console = Console::start(lang);
    console.harness.snapshot(format!("welcome_{tag}"));

    console.go(Panel::PROVIDER);
    console.harness.snapshot(format!("provider_{tag}"));

    console.go(Panel::MERCHANTS);
    console.harness.snapshot(format!("merchants_{tag}"));
    let (first, first_appid) = {
        let row = &console.harness.state().state().merchants.list.value().unwrap()[0];
        (row.nick_name.clone(), row.appid.clone())
    };
    console.harness.get_by_label(&first).click();
    console.settle();
    // A mini program's Code section shows its latest audit, which the hub's polls after its sync bring.
    console.wait_until("the merchant's latest audit", |app| {
        app.state().audits.audit(&first_appid).is_some()
    });
    console.harness.snapshot(format!("merchant_detail_{tag}"));
    let names: Vec<String> = {
        let app = console.harness.state();
        let list = app.state().merchants.list.value().cloned().unwrap_or_default();
        let view = app
            .views()
            .get::<wxdesk::ui::views::merchants::MerchantsView>()
            .unwrap();
        view.index.rows.iter().map(|&i| list[i].nick_name.clone()).collect()
    };
    console
        .harness
        .get_by_label(&names[2])
        .click_modifiers(Modifiers::SHIFT);
    console.settle();
    console
        .harness
        .get_by_label(&names[4])
        .click_modifiers(Modifiers::COMMAND);
    console.settle();
    console.harness.snapshot(format!("merchants_selected_{tag}"));

    console.go(Panel::AUTHORIZE);
    console.harness.snapshot(format!("authorize_{tag}"));
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.simulate"))
        .click();
    console.settle();
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.simulate_confirm"))
        .click();
    console.wait_until("the authorized event", |app| app.state().authorize.authorized.is_some());
    console.harness.snapshot(format!("authorized_{tag}"));

    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.fullscreen"))
        .click();
    console.settle();
    console.harness.snapshot(format!("presentation_{tag}"));
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "authorize.exit_fullscreen"))
        .click();
    console.settle();

    console.go(Panel::TEMPLATES);
    console.harness.snapshot(format!("templates_{tag}"));

    console.go(Panel::DEPLOYMENTS);
    console.harness.snapshot(format!("deployments_{tag}"));
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "deployments.new"))
        .click();
    console.settle();
    console.harness.snapshot(format!("deploy_wizard_{tag}"));

    console.go(Panel::AUDITS);
    // The hub learns the seeded audits from its sync, then polls the running ones and fetches the rejection's
    // screenshots, each with the mini program's own token: once the screenshots are in, those token refreshes are
    // all in Activity's list of hub events, whose snapshot comes next.
    console.wait_until("the rejected audit's screenshots on the hub, and the quota", |app| {
        app.state().audits.quota.value().is_some()
            && app.state().audits.audits().iter().any(|audit| {
                audit.status == AuditStatus::Rejected
                    && !audit.screenshots.is_empty()
                    && audit.screenshot_files.iter().all(|file| file.available)
            })
    });
    console.harness.snapshot(format!("audits_{tag}"));
    let rejected = console
        .harness
        .state()
        .state()
        .audits
        .audits()
        .iter()
        .find(|audit| audit.status == AuditStatus::Rejected)
        .cloned()
        .unwrap();
    console
        .harness
        .get_by_label(rejected.nick_name.as_deref().unwrap())
        .click();
    console.wait_until("the screenshots decoded and the releases read", |app| {
        let code = app.state().audits.code.get(&rejected.appid);
        matches!(code, Some(Remote::Ready(_)))
            && rejected.screenshots.iter().all(|id| {
                matches!(
                    app.state().audits.screenshots.get(id),
                    Some(Remote::Ready(Screenshot::Image(_)))
                )
            })
    });
    console.harness.snapshot(format!("audit_detail_{tag}"));

    console.go(Panel::ACTIVITY);
    console.harness.snapshot(format!("activity_{tag}"));
}

#[test]
fn every_panel_in_zh_cn() {
    snapshot_every_panel(Lang::ZhCn);
}

#[test]
fn every_panel_in_en() {
    snapshot_every_panel(Lang::En);
}
