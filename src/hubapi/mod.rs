//! The hub API for consoles, as types: every request, response, event and error that crosses between the hub and a
//! console is defined here once, serialized by the hub and deserialized by the engine (DESIGN.md, "Hub API for
//! consoles"). The OpenAPI document at `GET /api/v1/openapi.json` is generated from these types.
//!
//! This layer knows serde and the wire layer's types, nothing of axum, reqwest, SQLite or egui. The JSON shapes that
//! DESIGN.md prints are fixed: fields may be added, none renamed.

mod activity;
mod audits;
mod authorizers;
mod deployments;
mod error;
mod events;
mod jobs;
mod readiness;
mod registrations;
mod relay;
mod release_check;
mod status;

pub use activity::{Activity, ActivityPage, ActivityQuery, Outcome, action};
pub use audits::{
    Audit, AuditBatch, AuditPage, AuditQuery, AuditQuota, AuditSource, AuditStatus, FEEDBACK_IMAGE_TYPES,
    MAX_AUDIT_BATCH, MAX_AUDIT_PAGE, MAX_FEEDBACK_IMAGE_BYTES, MAX_FEEDBACK_IMAGES, MediaUploaded, ScreenshotFile,
    Withdrawals, split_reason,
};
pub use authorizers::{AccountKind, Authorizer, AuthorizerPage, AuthorizerQuery, Preauth, PreauthRequest};
pub use deployments::{
    Domains, Gate, OwnerSetting, PLACEHOLDERS, Plan, PlanProblems, PrivacyPlan, PrivacyText, ReleasePolicy, WaveSize,
    fill_placeholders, unknown_placeholders, wave_sizes,
};
pub use error::{ApiError, ErrorBody, ErrorCode};
pub use events::{AuditResult, Authorization, EventsPage, EventsQuery, HubEvent, HubEventKind, RegistrationResult};
pub use events::{HubErrorEvent, JobProgressBody, TokenRefreshed};
pub use jobs::{
    HUB_OPERATOR, ItemState, Job, JobCounts, JobCreated, JobId, JobItem, JobKind, JobList, JobQuery, JobState,
    RetryRequest, item_reason,
};
pub use readiness::{KEYS as READINESS_KEYS, Level, Readiness, ReadinessItem, request_ip};
pub use registrations::{
    REGISTRATION_WINDOW_SECS, Registration, RegistrationCreated, RegistrationKind, RegistrationList,
    RegistrationRequest, RegistrationState, check_request as check_registration, credit_code_valid, phone_valid,
    wechat_id_valid,
};
pub use relay::CallRequest;
pub use release_check::{ReleaseCheck, ReleaseCheckRun, ReleaseCheckStep, release_step};
pub use status::{LastError, Status, TicketRequest, TicketRequestError, TicketStatus, TokenStatus};

/// The prefix of every console route.
pub const PREFIX: &str = "/api/v1";
