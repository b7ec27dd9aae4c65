//! A hub that starts without a fresh ticket asks the platform to push one now (`api_start_push_ticket`, §1.1),
//! rather than waiting up to ten minutes for the next scheduled push; the console's status says that it did.

use std::sync::{Arc, Mutex};

use super::store::queries;
use super::{Hub, now_secs};
use crate::hubapi::{TicketRequest, TicketRequestError};

/// A ticket older than this is not fresh: WeChat pushes one every 10 minutes, so two pushes were missed (the
/// console calls such a ticket stale too).
pub const FRESH_SECS: i64 = 20 * 60;

/// The outcome of this process's request for a ticket, if it made one.
#[derive(Debug, Default)]
pub struct Requests(Mutex<Option<TicketRequest>>);

impl Requests {
    pub fn last(&self) -> Option<TicketRequest> {
        self.0.lock().ok()?.clone()
    }

    fn set(&self, request: TicketRequest) {
        if let Ok(mut last) = self.0.lock() {
            *last = Some(request);
        }
    }
}

/// Asks for a ticket push when the newest stored ticket is missing or older than `FRESH_SECS`.
pub async fn ask_unless_fresh(hub: Arc<Hub>) {
    let newest = match hub.store.read(queries::newest_ticket).await {
        Ok(newest) => newest,
        Err(error) => {
            tracing::warn!(%error, "could not read the newest ticket; not asking for one");
            return;
        }
    };
    let requested_at = now_secs();
    if newest.is_some_and(|(_, received_at)| requested_at - received_at < FRESH_SECS) {
        return;
    }
    let error = match hub.upstream.start_push_ticket().await {
        Ok(()) => {
            tracing::info!("no fresh ticket: asked the platform to push one (api_start_push_ticket)");
            None
        }
        Err(error) => {
            // Kept for the console's status rather than written to the event log: the ticket's absence is
            // already what the console shows, and this says why it may last.
            tracing::warn!(%error, "no fresh ticket, and api_start_push_ticket failed");
            Some(TicketRequestError {
                errcode: error.errcode(),
                message: error.to_string(),
            })
        }
    };
    hub.ticket_requests.set(TicketRequest { requested_at, error });
}
