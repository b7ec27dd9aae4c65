//! The hub's console API over HTTP (DESIGN.md "The hub"): every request goes through one private `execute`, which
//! sends the operator key and turns every failure into one `EngineError`. The console never sees a WeChat token.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use super::protocol::{
    ActivityEntry, AuthorizerRow, EngineError, ErrorKind, HubEvent, HubStatus, PreAuth, PreAuthRequest, Secret,
    SyncSummary,
};
use super::wire;

/// How long an ordinary request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// A sync fetches every account's details from WeChat; thousands of accounts take minutes.
const SYNC_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The page size asked for the authorizer list (the hub allows up to 1,000).
pub const AUTHORIZER_PAGE: usize = 500;
/// The most rows reserved up front from the hub's `total`, so a wrong total cannot ask for an absurd allocation.
const MAX_RESERVE: usize = 1_000_000;
/// The page size asked for the activity log.
const ACTIVITY_PAGE: usize = 500;
/// How much of the activity log the console keeps: the newest entries.
pub const ACTIVITY_KEPT: usize = 5_000;

/// A client of one hub, authenticated by one operator key.
#[derive(Clone)]
pub struct HubClient {
    http: reqwest::Client,
    base: String,
    key: Secret,
}

/// The answer of a relayed WeChat call (`POST /api/v1/call`): binary answers such as QR images pass through as-is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// One page of the hub's event stream.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsPage {
    pub events: Vec<HubEvent>,
    /// The `after` to ask with next time.
    pub next: i64,
}

impl HubClient {
    /// A client for the hub at `base` (e.g. `https://hub.example.com`, no trailing slash needed).
    pub fn new(base: &str, key: Secret) -> Result<Self, EngineError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("wxdesk-console/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| EngineError::new(ErrorKind::Startup, format!("cannot build the HTTP client: {e}")))?;
        Ok(HubClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
            key,
        })
    }

    /// The hub's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /api/v1/status`.
    pub async fn status(&self) -> Result<HubStatus, EngineError> {
        let status: wire::Status = self.execute(self.request(Method::GET, "/api/v1/status")).await?;
        Ok(status.into())
    }

    /// `POST /api/v1/preauth`.
    pub async fn preauth(&self, request: &PreAuthRequest) -> Result<PreAuth, EngineError> {
        let body = wire::PreAuthBody::from(request);
        self.execute(self.request(Method::POST, "/api/v1/preauth").json(&body))
            .await
    }

    /// One page of `GET /api/v1/authorizers`, and the total the hub reports.
    pub async fn authorizers_page(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<AuthorizerRow>, Option<u64>), EngineError> {
        let query = [("offset", offset.to_string()), ("limit", limit.to_string())];
        let page: wire::AuthorizerPage = self
            .execute(self.request(Method::GET, "/api/v1/authorizers").query(&query))
            .await?;
        Ok(page.into_rows())
    }

    /// Every authorizer, page by page.
    pub async fn all_authorizers(&self) -> Result<Vec<AuthorizerRow>, EngineError> {
        let mut rows = Vec::new();
        loop {
            let (page, total) = self.authorizers_page(rows.len(), AUTHORIZER_PAGE).await?;
            let short = page.len() < AUTHORIZER_PAGE;
            if let Some(total) = total.and_then(|t| usize::try_from(t).ok()) {
                // One allocation of the right size, not a doubling series (100,000 rows are ~20 MB).
                rows.reserve_exact(total.saturating_sub(rows.len()).min(MAX_RESERVE));
            }
            rows.extend(page);
            let complete = total.is_some_and(|total| rows.len() as u64 >= total);
            if short || complete {
                return Ok(rows);
            }
        }
    }

    /// `POST /api/v1/authorizers/sync`: the hub pulls the list and details from WeChat again.
    pub async fn sync(&self) -> Result<SyncSummary, EngineError> {
        let request = self
            .request(Method::POST, "/api/v1/authorizers/sync")
            .json(&serde_json::json!({}));
        self.execute(request.timeout(SYNC_TIMEOUT)).await
    }

    /// `GET /api/v1/events?after=SEQ&wait_secs=N`: returns as soon as an event arrives, or empty after `wait_secs`.
    pub async fn events(&self, after: i64, wait_secs: u64) -> Result<EventsPage, EngineError> {
        let query = [("after", after.to_string()), ("wait_secs", wait_secs.to_string())];
        let request = self.request(Method::GET, "/api/v1/events").query(&query);
        let page: wire::EventsPage = self
            .execute(request.timeout(Duration::from_secs(wait_secs + 15)))
            .await?;
        Ok(page.into_page(after))
    }

    /// `GET /api/v1/activity`, page by page: the most recent [`ACTIVITY_KEPT`] entries, oldest first.
    pub async fn activity(&self) -> Result<Vec<ActivityEntry>, EngineError> {
        let mut entries: Vec<ActivityEntry> = Vec::new();
        let mut after = 0;
        loop {
            let query = [("after", after.to_string()), ("limit", ACTIVITY_PAGE.to_string())];
            let request = self.request(Method::GET, "/api/v1/activity").query(&query);
            let list: wire::ActivityList = self.execute(request).await?;
            let page = list.into_entries();
            let Some(last) = page.last().map(|entry| entry.seq) else {
                break;
            };
            let short = page.len() < ACTIVITY_PAGE;
            entries.extend(page);
            if entries.len() > ACTIVITY_KEPT {
                entries.drain(..entries.len() - ACTIVITY_KEPT);
            }
            if short || last <= after {
                break;
            }
            after = last;
        }
        Ok(entries)
    }

    /// `POST /api/v1/call`: a WeChat API call relayed by the hub, which injects the token.
    pub async fn call(&self, call: &wire::CallRequest) -> Result<CallResponse, EngineError> {
        let response = self.send(self.request(Method::POST, "/api/v1/call").json(call)).await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(transport_error)?.to_vec();
        Ok(CallResponse {
            status,
            content_type,
            body,
        })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.key.expose())
            .timeout(REQUEST_TIMEOUT)
    }

    /// Sends and decodes a JSON answer. A relayed WeChat error (non-zero `errcode`) fails even with HTTP 200.
    async fn execute<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, EngineError> {
        let response = self.send(request).await?;
        let bytes = response.bytes().await.map_err(transport_error)?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| EngineError::new(ErrorKind::Decode, format!("the hub's answer is not JSON: {e}")))?;
        if let Some(error) = wire::wechat_error(&value) {
            return Err(error);
        }
        serde_json::from_value(value)
            .map_err(|e| EngineError::new(ErrorKind::Decode, format!("unexpected answer from the hub: {e}")))
    }

    /// Sends, and turns transport failures and HTTP errors into `EngineError`s.
    async fn send(&self, request: RequestBuilder) -> Result<reqwest::Response, EngineError> {
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(http_error(status, &body))
    }
}

fn transport_error(error: reqwest::Error) -> EngineError {
    let error = error.without_url();
    if error.is_timeout() {
        EngineError::new(ErrorKind::Timeout, "the hub did not answer in time")
    } else {
        EngineError::new(
            ErrorKind::Network,
            format!("cannot reach the hub: {}", full_chain(&error)),
        )
    }
}

/// reqwest's own message is terse ("error sending request"); the cause says what went wrong (refused, DNS, TLS).
fn full_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn http_error(status: StatusCode, body: &[u8]) -> EngineError {
    if status == StatusCode::UNAUTHORIZED {
        return EngineError::new(
            ErrorKind::Unauthorized,
            "the hub refused the operator key (wrong or revoked)",
        );
    }
    let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    if let Some(error) = value.as_ref().and_then(wire::wechat_error) {
        return error;
    }
    let detail = value.as_ref().and_then(wire::error_message).unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        text.chars().take(300).collect()
    });
    let message = if detail.trim().is_empty() {
        format!("the hub answered HTTP {status}")
    } else {
        format!("the hub answered HTTP {status}: {detail}")
    };
    EngineError::new(
        ErrorKind::Hub {
            status: status.as_u16(),
        },
        message,
    )
}

/// A request body for a relayed call, re-exported for callers outside the engine.
pub fn call_request(
    authorizer_appid: Option<String>,
    method: &str,
    path: &str,
    query: std::collections::BTreeMap<String, String>,
    body: Option<serde_json::Value>,
) -> wire::CallRequest {
    wire::CallRequest {
        authorizer_appid,
        method: method.to_owned(),
        path: path.to_owned(),
        query,
        body,
    }
}

/// The key never leaves through `Debug`.
impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubClient")
            .field("base", &self.base)
            .field("key", &self.key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_errors_say_whose_fault_it_is() {
        let refused = http_error(StatusCode::UNAUTHORIZED, b"{\"error\":\"bad key\"}");
        assert_eq!(refused.kind, ErrorKind::Unauthorized);

        let no_ticket = http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            br#"{"error":"no ticket yet","errcode":null}"#,
        );
        assert_eq!(no_ticket.kind, ErrorKind::Hub { status: 503 });
        assert!(no_ticket.message.contains("no ticket yet"), "{}", no_ticket.message);

        let relayed = http_error(StatusCode::CONFLICT, br#"{"error":"not authorized","errcode":61003}"#);
        assert_eq!(relayed.kind, ErrorKind::WeChat { errcode: 61003 });

        let html = http_error(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert_eq!(html.kind, ErrorKind::Hub { status: 502 });
        assert!(html.message.contains("bad gateway"));
    }

    #[test]
    fn the_operator_key_stays_out_of_debug_output() {
        let client = HubClient::new("https://hub.example.com/", Secret::new("s3cret-operator-key")).expect("client");
        assert_eq!(client.base_url(), "https://hub.example.com");
        assert!(!format!("{client:?}").contains("s3cret"));
    }
}
