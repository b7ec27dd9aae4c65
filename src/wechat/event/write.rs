//! `Event::to_xml`: the decrypted push as the platform sends it (§4.2, §4.3), CDATA for text, plain numbers.

use super::fields::{cdata, number};
use super::{Authorization, Event, MessageHeader, Notice, RegistrationInfo, RegistrationResult};

pub(super) fn to_xml(event: &Event) -> String {
    if let Event::Unknown { raw, .. } = event {
        return raw.clone();
    }
    let mut out = String::from("<xml>");
    match event {
        Event::ComponentVerifyTicket {
            app_id,
            create_time,
            ticket,
        } => {
            component_head(&mut out, app_id, *create_time, event.kind());
            cdata(&mut out, "ComponentVerifyTicket", ticket);
        }
        Event::Authorized(a) | Event::UpdateAuthorized(a) => authorization(&mut out, a, event.kind()),
        Event::Unauthorized {
            app_id,
            create_time,
            authorizer_appid,
        } => {
            component_head(&mut out, app_id, *create_time, event.kind());
            cdata(&mut out, "AuthorizerAppid", authorizer_appid.as_str());
        }
        Event::FastRegister(r) | Event::BetaVerified(r) => registration(&mut out, r, event.kind()),
        Event::BetaRegistered(b) => {
            component_head(&mut out, &b.app_id, b.create_time, event.kind());
            if let Some(appid) = &b.appid {
                cdata(&mut out, "appid", appid.as_str());
            }
            number(&mut out, "status", b.status);
            cdata(&mut out, "msg", &b.msg);
            out.push_str("<info>");
            optional(&mut out, "unique_id", &b.unique_id);
            optional(&mut out, "name", &b.name);
            out.push_str("</info>");
        }
        Event::IcpFilingVerifyResult(n)
        | Event::ApplyIcpFilingResult(n)
        | Event::WxaAuth(n)
        | Event::WxaWxVerify(n)
        | Event::WxaAuthAndIcp(n) => notice(&mut out, n, event.kind()),
        Event::AuditSuccess { header, succ_time } => {
            message_head(&mut out, header, event.kind());
            number(&mut out, "SuccTime", *succ_time);
        }
        Event::AuditFail {
            header,
            reason,
            fail_time,
            screenshots,
        } => {
            message_head(&mut out, header, event.kind());
            cdata(&mut out, "Reason", reason);
            number(&mut out, "FailTime", *fail_time);
            cdata(&mut out, "ScreenShot", &screenshots.join("|"));
        }
        Event::AuditDelay {
            header,
            reason,
            delay_time,
        } => {
            message_head(&mut out, header, event.kind());
            cdata(&mut out, "Reason", reason);
            number(&mut out, "DelayTime", *delay_time);
        }
        Event::NicknameAudit {
            header,
            ret,
            nickname,
            reason,
        } => {
            message_head(&mut out, header, event.kind());
            number(&mut out, "ret", *ret);
            cdata(&mut out, "nickname", nickname);
            cdata(&mut out, "reason", reason);
        }
        Event::Unknown { .. } => {}
    }
    out.push_str("</xml>");
    out
}

fn component_head(out: &mut String, app_id: &str, create_time: i64, info_type: &str) {
    cdata(out, "AppId", app_id);
    number(out, "CreateTime", create_time);
    cdata(out, "InfoType", info_type);
}

fn message_head(out: &mut String, header: &MessageHeader, event: &str) {
    cdata(out, "ToUserName", &header.to_user_name);
    cdata(out, "FromUserName", &header.from_user_name);
    number(out, "CreateTime", header.create_time);
    cdata(out, "MsgType", "event");
    cdata(out, "Event", event);
}

fn optional(out: &mut String, name: &str, value: &Option<String>) {
    if let Some(value) = value {
        cdata(out, name, value);
    }
}

fn authorization(out: &mut String, a: &Authorization, info_type: &str) {
    component_head(out, &a.app_id, a.create_time, info_type);
    cdata(out, "AuthorizerAppid", a.authorizer_appid.as_str());
    cdata(out, "AuthorizationCode", &a.authorization_code);
    if let Some(t) = a.authorization_code_expired_time {
        number(out, "AuthorizationCodeExpiredTime", t);
    }
    optional(out, "PreAuthCode", &a.pre_auth_code);
}

fn registration(out: &mut String, r: &RegistrationResult, info_type: &str) {
    component_head(out, &r.app_id, r.create_time, info_type);
    if let Some(appid) = &r.appid {
        cdata(out, "appid", appid.as_str());
    }
    number(out, "status", r.status);
    optional(out, "auth_code", &r.auth_code);
    cdata(out, "msg", &r.msg);
    registration_info(out, &r.info);
}

fn registration_info(out: &mut String, info: &RegistrationInfo) {
    out.push_str("<info>");
    optional(out, "name", &info.name);
    optional(out, "code", &info.code);
    if let Some(code_type) = info.code_type {
        number(out, "code_type", code_type);
    }
    optional(out, "legal_persona_wechat", &info.legal_persona_wechat);
    optional(out, "legal_persona_name", &info.legal_persona_name);
    optional(out, "component_phone", &info.component_phone);
    optional(out, "wxuser", &info.wxuser);
    optional(out, "idname", &info.idname);
    optional(out, "taskid", &info.taskid);
    out.push_str("</info>");
}

fn notice(out: &mut String, n: &Notice, info_type: &str) {
    component_head(out, &n.app_id, n.create_time, info_type);
    for (name, value) in &n.fields {
        if !matches!(name.as_str(), "AppId" | "CreateTime" | "InfoType") {
            cdata(out, name, value);
        }
    }
}
