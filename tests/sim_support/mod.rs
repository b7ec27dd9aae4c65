//! Shared helpers of the simulator tests: an in-process simulator, a push receiver that verifies and decrypts
//! like a hub would, and raw-HTTP helpers for the platform calls every test needs.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use wxdesk::sim::{SimConfig, SimHandle};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};

/// One push as the receiver saw it: which URL, the envelope's addressee, and the decrypted XML.
#[derive(Debug, Clone)]
pub struct Received {
    pub url_appid: Option<String>,
    pub to: Option<String>,
    pub xml: String,
}

#[derive(Clone, Default)]
pub struct Inbox {
    pushes: Arc<Mutex<Vec<Received>>>,
    crypt: Arc<Mutex<Option<MsgCrypt>>>,
    redirects: Arc<Mutex<Vec<String>>>,
}

impl Inbox {
    pub fn pushes(&self) -> Vec<Received> {
        self.pushes.lock().unwrap().clone()
    }

    pub fn redirects(&self) -> Vec<String> {
        self.redirects.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) for a push whose XML contains `needle`.
    pub async fn wait_for(&self, needle: &str) -> Received {
        for _ in 0..200 {
            if let Some(found) = self.pushes().into_iter().find(|p| p.xml.contains(needle)) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no push containing {needle:?}; got {:#?}", self.pushes());
    }
}

fn query_value(query: &str, name: &str) -> String {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Verifies msg_signature and decrypts exactly as §4.4 says, then stores the push and answers `success`.
async fn receive(inbox: &Inbox, url_appid: Option<String>, query: Option<String>, body: Bytes) -> &'static str {
    let query = query.unwrap_or_default();
    assert_eq!(query_value(&query, "encrypt_type"), "aes");
    let envelope = Envelope::parse(std::str::from_utf8(&body).unwrap()).unwrap();
    let crypt = inbox
        .crypt
        .lock()
        .unwrap()
        .clone()
        .expect("crypt set before pushes arrive");
    let xml = crypt
        .open(
            &query_value(&query, "msg_signature"),
            &query_value(&query, "timestamp"),
            &query_value(&query, "nonce"),
            &envelope.encrypt,
        )
        .expect("a push that verifies and decrypts");
    inbox.pushes.lock().unwrap().push(Received {
        url_appid,
        to: envelope.to,
        xml,
    });
    "success"
}

async fn event(State(inbox): State<Inbox>, RawQuery(query): RawQuery, body: Bytes) -> &'static str {
    receive(&inbox, None, query, body).await
}

async fn message(
    State(inbox): State<Inbox>,
    Path(appid): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> &'static str {
    receive(&inbox, Some(appid), query, body).await
}

async fn callback(State(inbox): State<Inbox>, RawQuery(query): RawQuery) -> &'static str {
    inbox.redirects.lock().unwrap().push(query.unwrap_or_default());
    "authorized"
}

/// A receiver for both push URLs and the redirect_uri, on loopback.
pub async fn receiver() -> (String, Inbox) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route("/event", post(event))
        .route("/message/{appid}", post(message))
        .route("/callback", get(callback))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), inbox)
}

pub struct Env {
    pub sim: SimHandle,
    pub http: reqwest::Client,
    pub base: String,
    pub inbox: Inbox,
    pub receiver: String,
}

impl Env {
    pub async fn start(config: SimConfig) -> Self {
        let (receiver, inbox) = receiver().await;
        let sim = wxdesk::sim::start(SimConfig {
            event_url: Some(format!("{receiver}/event")),
            message_url: Some(format!("{receiver}/message/$APPID$")),
            ..config
        })
        .await
        .unwrap();
        let ready = sim.ready().clone();
        *inbox.crypt.lock().unwrap() =
            Some(MsgCrypt::new(&ready.token, &ready.encoding_aes_key, &ready.component_appid).unwrap());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: ready.api_base.clone(),
            sim,
            http,
            inbox,
            receiver,
        }
    }

    pub async fn default() -> Self {
        Self::start(SimConfig::default()).await
    }

    /// A second push receiver that verifies and decrypts with this simulator's credentials, as a hub would.
    pub async fn another_receiver(&self) -> (String, Inbox) {
        let (url, inbox) = receiver().await;
        let ready = self.sim.ready();
        *inbox.crypt.lock().unwrap() =
            Some(MsgCrypt::new(&ready.token, &ready.encoding_aes_key, &ready.component_appid).unwrap());
        (url, inbox)
    }

    pub fn appid(&self) -> String {
        self.sim.ready().component_appid.clone()
    }

    pub async fn post(&self, path_and_query: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path_and_query}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path_and_query}");
        response.json().await.unwrap()
    }

    pub async fn post_raw(&self, path_and_query: &str, body: &'static str) -> Value {
        let response = self
            .http
            .post(format!("{}{path_and_query}", self.base))
            .body(body)
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    pub async fn get(&self, path_and_query: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path_and_query}", self.base))
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/__sim/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    pub async fn advance(&self, secs: i64) {
        self.control("clock", json!({"advance_secs": secs})).await;
    }

    /// A fresh ticket from the control API, then a component token with it.
    pub async fn component_token(&self) -> String {
        let ticket = self.control("push-ticket", json!({})).await["ticket"]
            .as_str()
            .unwrap()
            .to_owned();
        let ready = self.sim.ready();
        let answer = self
            .post(
                "/cgi-bin/component/api_component_token",
                json!({"component_appid": ready.component_appid, "component_appsecret": ready.component_appsecret,
                    "component_verify_ticket": ticket}),
            )
            .await;
        assert!(
            answer.get("errcode").is_none(),
            "token endpoints omit errcode on success: {answer}"
        );
        answer["component_access_token"].as_str().unwrap().to_owned()
    }

    pub async fn preauth(&self, token: &str) -> String {
        let answer = self
            .post(
                &format!("/cgi-bin/component/api_create_preauthcode?component_access_token={token}"),
                json!({"component_appid": self.appid()}),
            )
            .await;
        answer["pre_auth_code"].as_str().unwrap().to_owned()
    }

    /// Authorizes an account of `kind` through the control API and exchanges the code: (appid, access, refresh).
    pub async fn authorize(&self, token: &str, kind: &str, func_ids: &[u16]) -> (String, String, String) {
        let pre_auth_code = self.preauth(token).await;
        let answer = self
            .control(
                "authorize",
                json!({"pre_auth_code": pre_auth_code, "redirect_uri": format!("{}/callback", self.receiver),
                    "kind": kind, "func_ids": func_ids}),
            )
            .await;
        let auth_code = answer["auth_code"].as_str().expect("an auth_code").to_owned();
        let info = self.query_auth(token, &auth_code).await;
        let info = &info["authorization_info"];
        (
            info["authorizer_appid"].as_str().unwrap().to_owned(),
            info["authorizer_access_token"].as_str().unwrap().to_owned(),
            info["authorizer_refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn query_auth(&self, token: &str, auth_code: &str) -> Value {
        self.post(
            &format!("/cgi-bin/component/api_query_auth?component_access_token={token}"),
            json!({"component_appid": self.appid(), "authorization_code": auth_code}),
        )
        .await
    }
}

pub fn errcode(value: &Value) -> i64 {
    value["errcode"].as_i64().unwrap_or(0)
}
