//! `GET /api/v1/release-check`: the last 全网发布 access check the hub answered (wechat-api.md §14.2). Advisory: a
//! failed check does not block publishing, and the console shows it that way.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The stable step names, in the order of §14.2.
pub mod release_step {
    /// Step 2: `authorized` for a test account, its code exchanged with `api_query_auth`.
    pub const AUTHORIZED: &str = "authorized";
    /// Step 3: `TESTCOMPONENT_MSG_TYPE_TEXT` answered with the encrypted `…_callback` text.
    pub const TEXT_CALLBACK: &str = "text_callback";
    /// Step 4: `QUERY_AUTH_CODE:<code>` answered empty, then `<code>_from_api` sent through `custom/send`.
    pub const QUERY_AUTH_CODE: &str = "query_auth_code";
    /// Step 5: an event answered with the encrypted `<Event>from_callback` text.
    pub const EVENT_CALLBACK: &str = "event_callback";
    /// Step 6: `unauthorized` for the test account.
    pub const UNAUTHORIZED: &str = "unauthorized";
}

/// One step of a run: what arrived, what the hub answered or did, and whether that is what §14.2 asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseCheckStep {
    /// A name from [`release_step`].
    pub step: String,
    pub ok: bool,
    /// In words: the test account, what arrived and what was answered, or why it failed.
    pub detail: String,
    /// Unix seconds.
    #[serde(default)]
    pub at: i64,
}

/// One run of the check, as the hub saw it: the steps that reached it, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseCheckRun {
    /// The test group (1 to 5, §14.2) of the accounts the run used; `null` when unknown.
    pub group: Option<u8>,
    /// Unix seconds of the run's first step.
    pub started_at: i64,
    pub steps: Vec<ReleaseCheckStep>,
    /// Every step that arrived was answered as §14.2 asks.
    pub passed: bool,
}

/// `GET /api/v1/release-check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseCheck {
    /// `null` until the platform's check (or the simulator's) has reached the hub.
    pub last_run: Option<ReleaseCheckRun>,
}
