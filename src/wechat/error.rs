//! `WxError`: every way a call to the platform can fail. A non-zero `errcode` becomes `Api` in one place (client.rs).
//!
//! No variant ever holds a URL with its query string, so a token cannot leak through an error message.

use super::errcodes::{self, ErrInfo};

/// Why a call to the platform failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WxError {
    /// The platform answered with a non-zero `errcode` (§0.3, §9).
    #[error("WeChat error {errcode}: {errmsg}")]
    Api { errcode: i64, errmsg: String },
    /// The request never got an answer: connection refused, reset, TLS, DNS.
    #[error("transport error: {0}")]
    Transport(String),
    /// No answer within the configured request timeout.
    #[error("the request timed out")]
    Timeout,
    /// An answer arrived but is not what the endpoint documents.
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// A non-2xx HTTP status (the platform itself answers 200 even for API errors, §0.3).
    #[error("HTTP status {status}")]
    Http { status: u16 },
}

/// `40001` invalid credential, `40014` invalid access_token, `42001` access_token expired, `42006` component token
/// expired: the token owner refreshes once and retries once (§0.4, §9.1).
pub const TOKEN_INVALID: [i64; 4] = [40001, 40014, 42001, 42006];

impl WxError {
    /// The platform's errcode, when the platform answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Self::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// The token used was refused as invalid or expired; the caller that owns the token refreshes it and retries once.
    pub fn is_token_invalid(&self) -> bool {
        self.errcode().is_some_and(|c| TOKEN_INVALID.contains(&c))
    }

    /// A transient failure: `-1` system busy, a timeout or a 5xx. Only reads are retried on these (DESIGN.md).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Api { errcode, .. } => *errcode == -1,
            Self::Timeout => true,
            Self::Http { status } => *status >= 500,
            Self::Transport(_) | Self::Decode(_) => false,
        }
    }

    /// The explanation of the errcode for an operator, when it is a known one.
    pub fn explain(&self) -> Option<&'static ErrInfo> {
        self.errcode().and_then(errcodes::explain)
    }

    /// Builds a transport, timeout or status error from reqwest's, without the URL (its query holds the token).
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            return Self::Timeout;
        }
        if let Some(status) = err.status() {
            return Self::Http {
                status: status.as_u16(),
            };
        }
        let err = err.without_url();
        if err.is_decode() || err.is_body() {
            return Self::Decode(error_chain(&err));
        }
        Self::Transport(error_chain(&err))
    }
}

/// The error and its sources on one line; reqwest's top-level message alone says little ("error sending request").
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_invalid_codes_are_exactly_the_refresh_once_set() {
        for code in [40001, 40014, 42001, 42006] {
            assert!(
                WxError::Api {
                    errcode: code,
                    errmsg: String::new()
                }
                .is_token_invalid()
            );
        }
        for code in [-1, 0, 42007, 61003, 61023] {
            assert!(
                !WxError::Api {
                    errcode: code,
                    errmsg: String::new()
                }
                .is_token_invalid()
            );
        }
        assert!(!WxError::Timeout.is_token_invalid());
    }

    #[test]
    fn transient_failures_are_busy_timeout_and_5xx() {
        assert!(
            WxError::Api {
                errcode: -1,
                errmsg: "system error".into()
            }
            .is_transient()
        );
        assert!(WxError::Timeout.is_transient());
        assert!(WxError::Http { status: 502 }.is_transient());
        assert!(!WxError::Http { status: 404 }.is_transient());
        assert!(
            !WxError::Api {
                errcode: 45009,
                errmsg: String::new()
            }
            .is_transient()
        );
    }
}
