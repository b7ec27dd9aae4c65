//! `Remote<T>`: data that lives on the hub, as the console last saw it, keeping the previous value on screen while a
//! new one loads or after a load failed. It remembers which request it waits for and drops replies to older ones,
//! so a late answer never overwrites a newer one.

use crate::engine::protocol::{EngineError, Reply, RequestId};

/// One piece of remote data. `previous` keeps the last good value so a refresh never blanks the screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Remote<T> {
    /// Never asked for.
    #[default]
    NotLoaded,
    /// A request is in flight.
    Loading { previous: Option<T>, request: RequestId },
    /// The last request answered.
    Ready(T),
    /// The last request failed; `previous` is what was shown before it.
    Failed { error: EngineError, previous: Option<T> },
}

impl<T> Remote<T> {
    /// The value to show: the current one, else the one kept from before.
    pub fn value(&self) -> Option<&T> {
        match self {
            Remote::NotLoaded => None,
            Remote::Loading { previous, .. } | Remote::Failed { previous, .. } => previous.as_ref(),
            Remote::Ready(value) => Some(value),
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Remote::Loading { .. })
    }

    pub fn error(&self) -> Option<&EngineError> {
        match self {
            Remote::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Marks `request` as sent, keeping whatever value is on screen. A later request supersedes it.
    pub fn start_loading(&mut self, request: RequestId) {
        let previous = self.take_value();
        *self = Remote::Loading { previous, request };
    }

    /// The request this value waits for.
    pub fn awaited(&self) -> Option<RequestId> {
        match self {
            Remote::Loading { request, .. } => Some(*request),
            _ => None,
        }
    }

    /// Records the answer to the awaited request: the new value, or the error with the old value kept. A reply to
    /// any other request (superseded, or never awaited) is dropped; returns whether this one was applied.
    pub fn finish(&mut self, reply: Reply<T>) -> bool {
        if self.awaited() != Some(reply.request) {
            return false;
        }
        *self = match reply.result {
            Ok(value) => Remote::Ready(value),
            Err(error) => Remote::Failed {
                error,
                previous: self.take_value(),
            },
        };
        true
    }

    /// Shows `value` now, whatever was awaited (data the engine sent unasked, such as the cached list); a request
    /// in flight stays in flight.
    pub fn show(&mut self, value: T) {
        *self = match std::mem::take(self) {
            Remote::Loading { request, .. } => Remote::Loading {
                previous: Some(value),
                request,
            },
            _ => Remote::Ready(value),
        };
    }

    fn take_value(&mut self) -> Option<T> {
        match std::mem::take(self) {
            Remote::NotLoaded => None,
            Remote::Loading { previous, .. } | Remote::Failed { previous, .. } => previous,
            Remote::Ready(value) => Some(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::ErrorKind;

    fn error() -> EngineError {
        EngineError::new(ErrorKind::Network, "down")
    }

    fn reply<T>(request: u64, result: Result<T, EngineError>) -> Reply<T> {
        Reply::new(RequestId(request), result)
    }

    #[test]
    fn loading_keeps_the_previous_value_on_screen() {
        let mut remote = Remote::Ready(3);
        remote.start_loading(RequestId(1));
        assert!(remote.is_loading());
        assert_eq!(remote.value(), Some(&3));
    }

    #[test]
    fn a_failure_keeps_the_previous_value_and_the_error() {
        let mut remote = Remote::Ready(3);
        remote.start_loading(RequestId(1));
        assert!(remote.finish(reply(1, Err(error()))));
        assert_eq!(remote.value(), Some(&3));
        assert_eq!(remote.error(), Some(&error()));
        remote.start_loading(RequestId(2));
        assert!(remote.finish(reply(2, Ok(4))));
        assert_eq!(remote, Remote::Ready(4));
    }

    #[test]
    fn a_late_reply_to_a_superseded_request_is_dropped() {
        let mut remote = Remote::Ready(1);
        remote.start_loading(RequestId(7));
        remote.start_loading(RequestId(8));
        assert!(!remote.finish(reply(7, Ok(70))), "request 7 was superseded by 8");
        assert_eq!(remote.value(), Some(&1));
        assert!(remote.finish(reply(8, Ok(80))));
        assert!(
            !remote.finish(reply(7, Ok(70))),
            "and arriving after 8, it is still dropped"
        );
        assert_eq!(remote, Remote::Ready(80));
    }

    #[test]
    fn nothing_loaded_shows_nothing() {
        let mut remote: Remote<u8> = Remote::NotLoaded;
        assert_eq!(remote.value(), None);
        remote.start_loading(RequestId(1));
        remote.finish(reply(1, Err(error())));
        assert_eq!(remote.value(), None);
        assert!(remote.error().is_some());
    }

    #[test]
    fn shown_values_keep_the_request_in_flight() {
        let mut remote = Remote::NotLoaded;
        remote.start_loading(RequestId(3));
        remote.show(5);
        assert_eq!(remote.value(), Some(&5));
        assert!(remote.finish(reply(3, Ok(6))));
        assert_eq!(remote, Remote::Ready(6));
    }
}
