//! `Client`: the one place that builds a platform URL, injects the token, sends, retries reads and maps `errcode`.
//!
//! `execute` (typed) is built on `execute_raw` (the hub's relay), so both follow the same rules (DESIGN.md, §0).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::endpoint::{Endpoint, EndpointInfo, Host, Method};
use super::error::WxError;

/// The base URLs of the platform's three hosts. Configuration, so the simulator can stand in (DESIGN.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hosts {
    pub api_base: String,
    pub mp_base: String,
    pub open_base: String,
}

impl Default for Hosts {
    /// The real platform.
    fn default() -> Self {
        Self {
            api_base: "https://api.weixin.qq.com".into(),
            mp_base: "https://mp.weixin.qq.com".into(),
            open_base: "https://open.weixin.qq.com".into(),
        }
    }
}

impl Hosts {
    /// One server for all three hosts, as the simulator runs (its paths do not collide).
    pub fn single(base: &str) -> Self {
        Self {
            api_base: base.to_owned(),
            mp_base: base.to_owned(),
            open_base: base.to_owned(),
        }
    }

    /// The base URL (no trailing slash) serving `host`.
    pub fn base(&self, host: Host) -> &str {
        let base = match host {
            Host::Api => &self.api_base,
            Host::Mp => &self.mp_base,
            Host::Open => &self.open_base,
        };
        base.trim_end_matches('/')
    }
}

/// How reads are retried on `-1`, timeouts and 5xx: `attempts` in all, backoff doubling from `initial` up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// The pause before attempt `attempt + 1` (0-based `attempt` just failed).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// Client settings besides the hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientConfig {
    /// Per attempt; a read that times out is retried under `retry`.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            retry: RetryPolicy::default(),
        }
    }
}

/// A successful answer as received: JSON for most endpoints, image bytes for `get_qrcode`/`get_material`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// True for image answers (§6.3: "branch on is it an image?").
    pub fn is_image(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("image/"))
    }

    /// True when the body should be read as the JSON envelope: not an image, and JSON by type or by its first byte
    /// (WxJava sees `text/plain` on `get_qrcode` errors, §6.3).
    pub fn looks_like_json(&self) -> bool {
        if self.is_image() {
            return false;
        }
        let declared = self
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
        declared || self.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
    }
}

/// The envelope of every JSON answer (§0.3); absent `errcode` is success (token endpoints).
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
}

/// The platform client. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    hosts: Hosts,
    config: ClientConfig,
}

impl Client {
    /// A client with the default timeout (15 s) and retry policy (3 attempts, 100 ms doubling, capped at 2 s).
    pub fn new(hosts: Hosts) -> Result<Self, WxError> {
        Self::with_config(hosts, ClientConfig::default())
    }

    pub fn with_config(hosts: Hosts, config: ClientConfig) -> Result<Self, WxError> {
        let http = reqwest::Client::builder().build().map_err(WxError::from_reqwest)?;
        Ok(Self { http, hosts, config })
    }

    pub fn hosts(&self) -> &Hosts {
        &self.hosts
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Calls a typed endpoint. `token` goes under the endpoint's query name (§0.2); for GET endpoints the request's
    /// fields become query parameters, for POST it is the JSON body. A non-zero `errcode` is `WxError::Api`.
    pub async fn execute<E: Endpoint>(
        &self,
        token: Option<&str>,
        extra_query: &[(&str, &str)],
        body: &E::Request,
    ) -> Result<E::Response, WxError> {
        let mut query: Vec<(String, String)> = E::QUERY.iter().map(owned_pair).collect();
        query.extend(extra_query.iter().map(owned_pair));
        let payload = match E::INFO.method {
            Method::Get => {
                query.extend(query_pairs(body)?);
                None
            }
            Method::Post => Some(serde_json::to_vec(body).map_err(|e| WxError::Decode(format!("request: {e}")))?),
        };
        let raw = self.execute_raw(E::INFO, token, &query, payload).await?;
        E::decode(raw)
    }

    /// Calls any endpoint of the index with a ready body, for the hub's relay. Image answers pass through; a JSON
    /// answer with a non-zero `errcode` is `WxError::Api`. A POST without a body sends `{}` (§0.4: else `44002`).
    /// Token parameters in `query` are dropped: the token travels only as `token`.
    pub async fn execute_raw(
        &self,
        info: &EndpointInfo,
        token: Option<&str>,
        query: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, WxError> {
        let url = self.url(info, token, query)?;
        let body = match info.method {
            Method::Get => None,
            Method::Post => Some(body.unwrap_or_else(|| b"{}".to_vec())),
        };
        let result = self.send_with_retry(info, info.method, &url, body).await;
        match result {
            // §8.7.6: the method of getaccountbasicinfo is [UNCONFIRMED]; GET first, then POST `{}` on `43002`.
            Err(WxError::Api { errcode: 43002, .. }) if info.method == Method::Get && info.allows(Method::Post) => {
                self.send_with_retry(info, Method::Post, &url, Some(b"{}".to_vec()))
                    .await
            }
            other => other,
        }
    }

    /// A multipart upload of one file in the field `media` (§6.5 temporary material, §6.14 `uploadmedia`). A write:
    /// sent once, never retried.
    pub async fn upload(
        &self,
        info: &EndpointInfo,
        token: &str,
        query: &[(String, String)],
        file: &Upload,
    ) -> Result<RawResponse, WxError> {
        let url = self.url(info, Some(token), query)?;
        // The boundary must not occur in the file; a fresh random one per upload makes that a non-event.
        let boundary = format!("wxdesk-{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"{}\"\r\n\
             Content-Type: {}\r\n\r\n",
            file.file_name.replace(['"', '\r', '\n'], "_"),
            file.content_type
        )
        .into_bytes();
        body.extend_from_slice(&file.bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let response = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .timeout(self.config.timeout)
            .send()
            .await
            .map_err(WxError::from_reqwest)?;
        read_answer(response).await
    }

    /// Sends, retrying reads on transient failures with capped exponential backoff; writes go out exactly once.
    async fn send_with_retry(
        &self,
        info: &EndpointInfo,
        method: Method,
        url: &url::Url,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, WxError> {
        let retry = self.config.retry;
        let mut attempt = 0;
        loop {
            let result = self.send_once(method, url.clone(), body.clone()).await;
            match result {
                Err(err) if info.idempotent && err.is_transient() && attempt + 1 < retry.attempts => {
                    tracing::debug!(path = info.path, attempt, error = %err, "retrying a read");
                    tokio::time::sleep(retry.backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The full URL: base of the endpoint's host, its path, the token under its query name, then `query`.
    fn url(&self, info: &EndpointInfo, token: Option<&str>, query: &[(String, String)]) -> Result<url::Url, WxError> {
        let base = self.hosts.base(info.host);
        let mut url = url::Url::parse(&format!("{base}{}", info.path))
            .map_err(|e| WxError::Transport(format!("invalid base URL {base:?}: {e}")))?;
        {
            let mut pairs = url.query_pairs_mut();
            if let (Some(name), Some(token)) = (info.token.query_name(), token) {
                pairs.append_pair(name, token);
            }
            for (k, v) in query.iter().filter(|(k, _)| !is_token_param(k)) {
                pairs.append_pair(k, v);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    async fn send_once(&self, method: Method, url: url::Url, body: Option<Vec<u8>>) -> Result<RawResponse, WxError> {
        let request = match method {
            Method::Get => self.http.get(url),
            Method::Post => self
                .http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json"),
        };
        let request = match body {
            Some(body) => request.body(body),
            None => request,
        };
        let response = request
            .timeout(self.config.timeout)
            .send()
            .await
            .map_err(WxError::from_reqwest)?;
        read_answer(response).await
    }
}

/// An answer as the wire layer hands it on: a non-2xx status is `WxError::Http`, a body with a non-zero `errcode`
/// is the platform's refusal.
async fn read_answer(response: reqwest::Response) -> Result<RawResponse, WxError> {
    let status = response.status().as_u16();
    if !response.status().is_success() {
        return Err(WxError::Http { status });
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.map_err(WxError::from_reqwest)?.to_vec();
    let raw = RawResponse {
        status,
        content_type,
        body,
    };
    check_errcode(&raw)?;
    Ok(raw)
}

/// One file for [`Client::upload`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The query pairs and the JSON body of a relayed call.
pub type RelayParts = (Vec<(String, String)>, Option<serde_json::Value>);

/// A typed request as the parts a relay sends: the query (the endpoint's fixed parameters, plus the request's fields
/// for a GET) and, for a POST, the JSON body. The same rules as [`Client::execute`].
pub fn relay_parts<E: Endpoint>(request: &E::Request) -> Result<RelayParts, WxError> {
    let mut query: Vec<(String, String)> = E::QUERY.iter().map(owned_pair).collect();
    let body = match E::INFO.method {
        Method::Get => {
            query.extend(query_pairs(request)?);
            None
        }
        Method::Post => Some(serde_json::to_value(request).map_err(|e| WxError::Decode(format!("request: {e}")))?),
    };
    Ok((query, body))
}

/// A relayed answer decoded as [`Client::execute`] decodes its own: `errcode` first, then the endpoint's decoder.
pub fn decode_relayed<E: Endpoint>(raw: RawResponse) -> Result<E::Response, WxError> {
    check_errcode(&raw)?;
    E::decode(raw)
}

/// The single place where a non-zero `errcode` becomes `WxError::Api` (§0.3).
fn check_errcode(raw: &RawResponse) -> Result<(), WxError> {
    if !raw.looks_like_json() {
        return Ok(());
    }
    // A body that is not an envelope is left to the endpoint's decoder, which reports it as `Decode`.
    let Ok(envelope) = serde_json::from_slice::<Envelope>(&raw.body) else {
        return Ok(());
    };
    match envelope.errcode {
        None | Some(0) => Ok(()),
        Some(errcode) => Err(WxError::Api {
            errcode,
            errmsg: envelope.errmsg.unwrap_or_default(),
        }),
    }
}

fn owned_pair((k, v): &(&str, &str)) -> (String, String) {
    ((*k).to_owned(), (*v).to_owned())
}

fn is_token_param(name: &str) -> bool {
    name == "access_token" || name == "component_access_token"
}

/// A GET request's fields as query parameters: strings as they are, numbers and booleans as text, nulls omitted.
fn query_pairs<T: Serialize>(request: &T) -> Result<Vec<(String, String)>, WxError> {
    let value = serde_json::to_value(request).map_err(|e| WxError::Decode(format!("request: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Ok(Vec::new());
    };
    let mut pairs = Vec::with_capacity(map.len());
    for (key, value) in map {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            other => {
                return Err(WxError::Decode(format!(
                    "request field {key} cannot be a query parameter: {other}"
                )));
            }
        };
        pairs.push((key, text));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::endpoints::lookup;

    #[test]
    fn token_goes_under_the_endpoints_query_name_and_stray_tokens_are_dropped() {
        let client = Client::new(Hosts::single("http://127.0.0.1:1/")).unwrap();
        let query = vec![
            ("access_token".to_owned(), "stolen".to_owned()),
            ("path".to_owned(), "page/index?a=1".to_owned()),
        ];
        let url = client
            .url(lookup("/wxa/get_qrcode").unwrap(), Some("T"), &query)
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:1/wxa/get_qrcode?access_token=T&path=page%2Findex%3Fa%3D1"
        );
        let url = client
            .url(lookup("/cgi-bin/component/api_query_auth").unwrap(), Some("C"), &[])
            .unwrap();
        assert_eq!(url.query(), Some("component_access_token=C"));
        let url = client
            .url(
                lookup("/cgi-bin/component/api_component_token").unwrap(),
                Some("C"),
                &[],
            )
            .unwrap();
        assert_eq!(url.query(), None, "an endpoint without a token never receives one");
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0), Duration::from_millis(100));
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(10), Duration::from_secs(2));
        assert_eq!(p.backoff(40), Duration::from_secs(2));
    }

    #[test]
    fn errcode_is_mapped_only_from_json_answers() {
        let json = |body: &str| RawResponse {
            status: 200,
            content_type: Some("application/json".into()),
            body: body.into(),
        };
        assert_eq!(
            check_errcode(&json(r#"{"component_access_token":"x","expires_in":7200}"#)),
            Ok(())
        );
        assert_eq!(check_errcode(&json(r#"{"errcode":0,"errmsg":"ok"}"#)), Ok(()));
        assert_eq!(
            check_errcode(&json(
                r#"{"errcode":61004,"errmsg":"access clientip is not registered rid: 1"}"#
            )),
            Err(WxError::Api {
                errcode: 61004,
                errmsg: "access clientip is not registered rid: 1".into()
            })
        );
        let text = RawResponse {
            status: 200,
            content_type: Some("text/plain".into()),
            body: br#" {"errcode":86001}"#.to_vec(),
        };
        assert_eq!(check_errcode(&text).unwrap_err().errcode(), Some(86001));
        let image = RawResponse {
            status: 200,
            content_type: Some("image/jpeg".into()),
            body: b"{\"errcode\":1}".to_vec(),
        };
        assert_eq!(check_errcode(&image), Ok(()));
    }
}
