//! The long poll on the hub's event stream: passes hub events to the UI as `Event::Hub`, reports the connection's
//! state with its cause, and reconnects promptly: while the hub is away it is probed every couple of seconds
//! (`/healthz`, cheap and keyless), so the poll resumes within seconds of the hub answering again, however long the
//! outage was.

use std::sync::Arc;
use std::time::Duration;

use super::Outbox;
use super::cache::Cache;
use super::client::HubClient;
use super::protocol::{ConnectionState, EngineError, ErrorKind, Event};

/// How long the hub holds each poll open (DESIGN.md: `wait_secs=25`).
pub const WAIT_SECS: u64 = 25;
/// The longest pause between two full reconnection attempts.
const MAX_BACKOFF_SECS: u64 = 30;
/// How often an absent hub is probed between attempts.
const PROBE_EVERY: Duration = Duration::from_secs(2);

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
                    outbox.emit(Event::Hub(event)).await;
                }
                if page.next != after {
                    after = page.next;
                    remember(&cache, after).await;
                }
            }
            Err(error) => {
                connected = false;
                attempt = attempt.saturating_add(1);
                let delay = backoff_secs(attempt);
                let retry_at = now_secs() + delay as i64;
                outbox
                    .emit(Event::Connection(ConnectionState::Retrying {
                        attempt,
                        retry_at,
                        error: error.clone(),
                    }))
                    .await;
                wait_for_hub(&client, &error, Duration::from_secs(delay)).await;
            }
        }
    }
}

/// Waits up to `delay`, returning early once the hub answers again. A refused key does not heal by itself: it
/// waits the whole delay (the hub is there; asking it sooner would only fill its log with refusals).
async fn wait_for_hub(client: &HubClient, error: &EngineError, delay: Duration) {
    let deadline = tokio::time::Instant::now() + delay;
    if error.kind == ErrorKind::Unauthorized {
        tokio::time::sleep_until(deadline).await;
        return;
    }
    loop {
        let next = (tokio::time::Instant::now() + PROBE_EVERY).min(deadline);
        tokio::time::sleep_until(next).await;
        if next >= deadline || client.healthz().await {
            return;
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

/// 1, 2, 4, 8, 16, 30, 30, … seconds.
pub fn backoff_secs(attempt: u32) -> u64 {
    let exponent = attempt.saturating_sub(1).min(16);
    (1u64 << exponent).min(MAX_BACKOFF_SECS)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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
}
