//! §6.15: testers (体验者) who may open the trial version.

use serde::{Deserialize, Serialize};

use super::Ack;

/// §6.15 bind body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindTesterRequest {
    pub wechatid: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BindTesterResponse {
    pub userstr: String,
}
endpoint!(
    /// §6.15: makes a WeChat user a tester.
    BindTester, "/wxa/bind_tester", BindTesterRequest => BindTesterResponse
);

/// §6.15 unbind body: `wechatid` or `userstr`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbindTesterRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechatid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userstr: Option<String>,
}
endpoint!(
    /// §6.15: removes a tester.
    UnbindTester, "/wxa/unbind_tester", UnbindTesterRequest => Ack
);

/// §6.15 body, `{"action":"get_experiencer"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAuthRequest {
    pub action: String,
}

impl Default for MemberAuthRequest {
    fn default() -> Self {
        Self {
            action: "get_experiencer".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    pub userstr: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberAuthResponse {
    pub members: Vec<Member>,
}
endpoint!(
    /// §6.15: the testers.
    MemberAuth, "/wxa/memberauth", MemberAuthRequest => MemberAuthResponse
);
