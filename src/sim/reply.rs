//! What a platform handler returns: JSON (errcode envelope of §0.3) or bytes, and the errors it can raise.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

/// A platform error: HTTP 200 with `{"errcode", "errmsg"}` (§0.3). The dispatcher appends ` rid: …`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: i64,
    pub msg: Cow<'static, str>,
}

impl ApiError {
    pub fn new(code: i64, msg: impl Into<Cow<'static, str>>) -> Self {
        Self { code, msg: msg.into() }
    }
}

/// A successful answer.
#[derive(Debug)]
pub enum Reply {
    Json(Value),
    /// Binary answers such as `/wxa/get_qrcode` (§0.3).
    Bytes {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

pub type Outcome = Result<Reply, ApiError>;

/// `{"errcode":0,"errmsg":"ok", …fields}`: the success shape of business endpoints (§0.3).
pub fn ok(fields: Value) -> Outcome {
    let mut map = Map::new();
    map.insert("errcode".into(), json!(0));
    map.insert("errmsg".into(), json!("ok"));
    if let Value::Object(fields) = fields {
        map.extend(fields);
    }
    Ok(Reply::Json(Value::Object(map)))
}

/// A success without `errcode`, as the token endpoints answer (§0.3).
pub fn bare(fields: Value) -> Outcome {
    Ok(Reply::Json(fields))
}

/// `47001`: a required field is absent or has the wrong type (the platform's "data format error").
pub fn missing(name: &str) -> ApiError {
    ApiError::new(47001, format!("data format error hint: [{name} missing or invalid]"))
}

pub fn str_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(missing(name)),
    }
}

pub fn opt_str<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A number that the platform also accepts as a numeric string (§8.1 `code_type`, §6.1 `template_id`).
pub fn num_field(body: &Value, name: &str) -> Result<i64, ApiError> {
    opt_num(body, name).ok_or_else(|| missing(name))
}

pub fn opt_num(body: &Value, name: &str) -> Option<i64> {
    match body.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn opt_bool(body: &Value, name: &str) -> Option<bool> {
    match body.get(name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(s == "true" || s == "1"),
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        _ => None,
    }
}

/// The list of strings under `name`; absent counts as empty.
pub fn str_list(body: &Value, name: &str) -> Result<Vec<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(|| missing(name)))
            .collect(),
        Some(_) => Err(missing(name)),
    }
}

/// Checks the `component_appid` of a component call's body: absent `41018`, another appid `40013` (§9.1).
pub fn check_component_appid(body: &Value, component_appid: &str) -> Result<(), ApiError> {
    match opt_str(body, "component_appid") {
        None => Err(ApiError::new(41018, "missing component_appid")),
        Some(appid) if appid == component_appid => Ok(()),
        Some(_) => Err(ApiError::new(40013, "invalid appid")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_may_arrive_as_strings() {
        let body = json!({"a": 1, "b": "2", "c": "x", "d": true});
        assert_eq!(opt_num(&body, "a"), Some(1));
        assert_eq!(opt_num(&body, "b"), Some(2));
        assert_eq!(opt_num(&body, "c"), None);
        assert_eq!(num_field(&body, "d").map_err(|e| e.code), Err(47001));
    }

    #[test]
    fn ok_adds_the_success_envelope() {
        let Ok(Reply::Json(value)) = ok(json!({"rest": 3})) else {
            panic!("not JSON")
        };
        assert_eq!(value, json!({"errcode": 0, "errmsg": "ok", "rest": 3}));
    }
}
