//! Pushes: the decrypted XML of §4.2/§4.3, built here by hand, then sealed with WXBizMsgCrypt (§4.4) and
//! posted to the authorization-event URL or the message URL, retried until the receiver answers `success`.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng as _;
use tokio::sync::mpsc::UnboundedReceiver;

use super::Shared;
use crate::wechat::crypto::Envelope;

/// How often WeChat tries one push before giving up (it retries a push that is not answered `success`).
const ATTEMPTS: u32 = 3;
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The authorization-event URL; envelope `<AppId>` = component appid.
    Event,
    /// The message URL of one authorizer; envelope `<ToUserName>` = its `gh_…`, `$APPID$` = its appid.
    Message { appid: String, user_name: String },
}

#[derive(Debug, Clone)]
pub struct Push {
    pub target: Target,
    /// The plaintext XML, before encryption.
    pub xml: String,
}

/// A string element in CDATA, as the platform writes them; `]]>` inside is split across two sections.
pub fn cdata(name: &str, value: &str) -> String {
    format!(
        "<{name}><![CDATA[{}]]></{name}>",
        value.replace("]]>", "]]]]><![CDATA[>")
    )
}

pub fn number(name: &str, value: i64) -> String {
    format!("<{name}>{value}</{name}>")
}

/// An authorization-event push (§4.2): `AppId`, `CreateTime`, `InfoType`, then `fields`.
pub fn event(component_appid: &str, now: i64, info_type: &str, fields: &[String]) -> Push {
    let mut xml = String::from("<xml>");
    xml.push_str(&cdata("AppId", component_appid));
    xml.push_str(&number("CreateTime", now));
    xml.push_str(&cdata("InfoType", info_type));
    for field in fields {
        xml.push_str(field);
    }
    xml.push_str("</xml>");
    Push {
        target: Target::Event,
        xml,
    }
}

/// A message-URL event push (§4.3): `ToUserName`, `FromUserName`, `CreateTime`, `MsgType`=event, `Event`, then `fields`.
pub fn message_event(appid: &str, user_name: &str, now: i64, event: &str, fields: &[String]) -> Push {
    let mut xml = String::from("<xml>");
    xml.push_str(&cdata("ToUserName", user_name));
    // The platform's own system user sends these events.
    xml.push_str(&cdata("FromUserName", "o0rV-tz0mvcdn4CQ_e8A-Hhbm2Ao"));
    xml.push_str(&number("CreateTime", now));
    xml.push_str(&cdata("MsgType", "event"));
    xml.push_str(&cdata("Event", event));
    for field in fields {
        xml.push_str(field);
    }
    xml.push_str("</xml>");
    Push {
        target: Target::Message {
            appid: appid.to_owned(),
            user_name: user_name.to_owned(),
        },
        xml,
    }
}

/// Delivers pushes one at a time, in order, until the channel closes.
pub async fn run(shared: Arc<Shared>, mut pushes: UnboundedReceiver<Push>) {
    let client = match reqwest::Client::builder().timeout(ATTEMPT_TIMEOUT).build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client for pushes");
            return;
        }
    };
    while let Some(push) = pushes.recv().await {
        let urls = shared.urls();
        let url = match &push.target {
            Target::Event => urls.event_url,
            Target::Message { appid, .. } => urls.message_url.map(|url| url.replace("$APPID$", appid)),
        };
        let Some(url) = url else { continue };
        let delivered = deliver(&shared, &client, &url, &push).await;
        shared.sim().journal.record_push(&push, &url, delivered);
    }
}

async fn deliver(shared: &Shared, client: &reqwest::Client, url: &str, push: &Push) -> bool {
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(300 * u64::from(attempt))).await;
        }
        let timestamp = shared.clock.now().to_string();
        let nonce = rand::thread_rng().gen_range(100_000_000u32..2_000_000_000).to_string();
        let sealed = shared.crypt.seal(&push.xml, &timestamp, &nonce);
        let body = match &push.target {
            Target::Event => Envelope::component_xml(&shared.ready.component_appid, &sealed.encrypt),
            Target::Message { user_name, .. } => Envelope::message_xml(user_name, &sealed.encrypt),
        };
        // §4.1: the query carries both signatures; receivers must verify msg_signature.
        let signature = crate::wechat::crypto::url_signature(&shared.ready.token, &timestamp, &nonce);
        let query = [
            ("signature", signature.as_str()),
            ("timestamp", timestamp.as_str()),
            ("nonce", nonce.as_str()),
            ("encrypt_type", "aes"),
            ("msg_signature", sealed.msg_signature.as_str()),
        ];
        let sent = client
            .post(url)
            .query(&query)
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(response) if response.status().is_success() => response.text().await.unwrap_or_default(),
            Ok(_) | Err(_) => String::new(),
        };
        if answer.trim() == "success" {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cdata_and_survive_a_cdata_terminator() {
        assert_eq!(cdata("A", "x]]>y"), "<A><![CDATA[x]]]]><![CDATA[>y]]></A>");
        let push = event(
            "wxabc",
            5,
            "component_verify_ticket",
            &[cdata("ComponentVerifyTicket", "t")],
        );
        assert_eq!(push.target, Target::Event);
        assert!(
            push.xml
                .starts_with("<xml><AppId><![CDATA[wxabc]]></AppId><CreateTime>5</CreateTime>")
        );
        assert!(
            push.xml
                .ends_with("<ComponentVerifyTicket><![CDATA[t]]></ComponentVerifyTicket></xml>")
        );
    }
}
