//! The audits domain (审核): every mini program's latest audit as the hub keeps it (DESIGN.md "Audits"), and a
//! rejection's screenshots, which the hub fetched from WeChat with the mini program's own token (wechat-api.md §4.3).

use std::sync::Arc;

use super::{AuditPage, AuditQuery, Reply, domain_replies};

#[derive(Debug, Clone, PartialEq)]
pub enum AuditsCommand {
    /// Every page of `GET /api/v1/audits` from the query's offset, in pages of its limit, as one page: the latest
    /// audit of every mini program matching the query. Reply: `Loaded`.
    Load(AuditQuery),
    /// One screenshot of a rejection, from the hub's copy, decoded for display. Reply: `Screenshot`.
    Screenshot { appid: String, media_id: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditsEvent {
    Loaded(Reply<AuditPage>),
    Screenshot(Reply<Screenshot>),
}

domain_replies!(AuditsCommand => AuditsEvent {
    AuditsCommand::Load(_) => Loaded,
    AuditsCommand::Screenshot { .. } => Screenshot,
} unasked {});

/// A screenshot as the hub has it.
#[derive(Debug, Clone, PartialEq)]
pub enum Screenshot {
    /// Decoded, ready to become a texture.
    Image(Arc<ScreenshotPixels>),
    /// The hub has not fetched it from WeChat yet (`404 screenshot_missing`): not an error, it is tried again.
    NotFetched,
}

/// A decoded image: `rgba` holds `width × height` pixels, four bytes each, unmultiplied.
#[derive(Clone, PartialEq, Eq)]
pub struct ScreenshotPixels {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Megabytes of pixels make an unreadable `Debug`: the size says enough.
impl std::fmt::Debug for ScreenshotPixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScreenshotPixels({}×{})", self.width, self.height)
    }
}
