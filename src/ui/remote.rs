//! `Remote<T>`: data that lives on the hub, as the console last saw it, keeping the previous value on screen while a
//! new one loads or after a load failed.

use crate::engine::protocol::EngineError;

/// One piece of remote data. `previous` keeps the last good value so a refresh never blanks the screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Remote<T> {
    /// Never asked for.
    #[default]
    NotLoaded,
    /// A request is in flight.
    Loading { previous: Option<T> },
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
            Remote::Loading { previous } | Remote::Failed { previous, .. } => previous.as_ref(),
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

    /// Marks a request as sent, keeping whatever value is on screen.
    pub fn start_loading(&mut self) {
        let previous = self.take_value();
        *self = Remote::Loading { previous };
    }

    /// Records the answer to the request: the new value, or the error with the old value kept.
    pub fn finish(&mut self, result: Result<T, EngineError>) {
        *self = match result {
            Ok(value) => Remote::Ready(value),
            Err(error) => Remote::Failed {
                error,
                previous: self.take_value(),
            },
        };
    }

    fn take_value(&mut self) -> Option<T> {
        match std::mem::take(self) {
            Remote::NotLoaded => None,
            Remote::Loading { previous } | Remote::Failed { previous, .. } => previous,
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

    #[test]
    fn loading_keeps_the_previous_value_on_screen() {
        let mut remote = Remote::Ready(3);
        remote.start_loading();
        assert!(remote.is_loading());
        assert_eq!(remote.value(), Some(&3));
    }

    #[test]
    fn a_failure_keeps_the_previous_value_and_the_error() {
        let mut remote = Remote::Ready(3);
        remote.start_loading();
        remote.finish(Err(error()));
        assert_eq!(remote.value(), Some(&3));
        assert_eq!(remote.error(), Some(&error()));
        remote.start_loading();
        remote.finish(Ok(4));
        assert_eq!(remote, Remote::Ready(4));
    }

    #[test]
    fn nothing_loaded_shows_nothing() {
        let mut remote: Remote<u8> = Remote::NotLoaded;
        assert_eq!(remote.value(), None);
        remote.finish(Err(error()));
        assert_eq!(remote.value(), None);
        assert!(remote.error().is_some());
    }
}
