//! The platform simulator (axum): the endpoints, pages, pushes and state machines of wechat-api.md §11.

pub mod cli;
