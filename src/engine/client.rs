//! The hub's console API over HTTP (DESIGN.md "The hub"): every request goes through one private `execute`, which
//! sends the operator key, decodes the answer as the `hubapi` type the hub serialized, and turns every failure into
//! one `EngineError`. The console never sees a WeChat token.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use super::protocol::{EngineError, ErrorKind, Secret};
use crate::hubapi::{
    ActivityPage, ActivityQuery, AuditBatch, AuditPage, AuditQuery, AuditQuota, Authorizer, AuthorizerPage,
    CallRequest, ErrorBody, ErrorCode, EventsPage, Job, JobCreated, JobId, JobList, JobQuery, MediaUploaded, Plan,
    Preauth, PreauthRequest, Registration, RegistrationCreated, RegistrationList, RegistrationRequest, RetryRequest,
    Status,
};
use crate::wechat::{Endpoint, RawResponse, WxError};

/// How long an ordinary request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The page size asked for the authorizer list (the hub allows up to 1,000).
pub const AUTHORIZER_PAGE: usize = 500;
/// The most rows reserved up front from the hub's `total`, so a wrong total cannot ask for an absurd allocation.
const MAX_RESERVE: usize = 1_000_000;

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

/// What an operator can do to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobVerb {
    Pause,
    Resume,
    Approve,
    Cancel,
}

impl JobVerb {
    fn path(self) -> &'static str {
        match self {
            JobVerb::Pause => "pause",
            JobVerb::Resume => "resume",
            JobVerb::Approve => "approve",
            JobVerb::Cancel => "cancel",
        }
    }
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

    /// `GET /healthz`: whether the hub answers at all (no key; used to notice a hub that is back).
    pub async fn healthz(&self) -> bool {
        let url = format!("{}/healthz", self.base);
        matches!(
            self.http.get(url).timeout(Duration::from_secs(2)).send().await,
            Ok(response) if response.status().is_success()
        )
    }

    /// `GET /api/v1/status`.
    pub async fn status(&self) -> Result<Status, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/status")).await
    }

    /// `GET /api/v1/readiness`: the 全网发布 readiness check, run by the hub now.
    pub async fn readiness(&self) -> Result<crate::hubapi::Readiness, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/readiness")).await
    }

    /// `POST /api/v1/preauth`.
    pub async fn preauth(&self, request: &PreauthRequest) -> Result<Preauth, EngineError> {
        self.execute(self.request(Method::POST, "/api/v1/preauth").json(request))
            .await
    }

    /// One page of `GET /api/v1/authorizers`.
    pub async fn authorizers_page(&self, offset: usize, limit: usize) -> Result<AuthorizerPage, EngineError> {
        let query = [("offset", offset.to_string()), ("limit", limit.to_string())];
        self.execute(self.request(Method::GET, "/api/v1/authorizers").query(&query))
            .await
    }

    /// Every authorizer, page by page.
    pub async fn all_authorizers(&self) -> Result<Vec<Authorizer>, EngineError> {
        let mut rows = Vec::new();
        loop {
            let page = self.authorizers_page(rows.len(), AUTHORIZER_PAGE).await?;
            let total = usize::try_from(page.total).unwrap_or_default();
            // One allocation of the right size, not a doubling series (100,000 rows are ~20 MB).
            rows.reserve_exact(total.saturating_sub(rows.len()).min(MAX_RESERVE));
            let short = page.authorizers.len() < AUTHORIZER_PAGE;
            rows.extend(page.authorizers);
            if short || rows.len() >= total {
                return Ok(rows);
            }
        }
    }

    /// `POST /api/v1/authorizers/sync`: starts the hub's sync job (or names the one running).
    pub async fn sync(&self) -> Result<JobId, EngineError> {
        let created: JobCreated = self
            .execute(self.request(Method::POST, "/api/v1/authorizers/sync"))
            .await?;
        Ok(created.id)
    }

    /// `GET /api/v1/events?after=SEQ&wait_secs=N`: returns as soon as an event arrives, or empty after `wait_secs`.
    pub async fn events(&self, after: i64, wait_secs: u64) -> Result<EventsPage, EngineError> {
        let query = [("after", after.to_string()), ("wait_secs", wait_secs.to_string())];
        let request = self.request(Method::GET, "/api/v1/events").query(&query);
        self.execute(request.timeout(Duration::from_secs(wait_secs + 15))).await
    }

    /// One page of `GET /api/v1/activity`.
    pub async fn activity(&self, query: &ActivityQuery) -> Result<ActivityPage, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/activity").query(query))
            .await
    }

    /// `GET /api/v1/jobs`.
    pub async fn jobs(&self, query: &JobQuery) -> Result<JobList, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/jobs").query(query))
            .await
    }

    /// `GET /api/v1/jobs/{id}`: the job with its items.
    pub async fn job(&self, id: JobId) -> Result<Job, EngineError> {
        self.execute(self.request(Method::GET, &format!("/api/v1/jobs/{id}")))
            .await
    }

    /// `POST /api/v1/jobs/{id}/pause|resume|approve|cancel`.
    pub async fn job_action(&self, id: JobId, verb: JobVerb) -> Result<Job, EngineError> {
        let path = format!("/api/v1/jobs/{id}/{}", verb.path());
        self.execute(self.request(Method::POST, &path)).await
    }

    /// `POST /api/v1/jobs/{id}/retry`.
    pub async fn job_retry(&self, id: JobId, appids: Vec<String>) -> Result<Job, EngineError> {
        let path = format!("/api/v1/jobs/{id}/retry");
        self.execute(self.request(Method::POST, &path).json(&RetryRequest { appids }))
            .await
    }

    /// `GET /api/v1/audits`: a page of every mini program's latest audit, filtered by status and a search text.
    pub async fn audits(&self, query: &AuditQuery) -> Result<AuditPage, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/audits").query(query))
            .await
    }

    /// Every row matching `query`, read page by page from `query.offset` in pages of `query.limit` (the hub's
    /// default when unset), as one page whose `total` is the last page's. Each row is kept once, where first read.
    pub async fn all_audits(&self, query: &AuditQuery) -> Result<AuditPage, EngineError> {
        let start = query.offset.unwrap_or(0);
        let mut all = AuditPage {
            total: 0,
            offset: start,
            audits: Vec::new(),
        };
        let mut seen = HashSet::new();
        let mut offset = start;
        loop {
            let (read, _) = self.audits_into(query, offset, &mut all, &mut seen).await?;
            offset += read;
            if read == 0 || offset >= all.total {
                break;
            }
        }
        // The pages are most recently changed first: a row that changed while they were read moved to the front,
        // pushing the rest back (one row came twice) and, if it had not been read yet, was missed. The front is
        // read again until every row the hub counts is held, or a page brings nothing new.
        let mut offset = start;
        while start + (all.audits.len() as i64) < all.total {
            let (read, added) = self.audits_into(query, offset, &mut all, &mut seen).await?;
            offset += read;
            if read == 0 || added == 0 {
                break;
            }
        }
        Ok(all)
    }

    /// One page of audits at `offset` added to `all`, leaving out rows already `seen`. Answers how many rows the
    /// page held and how many of them were new.
    async fn audits_into(
        &self,
        query: &AuditQuery,
        offset: i64,
        all: &mut AuditPage,
        seen: &mut HashSet<String>,
    ) -> Result<(i64, usize), EngineError> {
        let page = self
            .audits(&AuditQuery {
                offset: Some(offset),
                ..query.clone()
            })
            .await?;
        all.total = page.total;
        let read = page.audits.len() as i64;
        let before = all.audits.len();
        let fresh = page.audits.into_iter().filter(|audit| seen.insert(audit.appid.clone()));
        all.audits.extend(fresh);
        Ok((read, all.audits.len() - before))
    }

    /// `GET /api/v1/audits/{appid}/screenshots/{media_id}`: the hub's copy of a rejection's screenshot. `None` when
    /// the hub has not fetched it from WeChat yet (`404 screenshot_missing`; the hub tries again on its own).
    pub async fn screenshot(&self, appid: &str, media_id: &str) -> Result<Option<Vec<u8>>, EngineError> {
        let path = format!(
            "/api/v1/audits/{}/screenshots/{}",
            path_segment(appid),
            path_segment(media_id)
        );
        let response = self.request(Method::GET, &path).send().await.map_err(transport_error)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.bytes().await.unwrap_or_default();
            if is_code(&body, ErrorCode::ScreenshotMissing) {
                return Ok(None);
            }
            return Err(http_error(status, &body));
        }
        let bytes = response.bytes().await.map_err(transport_error)?;
        Ok(Some(bytes.to_vec()))
    }

    /// `GET /api/v1/audits/quota`: the platform-wide audit quota, read now by the hub (§6.13).
    pub async fn audit_quota(&self) -> Result<AuditQuota, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/audits/quota")).await
    }

    /// `GET /api/v1/release-check`: the last 全网发布 access check the hub answered (advisory, wechat-api.md §14.2).
    pub async fn release_check(&self) -> Result<crate::hubapi::ReleaseCheck, EngineError> {
        self.execute(self.request(Method::GET, "/api/v1/release-check")).await
    }

    /// `POST /api/v1/audits/release` or `/speedup`: a bulk action as a hub job; a bad appid is `ErrorKind::Invalid`
    /// with the field naming it.
    pub async fn audit_batch(&self, action: &str, appids: Vec<String>) -> Result<JobId, EngineError> {
        let path = format!("/api/v1/audits/{action}");
        let created: JobCreated = self
            .execute(self.request(Method::POST, &path).json(&AuditBatch { appids }))
            .await?;
        Ok(created.id)
    }

    /// `POST /api/v1/audits/{appid}/media`: an image uploaded to WeChat as the mini program's temporary material;
    /// answers its media id for `feedback_stuff` (§6.5).
    pub async fn upload_feedback_image(
        &self,
        appid: &str,
        image: &crate::engine::protocol::FeedbackImage,
    ) -> Result<String, EngineError> {
        let path = format!("/api/v1/audits/{}/media", path_segment(appid));
        let request = self
            .request(Method::POST, &path)
            .query(&[("file_name", image.file_name.as_str())])
            .header(reqwest::header::CONTENT_TYPE, image.content_type.as_str())
            .body(image.bytes.as_ref().clone());
        let uploaded: MediaUploaded = self.execute(request).await?;
        Ok(uploaded.media_id)
    }

    /// `GET /api/v1/registrations`: every registration task, newest first.
    pub async fn registrations(&self) -> Result<Vec<Registration>, EngineError> {
        let list: RegistrationList = self.execute(self.request(Method::GET, "/api/v1/registrations")).await?;
        Ok(list.registrations)
    }

    /// `POST /api/v1/registrations`: a bad field is `ErrorKind::Validation` naming it.
    pub async fn create_registration(&self, request: &RegistrationRequest) -> Result<RegistrationCreated, EngineError> {
        self.execute(self.request(Method::POST, "/api/v1/registrations").json(request))
            .await
    }

    /// `POST /api/v1/deployments`: starts a deployment; a bad plan is `ErrorKind::Invalid` with each bad field.
    pub async fn deploy(&self, plan: &Plan) -> Result<JobId, EngineError> {
        let created: JobCreated = self
            .execute(self.request(Method::POST, "/api/v1/deployments").json(plan))
            .await?;
        Ok(created.id)
    }

    /// The typed relay: `E` through `POST /api/v1/call` with the account's token injected by the hub, decoded as the
    /// wire layer decodes its own calls. A refusal by WeChat is `ErrorKind::WeChat` with its errcode.
    pub async fn relay<E: Endpoint>(
        &self,
        appid: Option<&str>,
        request: &E::Request,
    ) -> Result<E::Response, EngineError> {
        let (query, body) = crate::wechat::client::relay_parts::<E>(request).map_err(wechat_error)?;
        let call = CallRequest {
            authorizer_appid: appid.map(str::to_owned),
            method: E::INFO.method.as_str().to_owned(),
            path: E::INFO.path.to_owned(),
            query: query
                .into_iter()
                .map(|(name, value)| (name, serde_json::Value::String(value)))
                .collect(),
            body,
        };
        let answer = self.call(&call).await?;
        let raw = RawResponse {
            status: answer.status,
            content_type: answer.content_type,
            body: answer.body,
        };
        crate::wechat::client::decode_relayed::<E>(raw).map_err(wechat_error)
    }

    /// `POST /api/v1/call`: a WeChat API call relayed by the hub, which injects the token.
    pub async fn call(&self, call: &CallRequest) -> Result<CallResponse, EngineError> {
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

    /// Sends and decodes the `hubapi` type the hub answers with.
    async fn execute<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, EngineError> {
        let response = self.send(request).await?;
        let bytes = response.bytes().await.map_err(transport_error)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            EngineError::new(ErrorKind::Decode, "the hub's answer has an unexpected shape").with_detail(format!("{e}"))
        })
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
        EngineError::new(ErrorKind::Network, "cannot reach the hub").with_detail(full_chain(&error))
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

/// A refusal as the hub's `ErrorBody` says it; a body that is not one (a proxy's page) by its status alone.
fn http_error(status: StatusCode, body: &[u8]) -> EngineError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    if status == StatusCode::UNAUTHORIZED {
        return EngineError::new(
            ErrorKind::Unauthorized,
            "the hub refused the operator key (wrong or revoked)",
        );
    }
    let Some(ErrorBody { error }) = parsed else {
        let text: String = String::from_utf8_lossy(body).chars().take(300).collect();
        return EngineError::new(
            ErrorKind::Hub {
                status: status.as_u16(),
            },
            format!("the hub answered HTTP {}", status.as_u16()),
        )
        .with_detail(text);
    };
    let kind = match (error.code, error.errcode) {
        (ErrorCode::Upstream, Some(errcode)) => ErrorKind::WeChat { errcode },
        _ => ErrorKind::Hub {
            status: status.as_u16(),
        },
    };
    EngineError {
        fields: error.fields.unwrap_or_default().into_iter().collect(),
        ..EngineError::new(kind, error.message)
    }
}

/// `text` as one URL path segment: every byte but RFC 3986's unreserved ones percent-encoded, so an id with a `/`
/// or a `?` (media ids are the platform's, not ours) still names one resource.
fn path_segment(text: &str) -> String {
    let mut segment = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    segment
}

/// Whether an error answer's body is the hub's `ErrorBody` with `code`.
fn is_code(body: &[u8], code: ErrorCode) -> bool {
    serde_json::from_slice::<ErrorBody>(body).is_ok_and(|body| body.error.code == code)
}

/// A relayed call WeChat refused, or whose answer did not decode.
fn wechat_error(error: WxError) -> EngineError {
    match error {
        WxError::Api { errcode, errmsg } => {
            EngineError::new(ErrorKind::WeChat { errcode }, format!("WeChat error {errcode}")).with_detail(errmsg)
        }
        other => {
            EngineError::new(ErrorKind::Decode, "WeChat's answer could not be read").with_detail(other.to_string())
        }
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
        let refused = http_error(
            StatusCode::UNAUTHORIZED,
            br#"{"error":{"code":"unauthorized","message":"no"}}"#,
        );
        assert_eq!(refused.kind, ErrorKind::Unauthorized);

        let no_ticket = http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            br#"{"error":{"code":"unavailable","message":"no ticket yet"}}"#,
        );
        assert_eq!(no_ticket.kind, ErrorKind::Hub { status: 503 });
        assert!(no_ticket.message.contains("no ticket yet"), "{}", no_ticket.message);

        let relayed = http_error(
            StatusCode::BAD_GATEWAY,
            br#"{"error":{"code":"upstream","message":"WeChat error 61003","errcode":61003}}"#,
        );
        assert_eq!(relayed.kind, ErrorKind::WeChat { errcode: 61003 });

        let invalid = http_error(
            StatusCode::BAD_REQUEST,
            br#"{"error":{"code":"invalid_request","message":"invalid: biz_appid","fields":{"biz_appid":"not an appid"}}}"#,
        );
        assert_eq!(
            invalid.fields,
            vec![("biz_appid".to_owned(), "not an appid".to_owned())]
        );

        assert_eq!(path_segment("wx0123_ab-c.d~"), "wx0123_ab-c.d~");
        assert_eq!(path_segment("a/b?c d"), "a%2Fb%3Fc%20d");
        assert_eq!(path_segment("图"), "%E5%9B%BE");

        let missing = br#"{"error":{"code":"screenshot_missing","message":"not fetched yet"}}"#;
        assert!(is_code(missing, ErrorCode::ScreenshotMissing));
        assert!(!is_code(
            br#"{"error":{"code":"not_found","message":"no"}}"#,
            ErrorCode::ScreenshotMissing
        ));
        assert!(!is_code(b"<html>404</html>", ErrorCode::ScreenshotMissing));

        let html = http_error(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert_eq!(html.kind, ErrorKind::Hub { status: 502 });
        assert!(html.detail.as_deref().is_some_and(|d| d.contains("bad gateway")));
    }

    #[test]
    fn the_operator_key_stays_out_of_debug_output() {
        let client = HubClient::new("https://hub.example.com/", Secret::new("s3cret-operator-key")).expect("client");
        assert_eq!(client.base_url(), "https://hub.example.com");
        assert!(!format!("{client:?}").contains("s3cret"));
    }

    fn audit(appid: &str) -> crate::hubapi::Audit {
        crate::hubapi::Audit {
            appid: appid.into(),
            nick_name: None,
            auditid: Some(1),
            user_version: Some("1.0.0".into()),
            user_desc: None,
            status: crate::hubapi::AuditStatus::Auditing,
            submitted_at: Some(1_700_000_000),
            resolved_at: None,
            reasons: Vec::new(),
            screenshots: Vec::new(),
            screenshot_files: Vec::new(),
            source: crate::hubapi::AuditSource::Poll,
            updated_at: 1_700_000_000,
            gray_percentage: None,
            withdrawals: Default::default(),
        }
    }

    /// A hub whose rows change while the console pages through them: after the first page is served, the last row
    /// changes and moves to the front, as `ORDER BY updated_at DESC` puts it. Every row still arrives, once.
    #[tokio::test]
    async fn a_row_that_changes_while_the_pages_are_read_is_read_once_and_not_missed() {
        use std::sync::{Arc, Mutex};

        use axum::extract::{Query, State};

        type Rows = Arc<Mutex<(usize, Vec<crate::hubapi::Audit>)>>;
        async fn list(State(rows): State<Rows>, Query(query): Query<AuditQuery>) -> axum::Json<AuditPage> {
            let mut rows = rows.lock().unwrap();
            let (served, list) = &mut *rows;
            let offset = query.offset.unwrap_or(0) as usize;
            let limit = query.limit.unwrap_or(100) as usize;
            let page = AuditPage {
                total: list.len() as i64,
                offset: offset as i64,
                audits: list.iter().skip(offset).take(limit).cloned().collect(),
            };
            *served += 1;
            if *served == 1 {
                let changed = list.pop().unwrap();
                list.insert(0, changed);
            }
            axum::Json(page)
        }

        let seeded: Vec<_> = (0..5).map(|i| audit(&format!("wx{i}"))).collect();
        let rows: Rows = Arc::new(Mutex::new((0, seeded)));
        let app = axum::Router::new()
            .route("/api/v1/audits", axum::routing::get(list))
            .with_state(Arc::clone(&rows));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });

        let client = HubClient::new(&url, Secret::new("key")).unwrap();
        let query = AuditQuery {
            limit: Some(2),
            ..AuditQuery::default()
        };
        let all = client.all_audits(&query).await.expect("every page");
        let mut appids: Vec<&str> = all.audits.iter().map(|a| a.appid.as_str()).collect();
        appids.sort();
        assert_eq!(
            appids,
            ["wx0", "wx1", "wx2", "wx3", "wx4"],
            "each row once, the moved one too"
        );
        assert_eq!(all.total, 5);
    }
}
