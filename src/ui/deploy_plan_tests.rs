//! Unit tests of the deployment wizard's form: the plan it makes, the problems it finds under the hub's field paths,
//! and the sections those paths land in.

use serde_json::json;

use super::*;
use crate::ui::i18n::{Lang, set_current};

fn form(appids: &[&str]) -> DeployForm {
    DeployForm {
        template: Some(TemplateId(3)),
        user_version: "1.3.0".into(),
        user_desc: "门店自提".into(),
        appids: appids.iter().map(|a| (*a).to_owned()).collect(),
        ..DeployForm::default()
    }
}

fn ready(appids: &[&str]) -> Vec<String> {
    appids.iter().map(|a| (*a).to_owned()).collect()
}

#[test]
fn every_field_path_of_the_hub_lands_in_its_section() {
    for (path, section) in [
        ("template_id", Section::Template),
        ("user_version", Section::Template),
        ("appids", Section::Merchants),
        ("appids[3]", Section::Merchants),
        ("ext_json", Section::ExtJson),
        ("ext_json.ext.shop", Section::ExtJson),
        ("domains.requestdomain[0]", Section::Domains),
        ("privacy.owner_setting.notice_method", Section::Privacy),
        ("privacy.setting_list[1].privacy_text", Section::Privacy),
        ("waves[1]", Section::Waves),
        ("min_sample", Section::Waves),
        ("release.steps[2]", Section::Waves),
        ("something_new", Section::Summary),
    ] {
        assert_eq!(Section::of(path), section, "{path}");
    }
    assert_eq!(Section::Template.previous(), None);
    assert_eq!(Section::Waves.next(), Some(Section::Summary));
    assert_eq!(Section::Summary.next(), None);
}

#[test]
fn ext_json_problems_name_where_they_are() {
    set_current(Lang::En);
    let mut problems = Problems::new();
    assert_eq!(parse_ext_json("{\n  \"a\": 1,\n}", false, &mut problems), None);
    assert!(problems["ext_json"].contains("line 3"), "{problems:?}");

    let mut problems = Problems::new();
    assert_eq!(parse_ext_json("[1, 2]", false, &mut problems), None);
    assert!(problems["ext_json"].contains("object"), "{problems:?}");

    let mut problems = Problems::new();
    let text = r#"{"extAppid": "{{appid}}", "ext": {"shop": "{{shop_id}}"}, "pages": ["a"]}"#;
    assert!(parse_ext_json(text, true, &mut problems).is_some());
    assert_eq!(
        problems.keys().collect::<Vec<_>>(),
        ["ext_json.ext.shop", "ext_json.pages"],
        "an unknown placeholder and a key a standard template refuses"
    );
    assert!(problems["ext_json.ext.shop"].contains("shop_id"));

    let mut problems = Problems::new();
    parse_ext_json(text, false, &mut problems);
    assert_eq!(
        problems.keys().collect::<Vec<_>>(),
        ["ext_json.ext.shop"],
        "an ordinary template takes any key"
    );
}

#[test]
fn a_full_form_makes_the_plan_of_design_md() {
    let mut form = form(&["wxa", "wxb", "wxc"]);
    form.domains[0] = "https://api.example.com\n\n".into();
    form.domains[4] = "https://h5.example.com".into();
    form.privacy = true;
    form.owner.email = " privacy@example.com ".into();
    form.owner.notice_method = "弹窗".into();
    form.privacy_texts = vec![PrivacyText {
        privacy_key: "Location".into(),
        privacy_text: "门店定位".into(),
    }];
    form.waves = "1，50%, 100%".into();
    form.release = ReleaseMode::Gray;
    form.gray_interval_mins = 30;
    let (plan, problems) = plan(&form, false, &ready(&["wxa", "wxc"]));
    assert!(problems.is_empty(), "{problems:?}");
    let plan = plan.unwrap();
    assert_eq!(plan.template_id, 3);
    assert_eq!(
        plan.appids,
        ready(&["wxa", "wxc"]),
        "only the ready merchants are named"
    );
    assert_eq!(
        plan.waves,
        vec![
            WaveSize::Count(1),
            WaveSize::Percent("50%".into()),
            WaveSize::Percent("100%".into())
        ]
    );
    assert_eq!(plan.gate, Gate::Manual);
    let domains = plan.domains.unwrap();
    assert_eq!(domains.requestdomain, vec!["https://api.example.com".to_owned()]);
    assert_eq!(domains.webviewdomain, vec!["https://h5.example.com".to_owned()]);
    let privacy = plan.privacy.unwrap();
    assert_eq!(
        privacy.owner_setting.contact_email.as_deref(),
        Some("privacy@example.com")
    );
    assert_eq!(privacy.owner_setting.contact_phone, None);
    assert_eq!(
        plan.release,
        ReleasePolicy::Gray {
            steps: vec![10, 50, 100],
            interval_secs: 1800
        }
    );
    // Serialized, it is the fixed shape the hub reads.
    let sent = serde_json::to_value(Plan {
        domains: None,
        privacy: None,
        ..plan_of(&form)
    })
    .unwrap();
    assert_eq!(sent["waves"], json!([1, "50%", "100%"]));
    assert_eq!(
        sent["release"],
        json!({ "mode": "gray", "steps": [10, 50, 100], "interval_secs": 1800 })
    );
}

fn plan_of(form: &DeployForm) -> Plan {
    plan(form, false, &ready(&["wxa", "wxc"])).0.unwrap()
}

#[test]
fn an_empty_form_names_what_is_missing_under_the_hubs_paths() {
    set_current(Lang::ZhCn);
    let mut form = DeployForm {
        waves: "0, half".into(),
        privacy: true,
        privacy_texts: vec![PrivacyText {
            privacy_key: "Album".into(),
            privacy_text: " ".into(),
        }],
        release: ReleaseMode::Gray,
        gray_steps: "50, 20, 120".into(),
        ..DeployForm::default()
    };
    form.domains[1] = "https://ws.example.com".into();
    let (plan, problems) = plan(&form, false, &[]);
    assert_eq!(plan, None);
    let paths: Vec<&str> = problems.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "appids",
            "domains.wsrequestdomain[0]",
            "privacy.owner_setting",
            "privacy.owner_setting.notice_method",
            "privacy.setting_list[0].privacy_text",
            "release.steps[1]",
            "release.steps[2]",
            "template_id",
            "user_version",
            "waves[0]",
            "waves[1]",
        ]
    );
    assert!(problems["domains.wsrequestdomain[0]"].contains("wss://"));
}

#[test]
fn waves_that_leave_merchants_out_are_named_against_the_ready_count() {
    set_current(Lang::En);
    let mut form = form(&["wxa", "wxb", "wxc"]);
    form.waves = "1, 2".into();
    let (plan, problems) = plan(&form, false, &ready(&["wxa", "wxb", "wxc"]));
    assert!(
        plan.is_some(),
        "the plan is still made: the hub would name the same field"
    );
    assert_eq!(problems.keys().collect::<Vec<_>>(), ["waves[1]"]);
    assert!(problems["waves[1]"].contains('3'), "{problems:?}");
    form.waves = String::new();
    let (plan, problems) = super::plan(&form, false, &ready(&["wxa", "wxb", "wxc"]));
    assert!(problems.is_empty(), "no waves: one wave of every merchant");
    assert_eq!(plan.unwrap().waves, Vec::new());
}

#[test]
fn choosing_keeps_the_order_and_toggles() {
    let mut form = DeployForm::default();
    form.toggle("wxb");
    form.choose_all(["wxa", "wxb", "wxc"]);
    assert_eq!(form.appids, ready(&["wxb", "wxa", "wxc"]));
    form.toggle("wxa");
    assert_eq!(form.appids, ready(&["wxb", "wxc"]));
    assert!(form.is_chosen("wxc") && !form.is_chosen("wxa"));
}

#[test]
fn a_template_brings_its_version_unless_the_operator_typed_one() {
    let template = |id: u64, version: &str, desc: &str| Template {
        create_time: 0,
        user_version: version.into(),
        user_desc: desc.into(),
        template_id: TemplateId(id),
        draft_id: None,
        source_miniprogram_appid: String::new(),
        source_miniprogram: String::new(),
        developer: String::new(),
        template_type: 0,
        category_list: Vec::new(),
        audit_scene: None,
        audit_status: None,
        reason: None,
    };
    let library = [template(1, "1.0.0", "首个版本"), template(2, "1.1.0", "外卖配送")];
    let mut form = DeployForm::default();
    form.choose_template(TemplateId(1), &library);
    assert_eq!(
        (form.user_version.as_str(), form.user_desc.as_str()),
        ("1.0.0", "首个版本")
    );
    form.choose_template(TemplateId(2), &library);
    assert_eq!(
        form.user_version, "1.1.0",
        "still the template's own: it follows the new one"
    );
    form.user_version = "2.0.0-spring".into();
    form.choose_template(TemplateId(1), &library);
    assert_eq!(form.template, Some(TemplateId(1)));
    assert_eq!(form.user_version, "2.0.0-spring", "typed by the operator: kept");
    assert_eq!(form.user_desc, "首个版本");
    form.choose_template(TemplateId(9), &library);
    assert_eq!(
        form.template,
        Some(TemplateId(9)),
        "not read yet: chosen, the rest kept"
    );
}
