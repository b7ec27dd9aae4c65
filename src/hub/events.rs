//! The hub's event log: every event is a row with an increasing `seq`; long-polling readers wake on each commit.
//! Events are `hubapi::HubEventKind` values, stored as their JSON and sent to consoles as the same type.

use std::time::Duration;

use tokio::sync::watch;

use super::now_secs;
use super::store::queries;
use super::store::{Store, StoreError};
use crate::hubapi::{HubErrorEvent, HubEvent, HubEventKind};

/// The most events one poll returns; a reader behind by more simply polls again at once.
const PAGE: i64 = 500;

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
    pub async fn emit(&self, event: HubEventKind) -> Result<i64, StoreError> {
        let at = now_secs();
        let seq = self
            .store
            .write(move |conn| queries::append_event(conn, at, &event))
            .await?;
        self.committed(seq);
        Ok(seq)
    }

    /// Appends an `error` event; a failure to record it is logged, since the error itself is already being handled.
    pub async fn emit_error(&self, context: &str, errcode: Option<i64>, message: &str) {
        let event = HubEventKind::Error(HubErrorEvent {
            context: context.to_owned(),
            errcode,
            message: message.to_owned(),
        });
        if let Err(error) = self.emit(event).await {
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
    ) -> Result<Vec<HubEvent>, StoreError> {
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
