//! `GET /metrics` in the Prometheus text format (version 0.0.4), served on its own address (`metrics_listen`).
//!
//! It has its own listener rather than a route behind the operator key: an operator key opens every write of the
//! console API, and a scraper should hold no such power; Prometheus scrapes a private address without credentials,
//! and the public reverse proxy in front of `listen` never exposes it. Nothing here carries a secret, an appid or a
//! token: labels are endpoint paths, errcodes and state names, each a small fixed set.

use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::Hub;
use super::store::StoreError;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PushLabels {
    /// `component` (the authorization-event URL) or `message`.
    url: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusedLabels {
    url: &'static str,
    /// `signature` (401: bad msg_signature or receive id), `malformed` (400) or `not_stored` (503).
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RelayLabels {
    /// The endpoint's path in wechat-api.md, e.g. `/wxa/commit`.
    endpoint: &'static str,
    /// WeChat's errcode (`0` for success), or `hub` when the hub failed before WeChat answered.
    errcode: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    /// `component` or `authorizer`.
    token: &'static str,
    /// `ok` or `failed`.
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobItemLabels {
    kind: String,
    state: String,
}

/// Why a push was refused, as the `reason` label says it.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    Signature,
    Malformed,
    NotStored,
}

/// The hub's counters and gauges, and the registry that encodes them. One per hub.
pub struct Metrics {
    registry: Registry,
    pushes_received: Family<PushLabels, Counter>,
    pushes_refused: Family<RefusedLabels, Counter>,
    relay_calls: Family<RelayLabels, Counter>,
    token_refreshes: Family<TokenLabels, Counter>,
    job_items: Family<JobItemLabels, Gauge>,
    long_poll_clients: Gauge<i64, AtomicI64>,
    /// Held while the job gauges are rebuilt and encoded, so two scrapes never see each other's half-built set.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("wxdesk");
        let metrics = Self {
            pushes_received: Family::default(),
            pushes_refused: Family::default(),
            relay_calls: Family::default(),
            token_refreshes: Family::default(),
            job_items: Family::default(),
            long_poll_clients: Gauge::default(),
            scrape: Mutex::new(()),
            registry: Registry::default(),
        };
        registry.register(
            "pushes_received",
            "Pushes that reached the hub's two push URLs, refused ones included",
            metrics.pushes_received.clone(),
        );
        registry.register(
            "pushes_refused",
            "Pushes answered with an error instead of success, by reason",
            metrics.pushes_refused.clone(),
        );
        registry.register(
            "relay_calls",
            "Console calls relayed to WeChat (POST /api/v1/call), by endpoint and errcode",
            metrics.relay_calls.clone(),
        );
        registry.register(
            "token_refreshes",
            "Component and authorizer access token refreshes, by outcome",
            metrics.token_refreshes.clone(),
        );
        registry.register(
            "job_items",
            "Items of the hub's durable jobs, by job kind and item state",
            metrics.job_items.clone(),
        );
        registry.register(
            "long_poll_clients",
            "Consoles waiting on GET /api/v1/events now",
            metrics.long_poll_clients.clone(),
        );
        Self { registry, ..metrics }
    }
}

impl Metrics {
    pub fn push_received(&self, url: &'static str) {
        self.pushes_received.get_or_create(&PushLabels { url }).inc();
    }

    pub fn push_refused(&self, url: &'static str, refusal: Refusal) {
        let reason = match refusal {
            Refusal::Signature => "signature",
            Refusal::Malformed => "malformed",
            Refusal::NotStored => "not_stored",
        };
        self.pushes_refused.get_or_create(&RefusedLabels { url, reason }).inc();
    }

    /// A relayed call's outcome: WeChat's errcode, or `None` when the hub failed before WeChat answered.
    pub fn relay_call(&self, endpoint: &'static str, errcode: Option<i64>) {
        let errcode = errcode.map_or_else(|| "hub".to_owned(), |code| code.to_string());
        self.relay_calls.get_or_create(&RelayLabels { endpoint, errcode }).inc();
    }

    pub fn token_refresh(&self, token: &'static str, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.token_refreshes
            .get_or_create(&TokenLabels { token, outcome })
            .inc();
    }

    /// Counts a long-polling console until the returned guard drops (the poll answered or the client went away).
    pub fn long_poll(self: &Arc<Self>) -> LongPoll {
        self.long_poll_clients.inc();
        LongPoll(self.clone())
    }

    /// The exposition, with the job gauges read from `counts` (kind, state, items) just before.
    fn encode(&self, counts: Vec<(String, String, i64)>) -> Result<String, std::fmt::Error> {
        let _scrape = self.scrape.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.job_items.clear();
        for (kind, state, items) in counts {
            self.job_items.get_or_create(&JobItemLabels { kind, state }).set(items);
        }
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// One long-polling console, counted while it lives.
pub struct LongPoll(Arc<Metrics>);

impl Drop for LongPoll {
    fn drop(&mut self) {
        self.0.long_poll_clients.dec();
    }
}

/// The hub's counters and gauges, served on `metrics_listen` only (`api::metrics_router`).
#[utoipa::path(get, path = "/metrics", tag = "metrics",
    responses((status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain"),
        (status = 503, description = "The database did not answer")))]
pub async fn metrics(State(hub): State<Arc<Hub>>) -> Response {
    let counts = hub.store.read(job_item_counts).await;
    let text = counts.map_err(|e| e.to_string()).and_then(|counts| {
        hub.metrics
            .encode(counts)
            .map_err(|_| "the metrics did not encode".to_owned())
    });
    match text {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )],
            text,
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "metrics not served");
            (StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable").into_response()
        }
    }
}

fn job_item_counts(conn: &rusqlite::Connection) -> Result<Vec<(String, String, i64)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT jobs.kind, job_items.state, COUNT(*) FROM job_items JOIN jobs ON jobs.id = job_items.job_id \
         GROUP BY jobs.kind, job_items.state",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_family_with_its_labels() {
        let metrics = Arc::new(Metrics::default());
        metrics.push_received("component");
        metrics.push_refused("component", Refusal::Signature);
        metrics.relay_call("/wxa/commit", Some(85013));
        metrics.token_refresh("component", true);
        let poll = metrics.long_poll();
        let text = metrics
            .encode(vec![("deployment".into(), "released".into(), 3)])
            .unwrap();
        assert!(text.contains("wxdesk_pushes_refused_total{url=\"component\",reason=\"signature\"} 1"));
        assert!(text.contains("wxdesk_relay_calls_total{endpoint=\"/wxa/commit\",errcode=\"85013\"} 1"));
        assert!(text.contains("wxdesk_job_items{kind=\"deployment\",state=\"released\"} 3"));
        assert!(text.contains("wxdesk_long_poll_clients 1"), "{text}");
        drop(poll);
        let text = metrics.encode(Vec::new()).unwrap();
        assert!(text.contains("wxdesk_long_poll_clients 0"));
        assert!(
            !text.contains("state=\"released\""),
            "gauges of finished states are rebuilt each scrape"
        );
    }
}
