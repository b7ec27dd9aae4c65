//! The hub's event log: every event is a row with an increasing `seq`; long-polling readers wake on each commit.

use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::watch;

use super::now_secs;
use super::store::queries::{self, EventRow};
use super::store::{Store, StoreError};

/// The most events one poll returns; a reader behind by more simply polls again at once.
const PAGE: i64 = 500;

/// What happened. The console switches on the `kind` string, so the names are part of the API (DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    TicketReceived,
    Authorized,
    UpdateAuthorized,
    Unauthorized,
    AuditSuccess,
    AuditFail,
    AuditDelay,
    RegistrationResult,
    TokenRefreshed,
    SyncProgress,
    Error,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TicketReceived => "ticket_received",
            Self::Authorized => "authorized",
            Self::UpdateAuthorized => "updateauthorized",
            Self::Unauthorized => "unauthorized",
            Self::AuditSuccess => "audit_success",
            Self::AuditFail => "audit_fail",
            Self::AuditDelay => "audit_delay",
            Self::RegistrationResult => "registration_result",
            Self::TokenRefreshed => "token_refreshed",
            Self::SyncProgress => "sync_progress",
            Self::Error => "error",
        }
    }
}

/// Appends events and wakes the readers waiting for them.
#[derive(Clone)]
pub struct EventLog {
    store: Store,
    latest: watch::Sender<i64>,
}

impl EventLog {
    pub fn new(store: Store, last_seq: i64) -> Self {
        Self {
            store,
            latest: watch::Sender::new(last_seq),
        }
    }

    /// Appends an event in its own transaction.
    pub async fn emit(&self, kind: EventKind, data: Value) -> Result<i64, StoreError> {
        let at = now_secs();
        let seq = self
            .store
            .write(move |conn| queries::append_event(conn, at, kind.as_str(), &data))
            .await?;
        self.committed(seq);
        Ok(seq)
    }

    /// Appends an `error` event; a failure to record it is logged, since the error itself is already being handled.
    pub async fn emit_error(&self, context: &str, errcode: Option<i64>, message: &str) {
        let data = json!({ "context": context, "errcode": errcode, "message": message });
        if let Err(error) = self.emit(EventKind::Error, data).await {
            tracing::warn!(%error, "could not record an error event");
        }
    }

    /// Tells waiting readers that events up to `seq` are committed (for events written inside another write).
    pub fn committed(&self, seq: i64) {
        self.latest.send_if_modified(|latest| {
            let newer = seq > *latest;
            if newer {
                *latest = seq;
            }
            newer
        });
    }

    /// Events after `after`; when there are none, waits up to `wait` for the next commit (or for `stop`).
    pub async fn poll(
        &self,
        after: i64,
        wait: Duration,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Vec<EventRow>, StoreError> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut latest = self.latest.subscribe();
        loop {
            // Mark the current value seen before reading, so a commit after the read still wakes us.
            latest.borrow_and_update();
            let rows = self
                .store
                .read(move |conn| queries::events_after(conn, after, PAGE))
                .await?;
            if !rows.is_empty() || *stop.borrow() {
                return Ok(rows);
            }
            tokio::select! {
                changed = latest.changed() => if changed.is_err() { return Ok(rows) },
                _ = tokio::time::sleep_until(deadline) => return Ok(rows),
                _ = stop.changed() => return Ok(rows),
            }
        }
    }
}

/// The JSON of one event as the console receives it: `seq`, `at`, `kind` and the kind's fields.
pub fn event_json(row: &EventRow) -> Value {
    let mut object = match &row.data {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    object.insert("seq".into(), row.seq.into());
    object.insert("at".into(), row.at.into());
    object.insert("kind".into(), row.kind.clone().into());
    Value::Object(object)
}
