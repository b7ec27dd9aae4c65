//! §8.7.7 categories (`/cgi-bin/wxopen/*`) and §6.4 `get_category`: a small fixed category tree.

use serde_json::{Value, json};

use super::super::reply::{ApiError, Outcome, num_field, ok};
use super::super::routes::Call;
use super::super::state::Sim;

/// §8.7.7: `category_limit` and the monthly `limit` of changes (WxJava's example values).
const CATEGORY_LIMIT: usize = 20;
const MONTHLY_CHANGES: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub first: i64,
    pub second: i64,
    pub first_name: String,
    pub second_name: String,
    /// 1 auditing, 2 rejected, 3 approved.
    pub audit_status: u8,
}

/// (second id, second name, needs qualification)
type Second = (i64, &'static str, bool);

/// (first id, first name, its second-level categories)
const TREE: &[(i64, &str, &[Second])] = &[
    (
        220,
        "餐饮",
        &[(221, "餐饮服务场所/餐饮服务管理企业", false), (222, "点餐平台", true)],
    ),
    (
        304,
        "商家自营",
        &[
            (321, "食品", true),
            (322, "服装/鞋/箱包", false),
            (323, "美妆/洗护", false),
        ],
    ),
    (287, "工具", &[(612, "备忘录", false), (617, "信息查询", false)]),
    (8, "教育", &[(1089, "教育信息服务", false), (1090, "培训机构", true)]),
    (
        150,
        "生活服务",
        &[
            (151, "丽人服务", false),
            (152, "家政服务", false),
            (153, "宠物服务", false),
        ],
    ),
    (120, "旅游", &[(121, "酒店服务", true), (122, "景区服务", false)]),
];

fn names(first: i64, second: i64) -> Option<(&'static str, &'static str, bool)> {
    let (_, first_name, children) = TREE.iter().find(|(id, _, _)| *id == first)?;
    let (_, second_name, sensitive) = children.iter().find(|(id, _, _)| *id == second)?;
    Some((first_name, second_name, *sensitive))
}

pub fn default_category() -> Category {
    Category {
        first: 287,
        second: 617,
        first_name: "工具".into(),
        second_name: "信息查询".into(),
        audit_status: 3,
    }
}

/// §6.4: the approved categories, as `submit_audit` wants them.
pub fn audit_categories(categories: &[Category]) -> Value {
    categories
        .iter()
        .filter(|c| c.audit_status == 3)
        .map(|c| {
            json!({"first_class": c.first_name, "second_class": c.second_name, "first_id": c.first,
                "second_id": c.second})
        })
        .collect()
}

fn tree_json() -> Value {
    let mut list = Vec::new();
    for (first, first_name, children) in TREE {
        let ids: Vec<i64> = children.iter().map(|(id, _, _)| *id).collect();
        list.push(
            json!({"id": first, "name": first_name, "level": 1, "father": 0, "children": ids,
            "sensitive_type": 0, "qualify": {"exter_list": [], "remark": ""}}),
        );
        for (second, second_name, sensitive) in children.iter() {
            let qualify = if *sensitive {
                json!({"exter_list": [{"inner_list": [{"name": "相关资质证明", "url": ""}]}], "remark": "需提供资质"})
            } else {
                json!({"exter_list": [], "remark": ""})
            };
            list.push(
                json!({"id": second, "name": second_name, "level": 2, "father": first, "children": [],
                "sensitive_type": i32::from(*sensitive), "qualify": qualify}),
            );
        }
    }
    json!({"categories": list})
}

pub fn getallcategories(_sim: &mut Sim, _call: &Call<'_>) -> Outcome {
    ok(json!({"categories_list": tree_json()}))
}

pub fn getcategoriesbytype(_sim: &mut Sim, call: &Call<'_>) -> Outcome {
    num_field(call.body, "verify_type")?;
    ok(json!({"categories_list": tree_json()}))
}

pub fn getcategory(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let account = sim.account(call.authorizer());
    let categories: Vec<Value> = account
        .categories
        .iter()
        .map(|c| {
            json!({"first": c.first, "first_name": c.first_name, "second": c.second, "second_name": c.second_name,
                "audit_status": c.audit_status, "audit_reason": ""})
        })
        .collect();
    ok(json!({
        "categories": categories,
        "limit": MONTHLY_CHANGES,
        "quota": MONTHLY_CHANGES.saturating_sub(account.category_changes),
        "category_limit": CATEGORY_LIMIT,
    }))
}

fn use_change(sim: &mut Sim, index: u32) -> Result<(), ApiError> {
    let account = sim.account(index);
    if account.category_changes >= MONTHLY_CHANGES {
        return Err(ApiError::new(53300, "category modification quota limit"));
    }
    account.category_changes += 1;
    Ok(())
}

/// A category needing qualification without `certicates` (sic, §8.7.7) is `53311`; others are approved at once.
pub fn addcategory(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let Some(Value::Array(items)) = call.body.get("categories") else {
        return Err(ApiError::new(53303, "invalid parameters"));
    };
    let index = call.authorizer();
    let mut added = Vec::new();
    for item in items {
        let (first, second) = (num_field(item, "first")?, num_field(item, "second")?);
        let (first_name, second_name, sensitive) =
            names(first, second).ok_or_else(|| ApiError::new(53303, "invalid parameters"))?;
        let certified = item
            .get("certicates")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
        if sensitive && !certified {
            return Err(ApiError::new(53311, "qualification material required"));
        }
        let exists = sim
            .account(index)
            .categories
            .iter()
            .any(|c| c.first == first && c.second == second);
        if exists || added.iter().any(|c: &Category| c.first == first && c.second == second) {
            return Err(ApiError::new(53304, "duplicate category"));
        }
        let audit_status = if sensitive { 1 } else { 3 };
        added.push(Category {
            first,
            second,
            first_name: first_name.into(),
            second_name: second_name.into(),
            audit_status,
        });
    }
    if sim.account(index).categories.len() + added.len() > CATEGORY_LIMIT {
        return Err(ApiError::new(53301, "too many categories"));
    }
    use_change(sim, index)?;
    sim.account(index).categories.extend(added);
    ok(json!({}))
}

pub fn deletecategory(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let (first, second) = (num_field(call.body, "first")?, num_field(call.body, "second")?);
    let index = call.authorizer();
    let position = sim
        .account(index)
        .categories
        .iter()
        .position(|c| c.first == first && c.second == second)
        .ok_or_else(|| ApiError::new(53303, "invalid parameters"))?;
    if sim.account(index).categories[position].audit_status == 1 {
        return Err(ApiError::new(53308, "category under audit cannot be deleted"));
    }
    use_change(sim, index)?;
    sim.account(index).categories.remove(position);
    ok(json!({}))
}

/// §8.7.7: only rejected categories may be modified (`53307`), and only their qualifications.
pub fn modifycategory(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let (first, second) = (num_field(call.body, "first")?, num_field(call.body, "second")?);
    let account = sim.account(call.authorizer());
    let category = account
        .categories
        .iter_mut()
        .find(|c| c.first == first && c.second == second)
        .ok_or_else(|| ApiError::new(53306, "modify may only change qualifications"))?;
    if category.audit_status != 2 {
        return Err(ApiError::new(53307, "only rejected categories may be modified"));
    }
    category.audit_status = 1;
    ok(json!({}))
}
