//! The hub (axum): push intake, the sole token owner, the API relay, the event stream and the SQLite store.

pub mod cli;
