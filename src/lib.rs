//! wxdesk: the console, the hub and the simulator of a WeChat Open Platform third-party platform, as one library.
//!
//! The modules are layers; each imports only those below it (ARCHITECTURE.md):
//! `wechat` ← `sim`, `hub` ← `engine` ← `ui`.

pub mod engine;
pub mod hub;
pub mod hubapi;
pub mod sim;
pub mod ui;
pub mod wechat;
