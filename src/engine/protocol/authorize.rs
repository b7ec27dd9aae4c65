//! The authorize domain: the pre-authorization code and links a merchant scans, the sandbox's simulated scan, and
//! saving the QR code as a PNG.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{AccountKind, AuthType, Preauth, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum AuthorizeCommand {
    /// Creates a pre-authorization code and both authorization links on the hub. Reply: `PreauthCreated`.
    CreatePreauth(PreAuthRequest),
    /// Sandbox only: does what a merchant's scan and confirm does on the simulator, so the hub lands the
    /// authorization and the long poll brings the `authorized` event. Reply: `ScanSimulated` (an error of kind
    /// `NotSandbox` on other profiles).
    SimulateScan {
        /// The code from `PreauthCreated`.
        pre_auth_code: String,
        /// Which kind of seeded account authorizes.
        kind: AccountKind,
        /// The permission sets (§3) the merchant grants.
        func_ids: Vec<u32>,
    },
    /// Renders `link` as a QR code PNG (with a quiet zone) and writes it atomically to `path`. Reply: `QrSaved`.
    SaveQrPng {
        /// The text to encode, normally `Preauth::h5_url`.
        link: String,
        /// Where to write the image.
        path: PathBuf,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuthorizeEvent {
    PreauthCreated(Reply<Preauth>),
    ScanSimulated(Reply<()>),
    /// The path written.
    QrSaved(Reply<PathBuf>),
}

domain_replies!(AuthorizeCommand => AuthorizeEvent {
    AuthorizeCommand::CreatePreauth(_) => PreauthCreated,
    AuthorizeCommand::SimulateScan { .. } => ScanSimulated,
    AuthorizeCommand::SaveQrPng { .. } => QrSaved,
} unasked {});

/// What `CreatePreauth` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PreAuthRequest {
    pub auth_type: AuthType,
    /// Restrict the page to this one account (§2.3); it wins over `auth_type` when they disagree.
    pub biz_appid: Option<String>,
    /// Permission sets to request (§3); empty means every set the platform has published.
    pub category_ids: Vec<u32>,
}
