//! §5: the draft box and the template library (at most 200 templates), with the component token.

use serde_json::{Value, json};

use super::super::reply::{ApiError, Outcome, num_field, ok, opt_num};
use super::super::routes::{BodyRule, Call, Endpoint, TokenRule, Verb, component};
use super::super::state::Sim;

/// §5: the library holds at most 200 templates (`85065`).
pub const TEMPLATE_LIMIT: usize = 200;

#[derive(Debug, Clone)]
pub struct Draft {
    pub draft_id: i64,
    pub create_time: i64,
    pub user_version: String,
    pub user_desc: String,
    pub source_miniprogram_appid: String,
    pub source_miniprogram: String,
    pub developer: String,
    /// The privacy keys (§6.16) the uploaded code uses; the scan after `commit` finds exactly these.
    pub privacy_keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub template_id: i64,
    pub draft: Draft,
    pub create_time: i64,
    /// 0 ordinary, 1 standard (§5.2).
    pub template_type: i64,
}

impl Template {
    /// The pages the template's code has; `commit`'s ext_json may only pick from these (§6.1).
    pub fn pages(&self) -> Vec<&'static str> {
        vec![
            "pages/index/index",
            "pages/menu/menu",
            "pages/order/order",
            "pages/mine/mine",
        ]
    }
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    pub drafts: Vec<Draft>,
    pub templates: Vec<Template>,
    next_draft_id: i64,
    next_template_id: i64,
}

impl Library {
    /// A draft box with a handful of uploads from the development mini program, as DevTools leaves it.
    pub fn seeded(now: i64) -> Self {
        let mut library = Self {
            next_draft_id: 1,
            next_template_id: 1,
            ..Self::default()
        };
        // Each upload uses more of the user's information than the one before, so a deployment meets every case of
        // the privacy guide: none at all, one key, several.
        let uploads: [(&str, &str, &[&str]); 5] = [
            ("1.0.0", "首个版本：点餐与会员", &[]),
            ("1.1.0", "新增外卖配送", &["UserInfo"]),
            ("1.2.0", "优惠券与积分商城", &["UserInfo", "Location"]),
            ("1.2.1", "修复支付回调问题", &["UserInfo", "Location"]),
            ("1.3.0", "门店自提与预约", &["UserInfo", "Location", "Album"]),
        ];
        let count = uploads.len() as i64;
        for (i, (version, desc, keys)) in uploads.iter().enumerate() {
            let keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
            library.add_draft(now - (count - i as i64) * 86_400, version, desc, keys);
        }
        library
    }

    pub fn add_draft(&mut self, now: i64, user_version: &str, user_desc: &str, privacy_keys: Vec<String>) -> i64 {
        let draft_id = self.next_draft_id;
        self.next_draft_id += 1;
        self.drafts.push(Draft {
            draft_id,
            create_time: now,
            user_version: user_version.to_owned(),
            user_desc: user_desc.to_owned(),
            source_miniprogram_appid: "wx5f1c3a9e2b7d4c60".into(),
            source_miniprogram: "商户通开发版".into(),
            developer: "陈工".into(),
            privacy_keys,
        });
        draft_id
    }

    pub fn add_template(&mut self, now: i64, draft_id: i64, template_type: i64) -> Result<i64, ApiError> {
        let draft = self
            .drafts
            .iter()
            .find(|d| d.draft_id == draft_id)
            .cloned()
            .ok_or_else(|| ApiError::new(85064, "not found template"))?;
        if self.templates.len() >= TEMPLATE_LIMIT {
            return Err(ApiError::new(85065, "template list is full"));
        }
        let template_id = self.next_template_id;
        self.next_template_id += 1;
        self.templates.push(Template {
            template_id,
            draft,
            create_time: now,
            template_type,
        });
        Ok(template_id)
    }

    pub fn template(&self, template_id: i64) -> Option<&Template> {
        self.templates.iter().find(|t| t.template_id == template_id)
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/wxa/gettemplatedraftlist",
        verb: Verb::Get,
        token: TokenRule::Component,
        sets: &[],
        body: BodyRule::Ignored,
        handler: gettemplatedraftlist,
    },
    component("/wxa/addtotemplate", addtotemplate),
    Endpoint {
        path: "/wxa/gettemplatelist",
        verb: Verb::Get,
        token: TokenRule::Component,
        sets: &[],
        body: BodyRule::Ignored,
        handler: gettemplatelist,
    },
    component("/wxa/deletetemplate", deletetemplate),
];

fn draft_json(draft: &Draft) -> Value {
    json!({
        "create_time": draft.create_time,
        "user_version": draft.user_version,
        "user_desc": draft.user_desc,
        "draft_id": draft.draft_id,
        "source_miniprogram_appid": draft.source_miniprogram_appid,
        "source_miniprogram": draft.source_miniprogram,
        "developer": draft.developer,
        "category_list": [],
    })
}

fn gettemplatedraftlist(sim: &mut Sim, _call: &Call<'_>) -> Outcome {
    let list: Vec<Value> = sim.library.drafts.iter().map(draft_json).collect();
    ok(json!({"draft_list": list}))
}

fn addtotemplate(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let draft_id = num_field(call.body, "draft_id")?;
    let template_type = opt_num(call.body, "template_type").unwrap_or(0);
    if !(0..=1).contains(&template_type) {
        return Err(ApiError::new(40097, "invalid args hint: [template_type]"));
    }
    sim.library.add_template(call.now, draft_id, template_type)?;
    ok(json!({}))
}

/// §5.3: `template_type` filters; omitted gives both kinds. Standard templates carry their audit fields.
fn gettemplatelist(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let filter = call.query.get("template_type").and_then(|t| t.parse::<i64>().ok());
    let list: Vec<Value> = sim
        .library
        .templates
        .iter()
        .filter(|t| filter.is_none_or(|f| f == t.template_type))
        .map(|t| {
            let mut item = draft_json(&t.draft);
            if let Some(map) = item.as_object_mut() {
                map.insert("template_id".into(), json!(t.template_id));
                map.insert("create_time".into(), json!(t.create_time));
                map.insert("template_type".into(), json!(t.template_type));
                if t.template_type == 1 {
                    map.insert("audit_scene".into(), json!(0));
                    map.insert("audit_status".into(), json!(3));
                    map.insert("reason".into(), json!(""));
                }
            }
            item
        })
        .collect();
    ok(json!({"template_list": list}))
}

fn deletetemplate(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let template_id = num_field(call.body, "template_id")?;
    let before = sim.library.templates.len();
    sim.library.templates.retain(|t| t.template_id != template_id);
    if sim.library.templates.len() == before {
        return Err(ApiError::new(85064, "not found template"));
    }
    ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_stops_at_200_templates() {
        let mut library = Library::seeded(0);
        for _ in 0..TEMPLATE_LIMIT {
            assert!(library.add_template(0, 1, 0).is_ok());
        }
        assert_eq!(library.add_template(0, 1, 0).map_err(|e| e.code), Err(85065));
        assert_eq!(library.add_template(0, 999, 0).map_err(|e| e.code), Err(85064));
    }
}
