//! The console's main flow on the real sandbox, clicked by role and label in zh-CN and in en: the sandbox activates,
//! open Merchants, "Authorize a merchant…", simulate the merchant's scan, see the success line, find the new merchant
//! in the list, and see the action recorded as ✓ in Activity. Every click goes through the real engine, the hub
//! and the simulator on loopback.

mod console_support;

use console_support::{Console, click_button, text};
use egui::Modifiers;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use wxdesk::engine::protocol::{
    AccountKind, Audit, AuditStatus, Command, Event, ItemState, Job, JobState, Reply, Request, RequestId, Screenshot,
    TemplateLibrary, TemplatesCommand, TemplatesEvent, item_reason,
};
use wxdesk::hubapi::{Outcome, action};
use wxdesk::ui::app::ConsoleApp;
use wxdesk::ui::deploy_plan::Section;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::platform_text::permission_name;
use wxdesk::ui::views::Panel;
use wxdesk::ui::views::audit_detail::numbered;
use wxdesk::ui::views::audits::AuditsView;
use wxdesk::ui::views::deploy_wizard::Wizard;
use wxdesk::ui::views::deployments::DeploymentsView;
use wxdesk::ui::views::deployments::Page;
use wxdesk::ui::views::merchants::MerchantsView;
use wxdesk::ui::views::provider::ProviderView;
use wxdesk::ui::views::provider_forms::ProviderForms;
use wxdesk::ui::views::templates::TemplatesView;
use wxdesk::wechat::api::template::Draft;
use wxdesk::wechat::errcodes;
use wxdesk::wechat::ids::DraftId;
use wxdesk::wechat::permissions::{self, simulator_sets};

fn authorize_and_find_the_merchant(lang: Lang) {
    let mut console = Console::start(lang);
    let seeded = console
        .harness
        .state()
        .state()
        .merchants
        .list
        .value()
        .map_or(0, Vec::len);
    assert_eq!(
        seeded,
        console_support::SANDBOX.authorized,
        "the sandbox's merchants are listed"
    );

    click_button(&mut console, text(lang, "nav.merchants"));
    let first = console.harness.state().state().merchants.list.value().unwrap()[0]
        .nick_name
        .clone();
    console.harness.get_by_label(&first);

    click_button(&mut console, text(lang, "merchants.authorize"));
    let code = console
        .harness
        .state()
        .state()
        .authorize
        .preauth
        .value()
        .map(|p| p.pre_auth_code.clone())
        .expect("opening the view made a code");
    console.harness.get_by_label(text(lang, "authorize.waiting"));

    click_button(&mut console, text(lang, "authorize.simulate"));
    click_button(&mut console, text(lang, "authorize.simulate_confirm"));
    console.wait_until("the authorized event", |app| app.state().authorize.authorized.is_some());
    let notice = console.harness.state().state().authorize.authorized.clone().unwrap();
    let wanted = format!("✓ {}", notice.nick_name);
    let node = console.harness.get_by_label_contains(&wanted).accesskit_node();
    let line = node.label().or_else(|| node.value()).unwrap_or_default();
    assert!(!notice.func_ids.is_empty(), "the merchant granted sets");
    let first_set = permission_name(notice.func_ids[0]);
    assert!(
        line.contains(first_set.as_str()),
        "the line names the granted sets: {line}"
    );
    let renewed = console
        .harness
        .state()
        .state()
        .authorize
        .preauth
        .value()
        .map(|p| p.pre_auth_code.clone());
    assert_ne!(renewed, Some(code), "the used code was replaced by a fresh one");

    click_button(&mut console, text(lang, "nav.merchants"));
    console.wait_until("the new merchant in the list", |app| {
        app.state()
            .merchants
            .list
            .value()
            .is_some_and(|list| list.iter().any(|row| row.appid == notice.appid))
    });
    console.harness.get_by_role(Role::TextInput).focus();
    console.harness.step();
    console.harness.get_by_role(Role::TextInput).type_text(&notice.appid);
    console.settle();
    console.harness.get_by_label(&notice.nick_name);
    let shown = console
        .harness
        .state()
        .views()
        .get::<MerchantsView>()
        .unwrap()
        .index
        .rows
        .len();
    assert_eq!(shown, 1, "the search by appid finds exactly the new merchant");

    // Opening the panel reads the log: no Refresh needed to see what just happened.
    click_button(&mut console, text(lang, "nav.activity"));
    let log = console
        .harness
        .state()
        .state()
        .activity
        .log
        .value()
        .cloned()
        .unwrap_or_default();
    let created: Vec<_> = log.iter().filter(|e| e.action == action::PREAUTH_CREATE).collect();
    assert!(!created.is_empty(), "the code creation is on the record: {log:#?}");
    assert!(
        created
            .iter()
            .all(|e| e.outcome == Outcome::Ok && e.operator == "sandbox")
    );
    assert!(
        log.iter().all(|e| !e.action.starts_with("GET")),
        "reads are not activity: {log:#?}"
    );
    let ok_row = format!("✓ {}", text(lang, "activity.ok"));
    assert!(
        console.harness.query_all_by_label(&ok_row).count() >= created.len(),
        "each is shown as ✓ in words"
    );
}

#[test]
fn authorize_a_merchant_on_the_sandbox_in_zh_cn() {
    authorize_and_find_the_merchant(Lang::ZhCn);
}

#[test]
fn authorize_a_merchant_on_the_sandbox_in_en() {
    authorize_and_find_the_merchant(Lang::En);
}

#[test]
fn the_language_switcher_changes_every_label() {
    let mut console = Console::start(Lang::ZhCn);
    console
        .harness
        .get_by_role_and_label(Role::Button, text(Lang::ZhCn, "nav.merchants"));
    click_button(&mut console, "English");
    console
        .harness
        .get_by_role_and_label(Role::Button, text(Lang::En, "nav.merchants"));
    assert!(
        console
            .harness
            .query_by_role_and_label(Role::Button, text(Lang::ZhCn, "nav.merchants"))
            .is_none()
    );
    assert_eq!(
        console.harness.state().prefs().lang,
        Lang::En,
        "the choice is a persisted preference"
    );
}

#[test]
fn a_sync_runs_as_a_hub_job_and_every_request_gets_its_answer() {
    let mut console = Console::start(Lang::En);
    click_button(&mut console, text(Lang::En, "nav.merchants"));
    click_button(&mut console, text(Lang::En, "merchants.sync"));
    // No spinner spins forever: `settle` fails unless every request in flight got its answer. (A job's progress
    // may start a reload of the list at any frame, so a single look at `is_busy` would be a race.)
    console.settle();
    // The job's own progress arrives on the event stream; wait for its end.
    console.wait_until("the sync job to complete", |app| {
        app.state()
            .merchants
            .sync_job
            .as_ref()
            .is_some_and(|job| job.state.is_final())
    });
    let job = console.harness.state().state().merchants.sync_job.clone().unwrap();
    assert_eq!(job.counts.total, console_support::SANDBOX.authorized as i64);
    assert_eq!(job.counts.done, job.counts.total, "every merchant synced: {job:?}");
    click_button(&mut console, text(Lang::En, "nav.jobs"));
    assert!(
        console
            .harness
            .query_all_by_label(text(Lang::En, "jobs.kind_sync"))
            .count()
            >= 1,
        "the sync is listed as a job"
    );
    for key in ["nav.activity", "nav.provider"] {
        click_button(&mut console, text(Lang::En, key));
    }
}

#[test]
fn switching_the_auth_type_while_a_code_loads_keeps_the_newest_choice() {
    let mut console = Console::start(Lang::En);
    click_button(&mut console, text(Lang::En, "nav.merchants"));
    click_button(&mut console, text(Lang::En, "merchants.authorize"));
    // Two choices a frame apart, before the first code arrives: the first code's late answer must not win.
    for label in ["kind.official_account", "authorize.both"] {
        console
            .harness
            .get_by_role_and_label(Role::RadioButton, text(Lang::En, label))
            .click();
        console.harness.step();
    }
    console.settle();
    let state = console.harness.state().state();
    assert_eq!(state.authorize.request.auth_type, wxdesk::wechat::AuthType::Both);
    let url = &state.authorize.preauth.value().expect("a code").h5_url;
    assert!(
        url.contains("auth_type=3"),
        "the code on screen is the newest choice's: {url}"
    );
}

fn forms(console: &mut Console) -> &mut ProviderForms {
    &mut console
        .harness
        .state_mut()
        .views_mut()
        .get_mut::<ProviderView>()
        .unwrap()
        .forms
}

/// Issue 8: the forms cleared their secrets on every frame after a successful save, so a key typed afterwards
/// vanished at once and neither form could be saved a second time.
#[test]
fn a_secret_typed_after_a_successful_save_stays() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.provider"));
    let remote_form = text(lang, "provider.remote_form");
    // Below the health and readiness sections: scrolled to first.
    console
        .harness
        .get_by_role_and_label(Role::DisclosureTriangle, remote_form)
        .scroll_to_me();
    console.settle();
    console
        .harness
        .get_by_role_and_label(Role::DisclosureTriangle, remote_form)
        .click();
    console.settle();
    forms(&mut console).remote.hub_url = "https://hub.example.com".into();
    forms(&mut console).remote.operator_key = "first-operator-key".into();
    click_button(&mut console, text(lang, "provider.save_remote"));
    console.harness.get_by_label(text(lang, "provider.saved"));
    assert_eq!(
        forms(&mut console).remote.operator_key,
        "",
        "a saved secret leaves the form"
    );

    let key_label = text(lang, "form.operator_key");
    console
        .harness
        .get_by_role_and_label(Role::PasswordInput, key_label)
        .focus();
    console.harness.step();
    console
        .harness
        .get_by_role_and_label(Role::PasswordInput, key_label)
        .type_text("second-operator-key");
    console.settle();
    assert_eq!(
        forms(&mut console).remote.operator_key,
        "second-operator-key",
        "a key typed after the save stays in the form"
    );
    let saves = console.harness.state().state().profiles.saves;
    click_button(&mut console, text(lang, "provider.save_remote"));
    assert_eq!(
        console.harness.state().state().profiles.saves,
        saves + 1,
        "the form saves a second time"
    );
    assert_eq!(forms(&mut console).remote.operator_key, "");
}

/// Issue 8: the simulated scan listed every set of the account kind, and the simulator silently dropped those it does
/// not offer. The list now shows exactly the simulator's sets, in its order.
#[test]
fn the_simulated_scan_lists_exactly_the_sets_the_simulator_offers() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.merchants"));
    click_button(&mut console, text(lang, "merchants.authorize"));
    click_button(&mut console, text(lang, "authorize.simulate"));
    assert_eq!(
        console.harness.state().state().authorize.scan_kind(),
        AccountKind::MiniProgram
    );
    let shown: Vec<String> = console
        .harness
        .query_all_by_role(Role::CheckBox)
        .filter_map(|node| node.accesskit_node().label())
        .filter(|label| label.starts_with(|c: char| c.is_ascii_digit()) && label.contains(" · "))
        .collect();
    let offered: Vec<String> = simulator_sets(permissions::AccountKind::MiniProgram)
        .iter()
        .map(|&id| format!("{id} · {}", permission_name(id)))
        .collect();
    assert_eq!(shown, offered);
}

/// The merchants in the table's order, as the staff member sees them.
fn visible_merchants(console: &Console) -> Vec<(String, String)> {
    let app = console.harness.state();
    let list = app.state().merchants.list.value().cloned().unwrap_or_default();
    let view = app.views().get::<MerchantsView>().unwrap();
    view.index
        .rows
        .iter()
        .map(|&i| (list[i].nick_name.clone(), list[i].appid.clone()))
        .collect()
}

#[test]
fn select_merchants_copy_their_appids_and_keep_them_across_a_sort() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.merchants"));
    let selected = |console: &Console| {
        let view = console.harness.state().views().get::<MerchantsView>().unwrap();
        view.table.selection.len()
    };
    let rows = visible_merchants(&console);

    console.harness.get_by_label(&rows[0].0).click();
    console.settle();
    console
        .harness
        .get_by_label(&rows[2].0)
        .click_modifiers(Modifiers::SHIFT);
    console.settle();
    console
        .harness
        .get_by_label(&rows[4].0)
        .click_modifiers(Modifiers::COMMAND);
    console.settle();
    assert_eq!(selected(&console), 4, "a range of three and one more");
    console
        .harness
        .get_by_label(&text(lang, "table.selected").replace("{count}", "4"));

    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "merchants.bulk_copy_appids"))
        .click();
    console.harness.step();
    let copied = console
        .harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
    let expected: Vec<&str> = [0, 1, 2, 4].iter().map(|&i| rows[i].1.as_str()).collect();
    assert_eq!(
        copied.as_deref(),
        Some(expected.join("\n").as_str()),
        "one appid a line, in the table's order"
    );

    // "Deploy a template…" opens the deployment wizard with the same merchants, in the table's order.
    click_button(&mut console, text(lang, "merchants.bulk_deploy"));
    assert_eq!(console.harness.state().panel(), Panel::DEPLOYMENTS);
    let wizard = &console.harness.state().views().get::<DeploymentsView>().unwrap().wizard;
    assert_eq!(wizard.form.appids, expected, "the selection, in the table's order");
    assert_eq!(wizard.section, Section::Template, "no template yet: that comes first");
    click_button(&mut console, text(lang, "nav.merchants"));

    // Re-sorting keeps the selection: it is held by appid, not by row.
    click_button(&mut console, text(lang, "merchants.col_name"));
    assert_eq!(selected(&console), 4);

    // A search that hides three of them leaves one selected, and the detail pane shows it.
    console.harness.get_by_role(Role::TextInput).focus();
    console.harness.step();
    console.harness.get_by_role(Role::TextInput).type_text(&rows[0].1);
    console.settle();
    assert_eq!(selected(&console), 1);
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "merchants.copy_appid"));
}

/// The lists the Templates panel shows.
fn template_lists(console: &Console) -> TemplateLibrary {
    let state = console.harness.state().state();
    state.templates.library.value().cloned().expect("the lists were read")
}

/// Clicks the `position`th button labelled `label`, in the order the tables show them.
fn click_nth_button(console: &mut Console, label: &str, position: usize) {
    console
        .harness
        .get_all_by_role_and_label(Role::Button, label)
        .nth(position)
        .unwrap_or_else(|| panic!("no {label} button at {position}"))
        .click();
    console.settle();
}

/// The words a text node shows.
fn words(node: &egui_kittest::Node<'_>) -> String {
    let node = node.accesskit_node();
    node.label().or_else(|| node.value()).unwrap_or_default()
}

/// Puts `lists` on screen as if the hub had answered a read with them.
fn show_lists(console: &mut Console, lists: TemplateLibrary) {
    let app = console.harness.state_mut().state_mut();
    let request = RequestId(u64::MAX);
    app.sent(&Request {
        id: request,
        command: Command::Templates(TemplatesCommand::Load),
    });
    app.apply(Event::Templates(TemplatesEvent::Loaded(Reply::new(request, Ok(lists)))));
    console.settle();
}

/// "已用 5 / 200": the meter's words.
fn meter_text(lang: Lang, used: usize) -> String {
    text(lang, "templates.slots")
        .replace("{used}", &used.to_string())
        .replace("{limit}", "200")
}

/// Issue 9 item 1: on the sandbox's seeded draft box and library, add a draft as a standard template and see it in
/// the library with the meter moved, hand it to the deployment wizard, delete it through the confirmation, then
/// try to add a draft that is gone and read WeChat's refusal in words.
#[test]
fn templates_add_a_draft_as_standard_then_delete_it_and_explain_a_refusal() {
    let lang = Lang::ZhCn;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.templates"));
    let seeded = template_lists(&console);
    assert!(!seeded.drafts.is_empty(), "the sandbox starts with drafts");
    let add = text(lang, "templates.add");
    assert_eq!(
        console.harness.query_all_by_role_and_label(Role::Button, add).count(),
        seeded.drafts.len(),
        "each draft is a row with its add button"
    );
    let used = seeded.templates.len();
    console.harness.get_by_label(&meter_text(lang, used));

    // The newest draft is the first row: add it as a standard template.
    let first_row = |console: &Console, lists: &TemplateLibrary| {
        let view = console.harness.state().views().get::<TemplatesView>().unwrap();
        lists.drafts[view.drafts.rows()[0]].clone()
    };
    let draft = first_row(&console, &seeded);
    click_nth_button(&mut console, add, 0);
    console.harness.get_by_label(text(lang, "templates.standard_explain"));
    console
        .harness
        .get_by_role_and_label(Role::RadioButton, text(lang, "templates.standard"))
        .click();
    console.harness.step();
    click_button(&mut console, text(lang, "templates.add_confirm"));
    let added = template_lists(&console);
    let made = added
        .templates
        .iter()
        .find(|t| !seeded.templates.iter().any(|s| s.template_id == t.template_id))
        .expect("the library was read again and holds a new template");
    assert_eq!(made.draft_id, Some(draft.draft_id), "copied from the chosen draft");
    assert_eq!(made.template_type, 1, "as a standard template");
    assert_eq!(added.templates.len(), used + 1);
    console.harness.get_by_label(&meter_text(lang, used + 1));
    let done = text(lang, "templates.added_as")
        .replace("{draft}", &draft.draft_id.to_string())
        .replace("{template}", &made.template_id.to_string())
        .replace("{kind}", text(lang, "templates.standard"));
    console.harness.get_by_label(&done);

    // The library is newest first: the new template is the first row.
    let row = {
        let view = console.harness.state().views().get::<TemplatesView>().unwrap();
        let rows = view.templates.rows();
        rows.iter()
            .position(|&i| added.templates[i].template_id == made.template_id)
            .expect("the new template is shown")
    };
    click_nth_button(&mut console, text(lang, "templates.deploy"), row);
    assert_eq!(
        console.harness.state().panel(),
        Panel::DEPLOYMENTS,
        "Deploy… opens the wizard"
    );
    let wizard = &console.harness.state().views().get::<DeploymentsView>().unwrap().wizard;
    assert_eq!(wizard.form.template, Some(made.template_id), "with the template chosen");
    assert_eq!(wizard.form.user_version, made.user_version, "and its version");
    click_button(&mut console, text(lang, "nav.templates"));

    click_nth_button(&mut console, text(lang, "templates.delete"), row);
    let title = text(lang, "templates.delete_title").replace("{id}", &made.template_id.to_string());
    console.harness.get_by_label(&title);
    let body = words(
        &console
            .harness
            .get_by_label_contains(&format!("{}（{}", made.template_id, made.user_version)),
    );
    assert!(
        body.contains("不能撤销") && body.contains("批量发布"),
        "the dialog says it cannot be undone and what stops working: {body}"
    );
    assert_eq!(
        template_lists(&console).templates.len(),
        used + 1,
        "nothing is deleted before the confirmation"
    );
    click_button(&mut console, text(lang, "templates.delete_confirm"));
    let after = template_lists(&console);
    assert!(
        after.templates.iter().all(|t| t.template_id != made.template_id),
        "the template is gone from the library"
    );
    assert_eq!(after.templates.len(), used);
    console.harness.get_by_label(&meter_text(lang, used));

    // A draft replaced by a newer upload since the list was read (here: put on screen by hand).
    let gone = Draft {
        draft_id: DraftId(9999),
        create_time: i64::MAX / 2,
        user_version: "9.9.9".into(),
        user_desc: "已被新的上传替换".into(),
        ..draft
    };
    let mut stale = after.clone();
    stale.drafts.push(gone);
    let shows_gone = |console: &Console| {
        template_lists(console)
            .drafts
            .iter()
            .any(|d| d.draft_id == DraftId(9999))
    };
    show_lists(&mut console, stale.clone());
    assert!(shows_gone(&console));
    click_button(&mut console, text(lang, "common.refresh"));
    assert!(!shows_gone(&console), "Refresh reads the lists again");
    show_lists(&mut console, stale.clone());
    click_button(&mut console, text(lang, "nav.merchants"));
    click_button(&mut console, text(lang, "nav.templates"));
    assert!(!shows_gone(&console), "opening the panel reads the lists again");

    show_lists(&mut console, stale);
    assert_eq!(first_row(&console, &template_lists(&console)).draft_id, DraftId(9999));
    click_nth_button(&mut console, add, 0);
    click_button(&mut console, text(lang, "templates.add_confirm"));
    let meaning = errcodes::explain(85064).expect("85064 is explained").zh;
    let line = words(&console.harness.get_by_label_contains(meaning));
    assert!(
        line.contains("#9999") && line.contains("85064"),
        "the refusal says which draft and why, in words: {line}"
    );
    assert!(
        !shows_gone(&console),
        "the refusal made the panel read the draft box again"
    );
}

/// The Deployments panel's wizard, as the test reads it.
fn wizard(console: &Console) -> &Wizard {
    &console.harness.state().views().get::<DeploymentsView>().unwrap().wizard
}

/// The job open on the Deployments panel's job page, once its items arrived.
fn open_job(app: &ConsoleApp) -> Option<&Job> {
    let view = app.views().get::<DeploymentsView>()?;
    let Page::Job(id) = view.page else { return None };
    app.state().jobs.shown.value().filter(|job| job.id == id)
}

/// Replaces the text of the input labelled `label`, as assistive technology does.
fn set_text(console: &mut Console, role: Role, label: &str, value: &str) {
    console
        .harness
        .get_by_role_and_label(role, label)
        .set_text_value_accesskit(value);
    console.settle();
}

/// Opens the wizard section titled `key` (its tab reads "N. title", with a problem count when it has problems).
fn open_section(console: &mut Console, lang: Lang, number: usize, key: &str) {
    let tab = format!("{number}. {}", text(lang, key));
    console.harness.get_by_label_contains(&tab).click();
    console.settle();
}

/// Clicks "Start…", checks what the confirmation says, and confirms.
fn start_deployment(console: &mut Console, lang: Lang, merchants: usize) {
    click_button(console, text(lang, "deploy.start_ellipsis"));
    let title = text(lang, "deploy.confirm_title").replace("{count}", &merchants.to_string());
    console.harness.get_by_label(&title);
    let body = words(
        &console
            .harness
            .get_by_label_contains(&format!("{merchants} 个小程序提交代码")),
    );
    assert!(
        body.contains("提审额度") && body.contains("本月剩余"),
        "the confirmation says how much quota it spends and what is left: {body}"
    );
    click_button(console, text(lang, "deploy.start"));
}

/// Issue 9 item 3 on the real sandbox: find which mini programs already run the newest template (a first deployment
/// to every ready one skips those at pre-flight; cancel it through its confirmation), then deploy through the wizard
/// to one of them and two others with waves [1, "100%"] and a manual gate: a domain the hub refuses comes back next
/// to its input with the form kept; the canary is skipped with its reason in words, the job waits for approval, the
/// approval starts the second wave, which pauses and resumes, reaches the audit, and is rejected by the sandbox's
/// platform: each merchant's numbered reasons show on its row and the job completes.
#[test]
fn deploy_through_the_wizard_approve_the_next_wave_and_read_skip_and_rejection_reasons() {
    let lang = Lang::ZhCn;
    let mut console = Console::start(lang);
    click_button(&mut console, text(lang, "nav.templates"));
    let lists = template_lists(&console);
    let newest = lists.templates.iter().max_by_key(|t| t.create_time).unwrap().clone();
    let row = {
        let view = console.harness.state().views().get::<TemplatesView>().unwrap();
        view.templates
            .rows()
            .iter()
            .position(|&i| lists.templates[i].template_id == newest.template_id)
            .unwrap()
    };
    click_nth_button(&mut console, text(lang, "templates.deploy"), row);
    assert_eq!(
        wizard(&console).section,
        Section::Merchants,
        "the template is chosen: on to the merchants"
    );

    // First deployment: every ready mini program, one wave that goes on by itself.
    let set_18 = text(lang, "deploy.choose_set_18").replace("（{count} 个）", "");
    console.harness.get_by_label_contains(&set_18).click();
    console.settle();
    let everyone = wizard(&console).form.appids.clone();
    assert!(
        everyone.len() >= 4,
        "the sandbox has mini programs with set 18: {everyone:?}"
    );
    open_section(&mut console, lang, 6, "deploy.section_waves");
    set_text(&mut console, Role::TextInput, text(lang, "deploy.waves"), "100%");
    console
        .harness
        .get_by_role_and_label(Role::RadioButton, text(lang, "deploy.gate_auto"))
        .click();
    console.settle();
    open_section(&mut console, lang, 7, "deploy.section_summary");
    let quota = console.harness.state().state().jobs.quota.value().copied();
    assert!(
        quota.is_some_and(|q| q.limit > 0),
        "the pre-flight read the audit quota: {quota:?}"
    );
    let ready_count = everyone.len();
    start_deployment(&mut console, lang, ready_count);
    console.wait_until("every merchant past pre-flight", |app| {
        open_job(app).is_some_and(|job| {
            job.items.len() == ready_count
                && job
                    .items
                    .iter()
                    .all(|item| item.step != "preflight" || item.state.is_final())
        })
    });
    let first = open_job(console.harness.state()).unwrap().clone();
    let online: Vec<String> = first
        .items
        .iter()
        .filter(|item| item.reason.as_deref() == Some(item_reason::ALREADY_ONLINE))
        .map(|item| item.appid.clone())
        .collect();
    assert!(
        !online.is_empty(),
        "some sandbox mini programs run the newest template: {:#?}",
        first.items
    );
    click_button(&mut console, text(lang, "jobs.cancel"));
    let body = words(&console.harness.get_by_label_contains("不会撤回"));
    assert!(
        body.contains("额度") && body.contains("不能继续"),
        "it says what cancelling does: {body}"
    );
    click_button(&mut console, text(lang, "deployments.cancel_confirm"));
    console.wait_until("the first deployment cancelled", |app| {
        open_job(app).is_some_and(|job| job.state == JobState::Cancelled)
    });
    let cancelled = open_job(console.harness.state()).unwrap().clone();

    // The deployment under test: the canary runs the template already, two others do not.
    click_button(&mut console, text(lang, "deploy.back_to_list"));
    click_button(&mut console, text(lang, "deployments.new"));
    assert_eq!(
        wizard(&console).form.template,
        None,
        "a started deployment leaves an empty form"
    );
    let radio = format!("#{} · {} {}", newest.template_id, newest.user_version, newest.user_desc);
    console.harness.get_by_role_and_label(Role::RadioButton, &radio).click();
    console.settle();
    // Two whose first deployment was cancelled before its audit: none of theirs is running.
    let others: Vec<String> = cancelled
        .items
        .iter()
        .filter(|item| item.state == ItemState::Cancelled && item.auditid.is_none())
        .take(2)
        .map(|item| item.appid.clone())
        .collect();
    assert_eq!(others.len(), 2, "{:#?}", cancelled.items);
    let chosen: Vec<String> = [online[0].clone()].into_iter().chain(others).collect();
    open_section(&mut console, lang, 2, "deploy.section_merchants");
    let names = console.harness.state().state().merchants.list.value().unwrap().clone();
    let name_of = |appid: &str| names.iter().find(|r| r.appid == appid).unwrap().nick_name.clone();
    for appid in &chosen {
        console
            .harness
            .get_by_role(Role::TextInput)
            .set_text_value_accesskit(appid);
        console.settle();
        console
            .harness
            .get_by_role_and_label(Role::CheckBox, &name_of(appid))
            .click();
        console.settle();
    }
    assert_eq!(
        wizard(&console).form.appids,
        chosen,
        "in the order chosen: the canary first"
    );

    // An unknown placeholder is caught at the editor, and the preview fills the known ones for a chosen merchant.
    open_section(&mut console, lang, 3, "deploy.section_ext_json");
    let bad = r#"{"extAppid": "{{appid}}", "ext": {"shop": "{{shop_id}}"}}"#;
    set_text(&mut console, Role::MultilineTextInput, "ext_json", bad);
    let unknown = text(lang, "deploy.ext_unknown_placeholder").replace("{name}", "shop_id");
    console.harness.get_by_label_contains(&unknown);
    // The section's tab counts its problem.
    let tab = format!("3. {} (1)", text(lang, "deploy.section_ext_json"));
    console.harness.get_by_role_and_label(Role::Button, &tab);
    let good = r#"{"extAppid": "{{appid}}", "ext": {"name": "{{nick_name}}"}}"#;
    set_text(&mut console, Role::MultilineTextInput, "ext_json", good);
    assert!(
        console.harness.query_by_label_contains(&unknown).is_none(),
        "fixed, the problem is gone"
    );
    let filled = format!("\"name\": \"{}\"", name_of(&chosen[0]));
    let previewed = console
        .harness
        .get_all_by_role(Role::MultilineTextInput)
        .any(|node| node.value().is_some_and(|value| value.contains(&filled)));
    assert!(
        previewed,
        "the preview fills {{{{nick_name}}}} for the first merchant chosen"
    );

    // A domain the console lets through but the hub refuses (a path): the 400 lands next to the input.
    open_section(&mut console, lang, 4, "deploy.section_domains");
    let request = text(lang, "deploy.domain_request");
    set_text(
        &mut console,
        Role::MultilineTextInput,
        request,
        "https://api.example.com/v1",
    );
    open_section(&mut console, lang, 7, "deploy.section_summary");
    console
        .harness
        .get_by_label(&text(lang, "deploy.summary_ready").replace("{count}", "3"));
    start_deployment(&mut console, lang, 3);
    assert_eq!(
        wizard(&console).section,
        Section::Domains,
        "the refusal opens the section of the bad field"
    );
    let line = words(&console.harness.get_by_label_contains("第 1 行："));
    assert!(
        line.contains("https://api.example.com"),
        "the hub's reason beside the list: {line}"
    );
    let banner = text(lang, "deploy.refused")
        .replace("{count}", "1")
        .replace("{sections}", text(lang, "deploy.section_domains"));
    console.harness.get_by_label(&banner);
    assert_eq!(wizard(&console).form.appids, chosen, "nothing lost from the form");
    set_text(&mut console, Role::MultilineTextInput, request, "");
    open_section(&mut console, lang, 7, "deploy.section_summary");
    start_deployment(&mut console, lang, 3);

    // Wave 1 is the canary alone: skipped at pre-flight, so the gate closes at once.
    console.wait_until("the gate after the first wave", |app| {
        open_job(app).is_some_and(|job| job.state == JobState::WaitingApproval)
    });
    let job = open_job(console.harness.state()).unwrap().clone();
    assert_eq!(job.items.len(), 3);
    let canary = job.items.iter().find(|item| item.appid == chosen[0]).unwrap();
    assert_eq!((canary.wave, canary.state), (0, ItemState::Skipped));
    let reason = text(lang, "jobs.reason_already_online");
    console.harness.get_by_label(reason);
    assert!(
        job.items
            .iter()
            .filter(|item| item.wave == 1)
            .all(|item| item.state == ItemState::Pending),
        "the second wave waits for approval: {:#?}",
        job.items
    );
    let gate = text(lang, "deployments.gate")
        .replace("{wave}", "2")
        .replace("{count}", "2");
    console.harness.get_by_label(&gate);
    let approve = text(lang, "jobs.approve");
    assert!(
        !console
            .harness
            .get_by_role_and_label(Role::Button, approve)
            .accesskit_node()
            .is_disabled()
    );
    click_button(&mut console, approve);
    console.wait_until("the second wave past pre-flight", |app| {
        open_job(app).is_some_and(|job| {
            job.items
                .iter()
                .filter(|item| item.wave == 1)
                .all(|item| item.step != "preflight" || item.state.is_final())
        })
    });
    let job = open_job(console.harness.state()).unwrap().clone();
    assert_eq!(job.state, JobState::Running, "{job:#?}");
    assert!(
        console
            .harness
            .get_by_role_and_label(Role::Button, approve)
            .accesskit_node()
            .is_disabled(),
        "no gate to approve while the wave runs"
    );
    for item in job.items.iter().filter(|item| item.wave == 1) {
        console.harness.get_by_label(&name_of(&item.appid));
    }

    // Pause holds it; resume goes on.
    click_button(&mut console, text(lang, "jobs.pause"));
    console.wait_until("the pause", |app| {
        open_job(app).is_some_and(|job| job.state == JobState::Paused)
    });
    let resume = text(lang, "jobs.resume");
    assert!(
        !console
            .harness
            .get_by_role_and_label(Role::Button, resume)
            .accesskit_node()
            .is_disabled(),
        "a paused deployment can be resumed"
    );
    click_button(&mut console, resume);

    // The second wave reaches the audit, or stops before it where the merchant's privacy guide lacks a text the
    // code needs (which mini programs of the sandbox those are depends on which the first deployment reached).
    let second_wave = |job: &Job| {
        job.items
            .iter()
            .filter(|item| item.wave == 1)
            .cloned()
            .collect::<Vec<_>>()
    };
    console.wait_until("the second wave at its audits", |app| {
        open_job(app).is_some_and(|job| {
            second_wave(job)
                .iter()
                .all(|item| item.state == ItemState::WaitingAudit || item.state.is_final())
        })
    });
    let job = open_job(console.harness.state()).unwrap().clone();
    let auditing = second_wave(&job)
        .iter()
        .filter(|item| item.state == ItemState::WaitingAudit)
        .count();
    assert!(auditing >= 1, "{:#?}", job.items);
    // The sandbox's platform rejects them at once, and the reasons show in words.
    let waiting = text(lang, "deployments.sandbox_audits").replace("{count}", &auditing.to_string());
    console.harness.get_by_label(&waiting);
    click_button(&mut console, text(lang, "deployments.sandbox_reject"));
    console.wait_until("the rejections pushed to the hub", |app| {
        open_job(app).is_some_and(|job| job.state == JobState::Completed)
    });
    let job = open_job(console.harness.state()).unwrap().clone();
    let mut rejected = 0;
    for item in second_wave(&job) {
        match item.state {
            ItemState::Rejected => {
                rejected += 1;
                let reasons = item.message.as_deref().unwrap_or_default();
                assert!(reasons.contains("<br>"), "numbered reasons: {reasons:?}");
            }
            _ => assert_eq!(
                (item.state, item.reason.as_deref()),
                (ItemState::Failed, Some(item_reason::PRIVACY_TEXT_MISSING)),
                "{item:#?}"
            ),
        }
    }
    assert_eq!(rejected, auditing, "every audit ended rejected: {:#?}", job.items);
    // Each rejected row shows the first numbered reason (its tooltip holds all of them).
    let first_reason = "小程序页面内容涉及未经许可的服务";
    let shown = console.harness.get_all_by_label_contains(first_reason).count();
    assert_eq!(shown, rejected, "each rejected merchant's reason is on its row");
    assert!(
        console.harness.query_by_label(&waiting).is_none(),
        "no audit left to end"
    );
    let listed = console.harness.state().state().jobs.list.value().unwrap();
    let row = listed.iter().find(|listed| listed.id == job.id);
    assert_eq!(
        row.map(|r| r.state),
        Some(JobState::Completed),
        "the list follows: {listed:#?}"
    );
}

fn audits_view(console: &Console) -> &AuditsView {
    console.harness.state().views().get::<AuditsView>().unwrap()
}

/// The appids of the rows the Audits table shows, in its order.
fn shown_audits(console: &Console) -> Vec<(String, AuditStatus)> {
    let app = console.harness.state();
    let audits = app.state().audits.audits();
    let view = app.views().get::<AuditsView>().unwrap();
    view.order
        .rows()
        .iter()
        .map(|&i| (audits[i].appid.clone(), audits[i].status))
        .collect()
}

/// The seeded rejected mini program, once the hub has its row with every screenshot fetched.
fn rejected_with_screenshots(app: &ConsoleApp) -> Option<Audit> {
    app.state()
        .audits
        .audits()
        .iter()
        .find(|audit| {
            audit.status == AuditStatus::Rejected
                && !audit.screenshots.is_empty()
                && audit.screenshot_files.iter().all(|file| file.available)
        })
        .cloned()
}

/// Issue 10 point 2 on the real sandbox: open Audits, select the seeded rejected mini program, read its reasons as a
/// numbered list and see its screenshots decoded into textures (one opens large); filter by status, then search.
#[test]
fn audits_show_a_rejection_with_its_numbered_reasons_and_screenshots_then_filter_and_search() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    console.go(Panel::AUDITS);
    // The hub learns the seeded audits from its sync and fetches the screenshots in the background; each change
    // reaches the console as an `audit_updated` event.
    console.wait_until("the rejected audit with its screenshots", |app| {
        rejected_with_screenshots(app).is_some()
    });
    let rejected = rejected_with_screenshots(console.harness.state()).unwrap();
    let statuses: Vec<AuditStatus> = console
        .harness
        .state()
        .state()
        .audits
        .audits()
        .iter()
        .map(|a| a.status)
        .collect();
    for status in [
        AuditStatus::Auditing,
        AuditStatus::Rejected,
        AuditStatus::Approved,
        AuditStatus::Released,
    ] {
        assert!(
            statuses.contains(&status),
            "the sandbox seeds a {status:?} audit: {statuses:?}"
        );
    }
    assert_eq!(shown_audits(&console).len(), statuses.len(), "every audit is listed");

    let name = rejected.nick_name.clone().expect("the seeded mini program has a name");
    console.harness.get_by_label(&name).click();
    console.settle();
    assert!(
        rejected.reasons.len() >= 2,
        "the sandbox rejects with numbered reasons: {:?}",
        rejected.reasons
    );
    for (number, reason) in numbered(&rejected.reasons) {
        assert!(
            !reason.starts_with(&number.to_string()),
            "the platform's own number is dropped: {reason}"
        );
        console.harness.get_by_label(&format!("{number}."));
        console.harness.get_by_label(reason);
    }

    // Every thumbnail is a decoded image made into a texture of the image's own size.
    let media_ids = rejected.screenshots.clone();
    console.wait_until("the screenshots", |app| {
        media_ids.iter().all(|id| {
            matches!(
                app.state().audits.screenshots.get(id),
                Some(wxdesk::ui::remote::Remote::Ready(_))
            )
        })
    });
    for (index, media_id) in media_ids.iter().enumerate() {
        let shot = console.harness.state().state().audits.screenshots[media_id]
            .value()
            .cloned();
        let Some(Screenshot::Image(pixels)) = shot else {
            panic!("screenshot {media_id} is an image: {shot:?}");
        };
        let texture = audits_view(&console)
            .textures
            .get(media_id)
            .expect("a texture per screenshot");
        assert_eq!(texture.size(), [pixels.width, pixels.height]);
        assert!(pixels.width > 0 && pixels.height > 0);
        let label = text(lang, "audits.screenshot_n").replace("{number}", &(index + 1).to_string());
        assert_eq!(
            console.harness.get_by_label(&label).accesskit_node().role(),
            Role::Image
        );
    }
    assert_eq!(
        audits_view(&console).textures.len(),
        media_ids.len(),
        "one texture per media id"
    );
    let first = text(lang, "audits.screenshot_n").replace("{number}", "1");
    console.harness.get_by_label(&first).click();
    console.settle();
    assert_eq!(audits_view(&console).enlarged.as_ref(), Some(&media_ids[0]));
    console.harness.get_by_label(text(lang, "audits.screenshot_title"));
    click_button(&mut console, text(lang, "audits.screenshot_close"));
    assert_eq!(audits_view(&console).enlarged, None);

    // Filter by status: only approved rows; the rejected one (and its pane) goes.
    let approved = statuses.iter().filter(|s| **s == AuditStatus::Approved).count();
    let chip = format!("{} {approved}", text(lang, "status.approved"));
    console.harness.get_by_label(&chip).click();
    console.settle();
    let shown = shown_audits(&console);
    assert_eq!(shown.len(), approved);
    assert!(
        shown.iter().all(|(_, status)| *status == AuditStatus::Approved),
        "{shown:?}"
    );
    assert!(
        console.harness.query_by_label(&name).is_none(),
        "the rejected row is filtered out"
    );

    // Search every status by appid: exactly the rejected one.
    let all = format!("{} {}", text(lang, "audits.all"), statuses.len());
    console.harness.get_by_label(&all).click();
    console.settle();
    console.harness.get_by_role(Role::TextInput).focus();
    console.harness.step();
    console.harness.get_by_role(Role::TextInput).type_text(&rejected.appid);
    console.settle();
    assert_eq!(
        shown_audits(&console),
        vec![(rejected.appid.clone(), AuditStatus::Rejected)]
    );
    console.harness.get_by_label(&name);

    // Nothing the sandbox seeds has waited two days: the age filter leaves no row and says so.
    console.harness.get_by_label(text(lang, "audits.long_waiting")).click();
    console.settle();
    assert!(shown_audits(&console).is_empty());
    console.harness.get_by_label(text(lang, "audits.no_match"));
}

/// The row of `appid` as the console has it.
fn audit_row(console: &Console, appid: &str) -> Option<Audit> {
    console.harness.state().state().audits.audit(appid).cloned()
}

/// Clicks the status chip (its word, `key`, and its count) that shows only the audits in `status`.
fn show_only(console: &mut Console, lang: Lang, status: AuditStatus, key: &str) {
    let count = console
        .harness
        .state()
        .state()
        .audits
        .audits()
        .iter()
        .filter(|a| a.status == status)
        .count();
    console
        .harness
        .get_by_label(&format!("{} {count}", text(lang, key)))
        .click();
    console.settle();
}

/// Clicks the confirm button of the dialog open over the panel: the last button with that label (the pane's own
/// button of the same name is under the dialog).
fn confirm(console: &mut Console, label: &str) {
    let buttons = console.harness.get_all_by_role_and_label(Role::Button, label);
    buttons.last().expect("the dialog's confirm button").click();
    console.settle();
}

/// Issue 10 point 3 on the real sandbox: the audit quota is in view; a rejected mini program is submitted again
/// with a note to the reviewer after a confirmation that names what it spends, and its row goes back to auditing;
/// an approved one is released after its confirmation and its row shows released.
#[test]
fn audits_resubmit_a_rejection_with_a_note_and_release_an_approved_version() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    console.go(Panel::AUDITS);
    console.wait_until("the rejected audit and the quota", |app| {
        rejected_with_screenshots(app).is_some() && app.state().audits.quota.value().is_some()
    });
    let quota = *console.harness.state().state().audits.quota.value().unwrap();
    let quota_text = text(lang, "audits.quota")
        .replace("{rest}", &quota.rest.to_string())
        .replace("{limit}", &quota.limit.to_string());
    console.harness.get_by_label(&quota_text);

    // Filter rejected, open the one with screenshots, write a note, submit again.
    let rejected = rejected_with_screenshots(console.harness.state()).unwrap();
    show_only(&mut console, lang, AuditStatus::Rejected, "status.rejected");
    let name = rejected.nick_name.clone().unwrap();
    console.harness.get_by_label(&name).click();
    console.settle();
    let note = "Fixed the category; see the menu page";
    let feedback = console.harness.get_by_role(Role::MultilineTextInput);
    feedback.focus();
    console.harness.step();
    console.harness.get_by_role(Role::MultilineTextInput).type_text(note);
    // A screenshot of the fix, dropped on the window as a file from the desktop.
    let dropped = tempfile::tempdir().unwrap();
    let path = dropped.path().join("fixed-menu.png");
    image::RgbImage::new(8, 8).save(&path).unwrap();
    console.drop_file(&path);
    console.harness.get_by_label("fixed-menu.png");
    // The form is at the foot of the pane, below the screenshots: scrolled to, as an operator would.
    console
        .harness
        .get_by_role_and_label(Role::Button, text(lang, "audits.resubmit"))
        .scroll_to_me();
    console.settle();
    click_button(&mut console, text(lang, "audits.resubmit"));
    let title = text(lang, "audits.resubmit_title").replace("{name}", &name);
    console.harness.get_by_label(&title);
    let body = text(lang, "audits.resubmit_body_note")
        .replace("{note}", note)
        .replace("{images}", "1");
    console.harness.get_by_label(&body);
    confirm(&mut console, text(lang, "audits.resubmit"));
    console.wait_until("the resubmitted audit", |app| {
        app.state()
            .audits
            .audit(&rejected.appid)
            .is_some_and(|a| a.status == AuditStatus::Auditing && a.auditid > rejected.auditid)
    });
    let done = text(lang, "audits.action_done").replace("{action}", text(lang, "audits.resubmit"));
    console.harness.get_by_label(&done);
    let resubmitted = audit_row(&console, &rejected.appid).unwrap();
    assert!(
        resubmitted.reasons.is_empty(),
        "a new audit has no reasons yet: {resubmitted:?}"
    );

    // Every status again, then the approved ones: release the first after its confirmation.
    let statuses = console.harness.state().state().audits.audits().len();
    console
        .harness
        .get_by_label(&format!("{} {statuses}", text(lang, "audits.all")))
        .click();
    console.settle();
    let approved = console
        .harness
        .state()
        .state()
        .audits
        .audits()
        .iter()
        .find(|a| a.status == AuditStatus::Approved)
        .cloned()
        .expect("the sandbox seeds an approved audit");
    show_only(&mut console, lang, AuditStatus::Approved, "status.approved");
    console
        .harness
        .get_by_label(approved.nick_name.as_deref().unwrap())
        .click();
    console.settle();
    click_button(&mut console, text(lang, "audits.release"));
    confirm(&mut console, text(lang, "audits.release"));
    console.wait_until("the released row", |app| {
        app.state()
            .audits
            .audit(&approved.appid)
            .is_some_and(|a| a.status == AuditStatus::Released)
    });
}

/// Issue 12 point 4 on the real sandbox: the readiness checklist reads the platform-level server domains, and the
/// operator replaces them from the panel after a confirmation that says what it spends; the checklist reads them
/// again.
#[test]
fn platform_domains_are_edited_from_the_readiness_checklist() {
    let lang = Lang::En;
    let mut console = Console::start(lang);
    console.go(Panel::PROVIDER);
    console.wait_until("the readiness check", |app| {
        app.state().status.readiness.value().is_some()
    });
    let server = |app: &wxdesk::ui::app::ConsoleApp| {
        let readiness = app.state().status.readiness.value()?;
        let item = readiness.items.iter().find(|i| i.key == "server_domains")?;
        item.value.clone()
    };
    assert_eq!(
        server(console.harness.state()).as_deref(),
        Some("api.shanghu-demo.com;img.shanghu-demo.com")
    );
    // The first Edit… is the server domains' (the business domains' follows).
    let edit = text(lang, "readiness.domains_edit");
    console
        .harness
        .get_all_by_role_and_label(Role::Button, edit)
        .next()
        .unwrap()
        .scroll_to_me();
    console.settle();
    console
        .harness
        .get_all_by_role_and_label(Role::Button, edit)
        .next()
        .unwrap()
        .click();
    console.settle();
    let field = text(lang, "readiness.domains_hint");
    console.harness.get_by_role_and_label(Role::TextInput, field).focus();
    console.harness.step();
    console
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    console.harness.key_press(egui::Key::Backspace);
    console
        .harness
        .get_by_role_and_label(Role::TextInput, field)
        .type_text("api.shanghu-demo.com; cdn.shanghu-demo.com");
    console.settle();
    // The published configuration too, so the list the checklist reads (published and testing) is the new one.
    console
        .harness
        .get_by_role_and_label(Role::CheckBox, text(lang, "readiness.domains_published_too"))
        .click();
    console.settle();
    click_button(&mut console, text(lang, "common.save"));
    // Nothing is sent before the confirmation.
    assert!(console.harness.state().state().status.domains_set.value().is_none());
    confirm(&mut console, text(lang, "readiness.domains_confirm_action"));
    console.wait_until("the domains read again", |app| {
        server(app).as_deref() == Some("api.shanghu-demo.com;cdn.shanghu-demo.com")
    });
}
