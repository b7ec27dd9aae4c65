//! The long poll on the hub's event stream: turns hub events into `Event::Hub` (and sync progress into
//! `Event::SyncProgress`), reports the connection's state, and reconnects with capped exponential backoff.

use std::sync::Arc;
use std::time::Duration;

use super::Outbox;
use super::cache::Cache;
use super::client::HubClient;
use super::protocol::{ConnectionState, EngineError, Event, HubEvent, hub_event_kind};

/// How long the hub holds each poll open (DESIGN.md: `wait_secs=25`).
pub const WAIT_SECS: u64 = 25;
/// The longest pause between reconnection attempts.
const MAX_BACKOFF_SECS: u64 = 30;

/// Runs until the task is aborted (when another profile activates), starting after `after`
/// (from [`starting_point`], computed before the profile reports itself active so no event slips between).
pub async fn run(client: HubClient, cache: Arc<Cache>, outbox: Outbox, mut after: i64) {
    // The starting point was just read from this hub, so it is reachable now; a poll can take 25 s to answer.
    outbox.emit(Event::Connection(ConnectionState::Connected)).await;
    let mut connected = true;
    let mut attempt: u32 = 0;
    loop {
        match client.events(after, WAIT_SECS).await {
            Ok(page) => {
                if !connected {
                    connected = true;
                    outbox.emit(Event::Connection(ConnectionState::Connected)).await;
                }
                attempt = 0;
                for event in page.events.into_iter().filter(|e| e.seq > after) {
                    outbox.emit(translate(event)).await;
                }
                if page.next != after {
                    after = page.next;
                    remember(&cache, after).await;
                }
            }
            Err(error) => {
                connected = false;
                attempt = attempt.saturating_add(1);
                let event = retrying(attempt, &error);
                let delay = backoff_secs(attempt);
                outbox.emit(event).await;
                tokio::time::sleep(Duration::from_secs(delay)).await;
            }
        }
    }
}

/// Where to resume: the position saved by the last run, or — on a first run — the end of the stream, skipping
/// history so old events do not appear as news.
pub async fn starting_point(client: &HubClient, cache: &Arc<Cache>) -> Result<i64, EngineError> {
    let cache_for_read = Arc::clone(cache);
    let saved = tokio::task::spawn_blocking(move || cache_for_read.last_event_seq())
        .await
        .ok()
        .and_then(Result::ok);
    if let Some(seq) = saved.flatten() {
        return Ok(seq);
    }
    let mut after = 0;
    loop {
        let page = client.events(after, 0).await?;
        if page.events.is_empty() || page.next <= after {
            remember(cache, after).await;
            return Ok(after);
        }
        after = page.next;
    }
}

/// Saves the position; a failure only means a restart replays a few events, so it is not worth an error event.
async fn remember(cache: &Arc<Cache>, seq: i64) {
    let cache = Arc::clone(cache);
    let _ = tokio::task::spawn_blocking(move || cache.set_last_event_seq(seq)).await;
}

fn translate(event: HubEvent) -> Event {
    if event.kind == hub_event_kind::SYNC_PROGRESS {
        // The hub counts accounts synced and failed; both are done.
        let number = |key: &str| event.raw.get(key).and_then(serde_json::Value::as_u64);
        if let (Some(synced), Some(total)) = (number("synced"), number("total")) {
            return Event::SyncProgress {
                done: synced + number("failed").unwrap_or(0),
                total,
            };
        }
    }
    Event::Hub(event)
}

fn retrying(attempt: u32, error: &EngineError) -> Event {
    Event::Connection(ConnectionState::Retrying {
        attempt,
        retry_in_secs: backoff_secs(attempt),
        error: error.clone(),
    })
}

/// 1, 2, 4, 8, 16, 30, 30, … seconds.
pub fn backoff_secs(attempt: u32) -> u64 {
    let exponent = attempt.saturating_sub(1).min(16);
    (1u64 << exponent).min(MAX_BACKOFF_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let delays: Vec<u64> = (1..=8).map(backoff_secs).collect();
        assert_eq!(delays, vec![1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(backoff_secs(u32::MAX), MAX_BACKOFF_SECS);
    }

    #[test]
    fn sync_progress_events_become_progress_and_others_pass_through() {
        let raw =
            serde_json::json!({"seq": 3, "at": 0, "kind": "sync_progress", "synced": 40, "failed": 2, "total": 300});
        let event: HubEvent = serde_json::from_value(raw.clone()).expect("event");
        let event = HubEvent { raw, ..event };
        assert_eq!(translate(event), Event::SyncProgress { done: 42, total: 300 });
        let raw =
            serde_json::json!({"seq": 4, "at": 0, "kind": "authorized", "authorizer_appid": "wx0123456789abcdef"});
        let event: HubEvent = serde_json::from_value(raw).expect("event");
        assert!(matches!(translate(event), Event::Hub(HubEvent { seq: 4, .. })));
    }
}
