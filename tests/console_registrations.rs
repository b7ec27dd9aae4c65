//! The Registrations panel on the real sandbox (issue 11): a new enterprise task from the form, its fields checked as
//! they are typed; the task's link as a QR code with its countdown; the simulated legal person completes it; the task
//! shows created with the new appid, which is among the merchants.

mod console_support;

use console_support::{Console, text};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wxdesk::engine::protocol::RegistrationState;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::views::Panel;

fn click_button(console: &mut Console, label: &str) {
    console.harness.get_by_role_and_label(Role::Button, label).click();
    console.settle();
}

/// Types `value` into the form's text field after `label`'s row: fields are in the form's order.
fn type_into(console: &mut Console, index: usize, value: &str) {
    let inputs = console.harness.get_all_by_role(Role::TextInput);
    let input = inputs.into_iter().nth(index).expect("the form's field");
    input.focus();
    console.harness.step();
    let inputs = console.harness.get_all_by_role(Role::TextInput);
    inputs.into_iter().nth(index).unwrap().type_text(value);
    console.settle();
}

#[test]
fn an_enterprise_registration_from_the_form_to_a_new_merchant_in_en() {
    enterprise_registration(Lang::En);
}

#[test]
fn an_enterprise_registration_from_the_form_to_a_new_merchant_in_zh_cn() {
    enterprise_registration(Lang::ZhCn);
}

fn enterprise_registration(lang: Lang) {
    let mut console = Console::start(lang);
    console.go(Panel::REGISTRATIONS);
    console.harness.get_by_label(text(lang, "registrations.empty"));
    click_button(&mut console, text(lang, "registrations.new"));

    // A credit code with a wrong check character is named as the staff member types it, and blocks creating.
    type_into(&mut console, 0, "深圳市腾讯计算机系统有限公司");
    type_into(&mut console, 1, "91440300708461136A");
    type_into(&mut console, 2, "0755-86013388");
    console.harness.get_by_label(text(lang, "registrations.rule_code"));
    console.harness.snapshot(format!("registration_form_{}", lang.tag()));
    let create = console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "registrations.create"));
    assert!(create.accesskit_node().is_disabled(), "a bad code cannot be sent");
    // The right check character: the task is created and its link shown as a QR code with the countdown.
    // The cursor is at the end of the code: one backspace takes the wrong check character away.
    console.harness.get_all_by_role(Role::TextInput).nth(1).unwrap().focus();
    console.harness.step();
    console.harness.key_press(egui::Key::End);
    console.harness.key_press(egui::Key::Backspace);
    console.settle();
    type_into(&mut console, 1, "T");
    click_button(&mut console, text(lang, "registrations.create"));
    console.wait_until("the new task in the list", |app| {
        app.state()
            .registrations
            .list
            .value()
            .is_some_and(|list| !list.is_empty())
    });
    let task = console.harness.state().state().registrations.list.value().unwrap()[0].clone();
    assert_eq!(task.state, RegistrationState::Open);
    console
        .harness
        .get_by_label(&text(lang, "registrations.countdown").replace("{left}", "—"));
    console.harness.get_by_label(text(lang, "registrations.scan_hint"));
    // The platform's status in words: an enterprise task just created (§8.3 status 1).
    let created = wxdesk::ui::platform_text::registration_status(false, true, 1).unwrap();
    assert_eq!(
        console.harness.get_all_by_label(&format!("1 · {created}")).count(),
        2,
        "in the pane and the row"
    );
    console.harness.snapshot(format!("registration_qr_{}", lang.tag()));

    // The simulated legal person completes it: the push ends the task and the new mini program is a merchant.
    click_button(&mut console, text(lang, "registrations.sandbox_complete"));
    console.wait_until("the task created", |app| {
        app.state()
            .registrations
            .registration(task.id)
            .is_some_and(|t| t.state == RegistrationState::Succeeded)
    });
    let appid = console
        .harness
        .state()
        .state()
        .registrations
        .registration(task.id)
        .and_then(|t| t.appid.clone())
        .expect("the new appid");
    console
        .harness
        .get_by_label(&text(lang, "registrations.created_appid").replace("{appid}", &appid));
    console.wait_until("the new merchant", |app| {
        app.state()
            .merchants
            .list
            .value()
            .is_some_and(|list| list.iter().any(|m| m.appid == appid))
    });
}
