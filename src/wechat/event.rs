//! Decrypted pushes as one closed enum: every `InfoType` of §4.2 and `Event` of §4.3, plus `Unknown` with the raw XML.
//!
//! `Event::parse` never panics; `Event::to_xml` writes the shape the platform pushes (the simulator uses it).

mod fields;
mod write;

use fields::Fields;

use super::ids::AuthorizerAppId;

/// Why a push could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("push XML could not be parsed: {0}")]
    Xml(String),
    #[error("push lacks <{0}>")]
    Missing(&'static str),
    #[error("push field <{field}> is not a number: {value:?}")]
    BadNumber { field: &'static str, value: String },
}

/// `authorized` and `updateauthorized` (§4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The component appid.
    pub app_id: String,
    pub create_time: i64,
    pub authorizer_appid: AuthorizerAppId,
    /// Exchange it with `api_query_auth` (§1.4).
    pub authorization_code: String,
    /// Read as absolute Unix seconds, as the SDKs do; absolute-vs-relative is [UNCONFIRMED] (§4.2).
    pub authorization_code_expired_time: Option<i64>,
    pub pre_auth_code: Option<String>,
}

/// The `<info>` of registration results: the submitted enterprise or personal data, and `taskid` of the new APIs.
/// Serializes as a JSON object of the fields the push had.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegistrationInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_wechat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_persona_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_phone: Option<String>,
    /// Personal registration, per the doc sample (§4.2, shape [UNCONFIRMED]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wxuser: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idname: Option<String>,
    /// New-version registrations correlate by task (§8.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taskid: Option<String>,
}

/// `notify_third_fasteregister` (enterprise and personal) and `notify_third_fastverifybetaapp` (§4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationResult {
    pub app_id: String,
    pub create_time: i64,
    /// The new mini program; absent on failure.
    pub appid: Option<AuthorizerAppId>,
    /// 0 success, otherwise a status of the §4.2 table.
    pub status: i64,
    /// On success, exchange it with `api_query_auth` (§8.1).
    pub auth_code: Option<String>,
    pub msg: String,
    pub info: RegistrationInfo,
}

/// `notify_third_fastregisterbetaapp` (§4.2): a trial mini program was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BetaRegistered {
    pub app_id: String,
    pub create_time: i64,
    pub appid: Option<AuthorizerAppId>,
    pub status: i64,
    pub msg: String,
    pub unique_id: Option<String>,
    pub name: Option<String>,
}

/// An ICP-filing or verification notice of §4.1 whose fields the doc does not list: every field is kept, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub app_id: String,
    pub create_time: i64,
    pub fields: Vec<(String, String)>,
}

/// The header of every message-URL event (§4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHeader {
    /// The mini program's original id, `gh_…`.
    pub to_user_name: String,
    pub from_user_name: String,
    pub create_time: i64,
}

/// One push from the platform, decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    ComponentVerifyTicket {
        app_id: String,
        create_time: i64,
        ticket: String,
    },
    Authorized(Authorization),
    /// Sent only when the granted permission sets changed.
    UpdateAuthorized(Authorization),
    Unauthorized {
        app_id: String,
        create_time: i64,
        authorizer_appid: AuthorizerAppId,
    },
    FastRegister(RegistrationResult),
    BetaRegistered(BetaRegistered),
    BetaVerified(RegistrationResult),
    IcpFilingVerifyResult(Notice),
    ApplyIcpFilingResult(Notice),
    WxaAuth(Notice),
    WxaWxVerify(Notice),
    WxaAuthAndIcp(Notice),
    AuditSuccess {
        header: MessageHeader,
        succ_time: i64,
    },
    /// `screenshots` are permanent-material media ids, fetched with `get_material` (§4.3).
    AuditFail {
        header: MessageHeader,
        reason: String,
        fail_time: i64,
        screenshots: Vec<String>,
    },
    AuditDelay {
        header: MessageHeader,
        reason: String,
        delay_time: i64,
    },
    /// `ret` 2 rejected, 3 approved.
    NicknameAudit {
        header: MessageHeader,
        ret: i64,
        nickname: String,
        reason: String,
    },
    /// Any other push (user messages, events this console does not handle), kept verbatim.
    Unknown {
        /// Its `InfoType`, or the `Event` (or else `MsgType`) of a message-URL push, when it has one.
        name: Option<String>,
        raw: String,
    },
}

impl Event {
    /// Reads a decrypted push. CDATA and plain text are both accepted; never panics.
    pub fn parse(xml: &str) -> Result<Self, EventError> {
        let mut f = Fields::parse(xml)?;
        if let Some(info_type) = f.get("InfoType") {
            let info_type = info_type.to_owned();
            return Self::component_event(&info_type, &mut f, xml);
        }
        if f.get("MsgType") == Some("event")
            && let Some(event) = f.get("Event")
        {
            return Self::message_event(event, &f, xml);
        }
        Ok(Self::Unknown {
            name: f.get("MsgType").map(str::to_owned),
            raw: xml.to_owned(),
        })
    }

    fn component_event(info_type: &str, f: &mut Fields, xml: &str) -> Result<Self, EventError> {
        let app_id = f.text("AppId")?;
        let create_time = f.number("CreateTime")?;
        Ok(match info_type {
            // The hot path (every 10 minutes, and the benchmark): the ticket is moved out, not copied.
            "component_verify_ticket" => Self::ComponentVerifyTicket {
                app_id,
                create_time,
                ticket: f.take("ComponentVerifyTicket")?,
            },
            "authorized" => Self::Authorized(authorization(app_id, create_time, f)?),
            "updateauthorized" => Self::UpdateAuthorized(authorization(app_id, create_time, f)?),
            "unauthorized" => Self::Unauthorized {
                app_id,
                create_time,
                authorizer_appid: AuthorizerAppId::from_wire(f.text("AuthorizerAppid")?),
            },
            "notify_third_fasteregister" => Self::FastRegister(registration(app_id, create_time, f)?),
            "notify_third_fastverifybetaapp" => Self::BetaVerified(registration(app_id, create_time, f)?),
            "notify_third_fastregisterbetaapp" => Self::BetaRegistered(BetaRegistered {
                app_id,
                create_time,
                appid: f.opt_text("appid").map(AuthorizerAppId::from_wire),
                status: f.number("status")?,
                msg: f.opt_text("msg").unwrap_or_default(),
                unique_id: f.info("unique_id"),
                name: f.info("name"),
            }),
            "notify_icpfiling_verify_result" => Self::IcpFilingVerifyResult(notice(app_id, create_time, f)),
            "notify_apply_icpfiling_result" => Self::ApplyIcpFilingResult(notice(app_id, create_time, f)),
            "notify_3rd_wxa_auth" => Self::WxaAuth(notice(app_id, create_time, f)),
            "notify_3rd_wxa_wxverify" => Self::WxaWxVerify(notice(app_id, create_time, f)),
            "notify_3rd_wxa_auth_and_icp" => Self::WxaAuthAndIcp(notice(app_id, create_time, f)),
            _ => Self::Unknown {
                name: Some(info_type.to_owned()),
                raw: xml.to_owned(),
            },
        })
    }

    fn message_event(event: &str, f: &Fields, xml: &str) -> Result<Self, EventError> {
        let header = || -> Result<MessageHeader, EventError> {
            Ok(MessageHeader {
                to_user_name: f.text("ToUserName")?,
                from_user_name: f.opt_text("FromUserName").unwrap_or_default(),
                create_time: f.number("CreateTime")?,
            })
        };
        Ok(match event {
            "weapp_audit_success" => Self::AuditSuccess {
                header: header()?,
                succ_time: f.number("SuccTime")?,
            },
            "weapp_audit_fail" => Self::AuditFail {
                header: header()?,
                reason: f.opt_text("Reason").unwrap_or_default(),
                fail_time: f.number("FailTime")?,
                screenshots: split_media_ids(f.get("ScreenShot").unwrap_or_default()),
            },
            "weapp_audit_delay" => Self::AuditDelay {
                header: header()?,
                reason: f.opt_text("Reason").unwrap_or_default(),
                delay_time: f.number("DelayTime")?,
            },
            "wxa_nickname_audit" => Self::NicknameAudit {
                header: header()?,
                ret: f.number("ret")?,
                nickname: f.opt_text("nickname").unwrap_or_default(),
                reason: f.opt_text("reason").unwrap_or_default(),
            },
            _ => Self::Unknown {
                name: Some(event.to_owned()),
                raw: xml.to_owned(),
            },
        })
    }

    /// The `InfoType` or `Event` value this variant stands for; `unknown` for `Unknown`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ComponentVerifyTicket { .. } => "component_verify_ticket",
            Self::Authorized(_) => "authorized",
            Self::UpdateAuthorized(_) => "updateauthorized",
            Self::Unauthorized { .. } => "unauthorized",
            Self::FastRegister(_) => "notify_third_fasteregister",
            Self::BetaRegistered(_) => "notify_third_fastregisterbetaapp",
            Self::BetaVerified(_) => "notify_third_fastverifybetaapp",
            Self::IcpFilingVerifyResult(_) => "notify_icpfiling_verify_result",
            Self::ApplyIcpFilingResult(_) => "notify_apply_icpfiling_result",
            Self::WxaAuth(_) => "notify_3rd_wxa_auth",
            Self::WxaWxVerify(_) => "notify_3rd_wxa_wxverify",
            Self::WxaAuthAndIcp(_) => "notify_3rd_wxa_auth_and_icp",
            Self::AuditSuccess { .. } => "weapp_audit_success",
            Self::AuditFail { .. } => "weapp_audit_fail",
            Self::AuditDelay { .. } => "weapp_audit_delay",
            Self::NicknameAudit { .. } => "wxa_nickname_audit",
            Self::Unknown { .. } => "unknown",
        }
    }

    /// The component appid (`AppId`) of a push on the authorization-event URL; `None` for message-URL events.
    pub fn component_app_id(&self) -> Option<&str> {
        let app_id = match self {
            Self::ComponentVerifyTicket { app_id, .. } | Self::Unauthorized { app_id, .. } => app_id,
            Self::Authorized(a) | Self::UpdateAuthorized(a) => &a.app_id,
            Self::FastRegister(r) | Self::BetaVerified(r) => &r.app_id,
            Self::BetaRegistered(r) => &r.app_id,
            Self::IcpFilingVerifyResult(n)
            | Self::ApplyIcpFilingResult(n)
            | Self::WxaAuth(n)
            | Self::WxaWxVerify(n)
            | Self::WxaAuthAndIcp(n) => &n.app_id,
            Self::AuditSuccess { .. }
            | Self::AuditFail { .. }
            | Self::AuditDelay { .. }
            | Self::NicknameAudit { .. }
            | Self::Unknown { .. } => return None,
        };
        Some(app_id)
    }

    /// The push's `InfoType` or `Event` name as the platform sent it (for `Unknown`, when it had one).
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Unknown { name, .. } => name.as_deref(),
            known => Some(known.kind()),
        }
    }

    /// True for pushes that arrive on the authorization-event URL (`InfoType`), false for message-URL events.
    pub fn is_component_event(&self) -> bool {
        !matches!(
            self,
            Self::AuditSuccess { .. }
                | Self::AuditFail { .. }
                | Self::AuditDelay { .. }
                | Self::NicknameAudit { .. }
                | Self::Unknown { .. }
        )
    }

    /// The push as the platform sends it, before encryption.
    pub fn to_xml(&self) -> String {
        write::to_xml(self)
    }
}

fn authorization(app_id: String, create_time: i64, f: &Fields) -> Result<Authorization, EventError> {
    Ok(Authorization {
        app_id,
        create_time,
        authorizer_appid: AuthorizerAppId::from_wire(f.text("AuthorizerAppid")?),
        authorization_code: f.text("AuthorizationCode")?,
        authorization_code_expired_time: f.opt_number("AuthorizationCodeExpiredTime"),
        pre_auth_code: f.opt_text("PreAuthCode"),
    })
}

fn notice(app_id: String, create_time: i64, f: &Fields) -> Notice {
    Notice {
        app_id,
        create_time,
        fields: f.top.clone(),
    }
}

fn registration(app_id: String, create_time: i64, f: &Fields) -> Result<RegistrationResult, EventError> {
    Ok(RegistrationResult {
        app_id,
        create_time,
        appid: f.opt_text("appid").map(AuthorizerAppId::from_wire),
        status: f.number("status")?,
        auth_code: f.opt_text("auth_code"),
        msg: f.opt_text("msg").unwrap_or_default(),
        info: RegistrationInfo {
            name: f.info("name"),
            code: f.info("code"),
            code_type: f.info("code_type").and_then(|v| v.trim().parse().ok()),
            legal_persona_wechat: f.info("legal_persona_wechat"),
            legal_persona_name: f.info("legal_persona_name"),
            component_phone: f.info("component_phone"),
            wxuser: f.info("wxuser"),
            idname: f.info("idname"),
            taskid: f.info("taskid"),
        },
    })
}

/// `ScreenShot` is a `|`-separated list of media ids (§4.3).
pub fn split_media_ids(list: &str) -> Vec<String> {
    list.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
