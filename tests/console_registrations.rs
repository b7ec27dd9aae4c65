//! The Registrations panel on the real sandbox (issue 11): a new enterprise task from the form, its fields checked as
//! they are typed; the task's link as a QR code with its countdown; the simulated legal person completes it; the task
//! shows created with the new appid, which is among the merchants.

mod console_support;

use console_support::{Console, click_button, text};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wxdesk::engine::protocol::RegistrationState;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::views::Panel;

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
    console
        .harness
        .get_by_label(text(lang, "registrations.prompt_legal_person"));
    // The platform's status in words: an enterprise task just created (§8.3 status 1).
    let created = wxdesk::ui::platform_text::registration_status(false, true, 1).unwrap();
    assert_eq!(
        console.harness.get_all_by_label(&format!("1 · {created}")).count(),
        2,
        "in the pane and the row"
    );
    console.harness.snapshot(format!("registration_qr_{}", lang.tag()));
    // The same presentation as authorization's: the code fills the window for the legal person; Esc leaves it.
    click_button(&mut console, text(lang, "authorize.fullscreen"));
    assert!(
        console
            .harness
            .query_by_label(text(lang, "nav.registrations"))
            .is_none(),
        "no navigation"
    );
    console.harness.get_by_label(text(lang, "authorize.exit_fullscreen"));
    console
        .harness
        .snapshot(format!("registration_presented_{}", lang.tag()));
    console.harness.key_press(egui::Key::Escape);
    console.settle();
    console.harness.get_by_label(text(lang, "registrations.copy_link"));

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
    set_up(&mut console, lang, &appid);
}

/// Issue 11 point 3 on the real sandbox: the new mini program lacks everything; it gets a name (checked first), a
/// second name that needs material and goes to review, an avatar from a large photo, an introduction and a
/// category, and ends with the checklist complete — the hub's own row included.
fn set_up(console: &mut Console, lang: Lang, appid: &str) {
    click_button(console, text(lang, "setup.open"));
    console.wait_until("the set-up read", |app| {
        let setup = &app.state().setup;
        setup.appid.as_deref() == Some(appid) && setup.account.value().is_some()
    });
    console
        .harness
        .get_by_label(&text(lang, "setup.lacking").replace("{left}", "5"));
    console.harness.snapshot(format!("setup_fresh_{}", lang.tag()));

    // A plain name: the pre-check says no material is needed, and the name is set at once.
    let name_field = text(lang, "setup.name_rule")
        .replace("{min}", "2")
        .replace("{max}", "30");
    type_in(console, Role::TextInput, &name_field, "鲜果小站");
    click_button(console, text(lang, "setup.name_check"));
    console.harness.get_by_label(text(lang, "setup.name_clear"));
    click_button(console, text(lang, "setup.name_set"));
    console.wait_until("the name set", |app| nickname(app) == "鲜果小站");

    // A name the pre-check flags: its supporting material is a dropped image, and the name goes to review.
    clear_and_type(console, &name_field, "中国鲜果小站");
    click_button(console, text(lang, "setup.name_check"));
    console.drop_file(&image_file("licence.png", 300, 200));
    console.harness.get_by_label("licence.png");
    click_button(console, text(lang, "setup.name_set"));
    let audit = console
        .harness
        .state()
        .state()
        .setup
        .name_audit()
        .cloned()
        .expect("the name's audit");
    assert_eq!(audit.stat, wxdesk::ui::state::NAME_UNDER_REVIEW);
    console
        .harness
        .get_by_label(&text(lang, "setup.name_in_review").replace("{name}", "中国鲜果小站"));
    // The simulated reviewer approves it; its push makes the hub read the name, and the audit reads approved.
    click_button(console, text(lang, "setup.sandbox_approve_name"));
    console.wait_until("the reviewed name", |app| {
        nickname(app) == "中国鲜果小站"
            && app
                .state()
                .setup
                .name_audit()
                .is_some_and(|a| a.stat == wxdesk::ui::state::NAME_APPROVED)
    });

    // An avatar from a photo larger than the upload allows: cropped, scaled, compressed, then set.
    console.drop_file(&photo_file("storefront.jpg", 3000, 2000));
    console.wait_until("the avatar prepared", |app| app.state().setup.avatar.value().is_some());
    let avatar = console.harness.state().state().setup.avatar.value().cloned().unwrap();
    assert_eq!((avatar.original, avatar.side), ((3000, 2000), 640));
    click_button(console, text(lang, "setup.avatar_set"));
    console.wait_until("the avatar set", |app| {
        if let Some(error) = app.state().setup.acted.error() {
            panic!("setting the avatar failed: {error:?}");
        }
        let account = app.state().setup.account.value();
        account.is_some_and(|a| !a.basic.head_image_info.head_image_url.is_empty())
    });

    // The introduction, with its length rule.
    let intro = "新鲜水果，当日送达，社区自提。";
    let intro_field = text(lang, "setup.intro_rule")
        .replace("{min}", "4")
        .replace("{max}", "120")
        .replace("{count}", "0");
    type_in(console, Role::MultilineTextInput, &intro_field, intro);
    click_button(console, text(lang, "setup.intro_save"));
    console.wait_until("the introduction saved", |app| {
        let account = app.state().setup.account.value();
        account.is_some_and(|a| a.basic.signature_info.signature == intro)
    });

    // A category from the platform's tree: 工具 › 备忘录.
    pick(console, text(lang, "setup.category_first"), "工具");
    pick(console, text(lang, "setup.category_second"), "备忘录");
    click_button(console, text(lang, "setup.category_add"));
    console.wait_until("the category added and the hub's row current", |app| {
        let account = app.state().setup.account.value();
        let added = account.is_some_and(|a| a.categories.categories.iter().any(|c| c.second == 612));
        let row = app
            .state()
            .merchants
            .list
            .value()
            .and_then(|l| l.iter().find(|r| r.appid == appid).cloned());
        added && row.is_some_and(|r| !r.head_img.is_empty() && r.nick_name == "中国鲜果小站")
    });
    console
        .harness
        .get_by_label(text(lang, "setup.complete"))
        .scroll_to_me();
    console.settle();
    console.harness.snapshot(format!("setup_complete_{}", lang.tag()));
}

fn nickname(app: &wxdesk::ui::app::ConsoleApp) -> String {
    let account = app.state().setup.account.value();
    account.map(|a| a.basic.nickname.clone()).unwrap_or_default()
}

/// Types `value` into the text field of `role` labelled `label`.
fn type_in(console: &mut Console, role: Role, label: &str, value: &str) {
    console.harness.get_by_role_and_label(role, label).scroll_to_me();
    console.settle();
    console.harness.get_by_role_and_label(role, label).focus();
    console.harness.step();
    console.harness.get_by_role_and_label(role, label).type_text(value);
    console.settle();
}

/// Selects all of the field labelled `label` and types `value` over it.
fn clear_and_type(console: &mut Console, label: &str, value: &str) {
    console.harness.get_by_role_and_label(Role::TextInput, label).focus();
    console.harness.step();
    console
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    console.harness.key_press(egui::Key::Backspace);
    console.settle();
    type_in(console, Role::TextInput, label, value);
}

/// Opens the combo box labelled `label` and clicks `choice` in its list.
fn pick(console: &mut Console, label: &str, choice: &str) {
    console
        .harness
        .get_by_role_and_label(Role::ComboBox, label)
        .scroll_to_me();
    console.settle();
    console.harness.get_by_role_and_label(Role::ComboBox, label).click();
    console.settle();
    console.harness.get_by_label(choice).click();
    console.settle();
}

fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wxdesk-setup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn image_file(name: &str, width: u32, height: u32) -> std::path::PathBuf {
    let path = scratch().join(name);
    image::RgbImage::from_pixel(width, height, image::Rgb([240, 240, 230]))
        .save(&path)
        .unwrap();
    path
}

/// A photo-like JPEG: noise compresses as badly as a real photo, so the file is larger than the upload allows.
fn photo_file(name: &str, width: u32, height: u32) -> std::path::PathBuf {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 64;
        image::Rgb([(x % 256) as u8, (y % 256) as u8, (noise * 4) as u8])
    });
    let path = scratch().join(name);
    let mut out = std::fs::File::create(&path).unwrap();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&picture)
        .unwrap();
    assert!(
        std::fs::metadata(&path).unwrap().len() > wxdesk::engine::protocol::MAX_FEEDBACK_IMAGE_BYTES as u64,
        "the photo is larger than an upload may be"
    );
    path
}
