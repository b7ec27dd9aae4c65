//! §8.7.7: the mini program's categories (`/cgi-bin/wxopen/*`). The field is spelled `certicates` (sic) everywhere.

use serde::{Deserialize, Serialize};

use super::{Ack, Empty};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QualifyItem {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QualifyGroup {
    pub inner_list: Vec<QualifyItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Qualify {
    pub exter_list: Vec<QualifyGroup>,
    pub remark: String,
}

/// One node of the category tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryNode {
    pub id: i64,
    pub name: String,
    pub level: i64,
    pub father: i64,
    pub children: Vec<i64>,
    /// 1: a qualification is required.
    pub sensitive_type: i64,
    pub qualify: Qualify,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryTree {
    pub categories: Vec<CategoryNode>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllCategoriesResponse {
    pub categories_list: CategoryTree,
}
endpoint!(
    /// §8.7.7: every category.
    GetAllCategories, "/cgi-bin/wxopen/getallcategories", Empty => AllCategoriesResponse
);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoriesByTypeRequest {
    pub verify_type: i64,
}
endpoint!(
    /// §8.7.7: the categories open to a verify type.
    GetCategoriesByType, "/cgi-bin/wxopen/getcategoriesbytype", CategoriesByTypeRequest => AllCategoriesResponse
);

/// One category the mini program has (§8.7.7): `audit_status` 1 auditing, 2 rejected, 3 approved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingCategory {
    pub first: i64,
    pub first_name: String,
    pub second: i64,
    pub second_name: String,
    pub audit_status: i64,
    pub audit_reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingCategoriesResponse {
    pub categories: Vec<SettingCategory>,
    /// Changes allowed per month.
    pub limit: i64,
    /// Changes left this month.
    pub quota: i64,
    pub category_limit: i64,
}
endpoint!(
    /// §8.7.7: the mini program's categories and change quota.
    GetSettingCategories, "/cgi-bin/wxopen/getcategory", Empty => SettingCategoriesResponse
);

/// A qualification document: a key and a media id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Certificate {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryChange {
    pub first: i64,
    pub second: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certicates: Vec<Certificate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddCategoryRequest {
    pub categories: Vec<CategoryChange>,
}
endpoint!(
    /// §8.7.7: adds categories.
    AddCategory, "/cgi-bin/wxopen/addcategory", AddCategoryRequest => Ack
);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteCategoryRequest {
    pub first: i64,
    pub second: i64,
}
endpoint!(
    /// §8.7.7: deletes a category (`53308` while under audit).
    DeleteCategory, "/cgi-bin/wxopen/deletecategory", DeleteCategoryRequest => Ack
);
endpoint!(
    /// §8.7.7: changes a rejected category's qualifications.
    ModifyCategory, "/cgi-bin/wxopen/modifycategory", CategoryChange => Ack
);
