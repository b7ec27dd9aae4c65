//! `POST /__sim/release-check {group, kind?}`: plays the platform's 全网发布 access check (wechat-api.md §14.2)
//! against the configured push URLs, as WeChat would, and says which steps passed, in the order of §14.2.
//!
//! Unlike ordinary pushes (one queue, retried), each push of the check is sent once from here, so its answer can be
//! read: the passive replies are verified and decrypted (§4.4) and their content compared with what §14.2 expects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng as _;
use serde::Serialize;

use super::Shared;
use super::authz::AUTH_CODE_LIFETIME_SECS;
use super::merchants::Kind;
use super::push::{self, Push, Target, cdata, number};
use crate::wechat::crypto::Envelope;
use crate::wechat::release_check::{self as check, TestAccount};

/// §14.2 step 4: the empty reply must come within 5 s, and the customer-service message is waited for as long.
const WAIT: Duration = Duration::from_secs(5);
/// The user the platform's check writes as.
const TEST_OPENID: &str = "ozy4qt5QUADNXORxCVipKMV9dss0";

/// One step's result.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The answer of `POST /__sim/release-check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub group: u8,
    pub appid: String,
    pub passed: bool,
    pub steps: Vec<Step>,
}

/// Why the check could not be played at all.
#[derive(Debug, Clone)]
pub enum Refusal {
    NoSuchGroup,
    NoUrls,
}

/// Plays the check with the official account (steps 1–6) or the mini program (steps 1, 2, 4, 6: §14.2 sends the
/// text and the event to official accounts) of `group`.
pub async fn run(shared: Arc<Shared>, group: u8, kind: Kind) -> Result<Report, Refusal> {
    let test_group = check::group(group).ok_or(Refusal::NoSuchGroup)?;
    let account = match kind {
        Kind::OfficialAccount => test_group.official_account,
        Kind::Miniprogram => test_group.mini_program,
    };
    let urls = shared.urls();
    let (Some(event_url), Some(message_url)) = (urls.event_url, urls.message_url) else {
        return Err(Refusal::NoUrls);
    };
    let message_url = message_url.replace("$APPID$", account.appid);
    let client = reqwest::Client::builder()
        .timeout(WAIT)
        .build()
        .map_err(|_| Refusal::NoUrls)?;
    let play = Play {
        shared,
        client,
        event_url,
        message_url,
        account,
    };
    let mut steps = vec![play.ticket().await, play.authorized().await];
    if kind == Kind::OfficialAccount {
        steps.push(play.text().await);
    }
    steps.push(play.query_auth_code().await);
    if kind == Kind::OfficialAccount {
        steps.push(play.event().await);
    }
    steps.push(play.unauthorized().await);
    Ok(Report {
        group,
        appid: account.appid.to_owned(),
        passed: steps.iter().all(|s| s.ok),
        steps,
    })
}

struct Play {
    shared: Arc<Shared>,
    client: reqwest::Client,
    event_url: String,
    message_url: String,
    account: TestAccount,
}

fn step(step: &'static str, result: Result<String, String>) -> Step {
    let (ok, detail) = match result {
        Ok(detail) => (true, detail),
        Err(detail) => (false, detail),
    };
    Step { step, ok, detail }
}

impl Play {
    fn now(&self) -> i64 {
        self.shared.clock.now()
    }

    fn index(&self) -> Option<u32> {
        self.shared.sim().merchants.index_of(self.account.appid)
    }

    /// Seals and posts one push, records it in the journal, and returns the answer's body.
    async fn send(&self, push: Push) -> Result<String, String> {
        let timestamp = self.now().to_string();
        let nonce = rand::thread_rng().gen_range(100_000_000u32..2_000_000_000).to_string();
        let sealed = self.shared.crypt.seal(&push.xml, &timestamp, &nonce);
        let (url, body) = match &push.target {
            Target::Event => (
                &self.event_url,
                Envelope::component_xml(&self.shared.ready.component_appid, &sealed.encrypt),
            ),
            Target::Message { user_name, .. } => (&self.message_url, Envelope::message_xml(user_name, &sealed.encrypt)),
        };
        let signature = crate::wechat::crypto::url_signature(&self.shared.ready.token, &timestamp, &nonce);
        let mut query = vec![
            ("signature", signature.as_str()),
            ("timestamp", timestamp.as_str()),
            ("nonce", nonce.as_str()),
            ("encrypt_type", "aes"),
            ("msg_signature", sealed.msg_signature.as_str()),
        ];
        if matches!(push.target, Target::Message { .. }) {
            query.push(("openid", TEST_OPENID));
        }
        let sent = self
            .client
            .post(url)
            .query(&query)
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(response) if response.status().is_success() => Ok(response.text().await.unwrap_or_default()),
            Ok(response) => Err(format!("the receiver answered HTTP {}", response.status().as_u16())),
            Err(error) if error.is_timeout() => Err("no answer within 5 s".to_owned()),
            Err(_) => Err("the receiver could not be reached".to_owned()),
        };
        self.shared.sim().journal.record_push(&push, url, answer.is_ok());
        answer
    }

    fn expect_success(answer: Result<String, String>, what: &str) -> Result<String, String> {
        match answer?.trim() {
            "success" => Ok(format!("{what}: answered success")),
            other => Err(format!("{what}: answered {:?}, not success", clip(other))),
        }
    }

    /// Step 1.
    async fn ticket(&self) -> Step {
        let now = self.now();
        let ticket = self.shared.sim().issue_ticket(now);
        let push = push::event(
            &self.shared.ready.component_appid,
            now,
            "component_verify_ticket",
            &[cdata("ComponentVerifyTicket", &ticket)],
        );
        step(
            "ticket",
            Self::expect_success(self.send(push).await, "component_verify_ticket"),
        )
    }

    /// Step 2: the test account authorizes anew (every set the platform offers it), and its code is pushed.
    async fn authorized(&self) -> Step {
        step("authorized", self.authorized_result().await)
    }

    async fn authorized_result(&self) -> Result<String, String> {
        let now = self.now();
        let code = {
            let mut sim = self.shared.sim();
            let index = sim.merchants.index_of(self.account.appid).ok_or("no test account")?;
            // A fresh authorization, as the check's is, whatever an earlier run left.
            if let Some(existing) = sim.authorizations.get_mut(&index) {
                existing.revoked = true;
            }
            sim.record_grant(now, index, &[]);
            sim.issue_auth_code(now, index)
        };
        let fields = [
            cdata("AuthorizerAppid", self.account.appid),
            cdata("AuthorizationCode", &code),
            number("AuthorizationCodeExpiredTime", now + AUTH_CODE_LIFETIME_SECS),
        ];
        let push = push::event(&self.shared.ready.component_appid, now, "authorized", &fields);
        let answered = Self::expect_success(self.send(push).await, "authorized")?;
        // §14.2: the code must be exchanged with api_query_auth.
        let exchanged = self
            .within(WAIT, || {
                let sim = self.shared.sim();
                sim.auth_codes.get(&code).is_some_and(|c| c.used).then_some(())
            })
            .await;
        match exchanged {
            Some(()) => Ok(format!("{answered}; the code was exchanged (api_query_auth)")),
            None => Err(format!("{answered}; the code was not exchanged within 5 s")),
        }
    }

    /// Step 3.
    async fn text(&self) -> Step {
        let push = self.message(&[cdata("MsgType", "text"), cdata("Content", check::TEST_TEXT)]);
        let expected = check::expected_reply(&check::Probe::Text).unwrap_or_default();
        step("text_callback", self.passive(push, &expected).await)
    }

    /// Step 5.
    async fn event(&self) -> Step {
        let push = self.message(&[
            cdata("MsgType", "event"),
            cdata("Event", "LOCATION"),
            "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>"
                .to_owned(),
        ]);
        let expected = check::expected_reply(&check::Probe::Event("LOCATION".into())).unwrap_or_default();
        step("event_callback", self.passive(push, &expected).await)
    }

    /// Step 4: an empty answer at once, then `<code>_from_api` through `custom/send` within 5 s.
    async fn query_auth_code(&self) -> Step {
        step("query_auth_code", self.query_auth_code_result().await)
    }

    async fn query_auth_code_result(&self) -> Result<String, String> {
        let now = self.now();
        let index = self.index().ok_or("no test account")?;
        let code = self.shared.sim().issue_auth_code(now, index);
        let since = self.shared.sim().custom_messages.len();
        let content = format!("{}{code}", check::QUERY_AUTH_CODE_PREFIX);
        let push = self.message(&[cdata("MsgType", "text"), cdata("Content", &content)]);
        let answer = self.send(push).await?;
        // §4.4 allows `success` where no reply is needed; anything else is a reply the check does not want.
        if !answer.trim().is_empty() && answer.trim() != "success" {
            return Err(format!(
                "QUERY_AUTH_CODE: answered {:?}, not an empty reply",
                clip(&answer)
            ));
        }
        let expected = format!("{code}{}", check::FROM_API_SUFFIX);
        let sent = self
            .within(WAIT, || {
                let sim = self.shared.sim();
                sim.custom_messages
                    .iter()
                    .skip(since)
                    .any(|m| m.index == index && m.touser == TEST_OPENID && m.content == expected)
                    .then_some(())
            })
            .await;
        match sent {
            Some(()) => Ok("QUERY_AUTH_CODE: answered empty; <code>_from_api arrived through custom/send".into()),
            None => {
                Err("QUERY_AUTH_CODE: answered empty, but no custom/send with <code>_from_api came within 5 s".into())
            }
        }
    }

    /// Step 6.
    async fn unauthorized(&self) -> Step {
        let now = self.now();
        if let Some(index) = self.index() {
            let mut sim = self.shared.sim();
            if let Some(existing) = sim.authorizations.get_mut(&index) {
                existing.revoked = true;
            }
        }
        let fields = [cdata("AuthorizerAppid", self.account.appid)];
        let push = push::event(&self.shared.ready.component_appid, now, "unauthorized", &fields);
        step(
            "unauthorized",
            Self::expect_success(self.send(push).await, "unauthorized"),
        )
    }

    /// A message-URL push from the check's user to the test account: `ToUserName`, `FromUserName`, `CreateTime`,
    /// then `fields` (§4.3).
    fn message(&self, fields: &[String]) -> Push {
        let mut xml = String::from("<xml>");
        xml.push_str(&cdata("ToUserName", self.account.user_name));
        xml.push_str(&cdata("FromUserName", TEST_OPENID));
        xml.push_str(&number("CreateTime", self.now()));
        for field in fields {
            xml.push_str(field);
        }
        xml.push_str(&number("MsgId", rand::random::<u32>().into()));
        xml.push_str("</xml>");
        Push {
            target: Target::Message {
                appid: self.account.appid.to_owned(),
                user_name: self.account.user_name.to_owned(),
            },
            xml,
        }
    }

    /// Sends `push` and checks its answer is the encrypted passive text `expected`, from the test account to the
    /// check's user (§4.4 reply envelope).
    async fn passive(&self, push: Push, expected: &str) -> Result<String, String> {
        let answer = self.send(push).await?;
        let fields = check::top_fields(&answer)
            .ok_or_else(|| format!("answered {:?}, not an encrypted reply", clip(&answer)))?;
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let (Some(encrypt), Some(signature), Some(timestamp), Some(nonce)) =
            (get("Encrypt"), get("MsgSignature"), get("TimeStamp"), get("Nonce"))
        else {
            return Err(format!(
                "answered {:?}, not the reply envelope (Encrypt, MsgSignature, TimeStamp, Nonce)",
                clip(&answer)
            ));
        };
        let plain = self
            .shared
            .crypt
            .open(signature, timestamp, nonce, encrypt)
            .map_err(|error| format!("the reply does not verify or decrypt: {error}"))?;
        let (to, from, content) = check::read_text_reply(&plain).ok_or("the decrypted reply is not a text message")?;
        if content != expected {
            return Err(format!("replied {:?}, expected {expected:?}", clip(&content)));
        }
        if to != TEST_OPENID || from != self.account.user_name {
            return Err(format!(
                "replied {expected} but to {to:?} from {from:?}: the users are not swapped"
            ));
        }
        Ok(format!("replied the encrypted passive text {expected}"))
    }

    /// Polls `check` every 50 ms until it yields or `wait` passes.
    async fn within<T>(&self, wait: Duration, check: impl Fn() -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(value) = check() {
                return Some(value);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// At most 80 characters of an answer, for a report.
fn clip(text: &str) -> String {
    text.chars().take(80).collect()
}
