//! The set-up domain (wechat-api.md §8.7): what a mini program still lacks before code can be deployed to it, and
//! the writes that give it a name, an avatar, an introduction and categories. Every read and write goes through the
//! hub's relay with the mini program's own token; the hub reads the account's details again after a write that
//! changes them, and `authorizer_updated` refreshes the merchant list.

use std::sync::Arc;

use super::{FeedbackImage, Reply, domain_replies};
use crate::wechat::api::account::AccountBasicInfoResponse;
use crate::wechat::api::category::{CategoryNode, SettingCategoriesResponse};

/// §8.7.5: an introduction has 4 to 120 characters.
pub const SIGNATURE_CHARS: std::ops::RangeInclusive<usize> = 4..=120;
/// §8.7.1 leaves the length to the platform; WeChat's own rule for a mini program's name is 4 to 30 characters,
/// with a Chinese character counting as two [UNCONFIRMED]. The console checks 2–30 characters, the looser reading,
/// and lets the platform's `91004`/`53010` speak for the rest.
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=30;

#[derive(Debug, Clone, PartialEq)]
pub enum SetupCommand {
    /// The account as the platform has it: basic info (§8.7.6) and its categories with the month's quota
    /// (§8.7.7 `getcategory`). Reply: `Loaded`.
    Load(String),
    /// The category tree the account may choose from (§8.7.7 `getallcategories`). Reply: `Tree`.
    Tree(String),
    /// An image file made into an avatar: cropped to a square about its centre, scaled and compressed within the
    /// upload's limits, off the async workers. Nothing is sent. Reply: `Prepared`.
    PrepareAvatar(std::path::PathBuf),
    /// One write, relayed; a refusal is `ErrorKind::WeChat` with its errcode. Reply: `Acted`.
    Act { appid: String, action: SetupAction },
    /// Sandbox only: the platform's reviewer ends the account's name audits (approved or rejected), and the
    /// simulator pushes `wxa_nickname_audit` as WeChat would. Reply: `Simulated`.
    SimulateNameReview { appid: String, approve: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetupAction {
    /// §8.7.3: whether the name will need supporting material.
    CheckName(String),
    /// §8.7.1: sets the name; the answer says whether it went to review. A name the pre-check says needs
    /// supporting material carries it: uploaded as temporary material first, then sent as `id_card` for a person
    /// (`personal`) or `license` for an organization.
    SetName {
        name: String,
        material: Option<FeedbackImage>,
        personal: bool,
    },
    /// §8.7.2: how a name under review stands.
    QueryName(i64),
    /// §8.7.4: the prepared image is uploaded as temporary material, then set as the avatar, whole (0,0,1,1).
    Avatar(Avatar),
    /// §8.7.5.
    Signature(String),
    /// §8.7.7 `addcategory`, without qualification material.
    AddCategory { first: i64, second: i64 },
    /// §8.7.7 `deletecategory`.
    DeleteCategory { first: i64, second: i64 },
}

/// What a write answered.
#[derive(Debug, Clone, PartialEq)]
pub enum SetupOutcome {
    /// `hit_condition`: the name will need supporting material (`wording` says which).
    NameChecked {
        name: String,
        hit: bool,
        wording: String,
    },
    /// Set at once (`audit_id` none) or sent to review.
    NameSet {
        name: String,
        audit_id: Option<i64>,
        wording: String,
    },
    /// §8.7.2 `audit_stat`: 1 under review, 2 rejected, 3 approved.
    NameAudit {
        audit_id: i64,
        name: String,
        stat: i64,
        reason: String,
    },
    Done,
}

/// A square JPEG ready to upload, and its pixels for the preview.
#[derive(Clone, PartialEq)]
pub struct Avatar {
    pub file_name: String,
    pub jpeg: Arc<Vec<u8>>,
    /// The side of the square, in pixels.
    pub side: u32,
    /// The picked image's size, for the preview's caption.
    pub original: (u32, u32),
    pub rgba: Arc<Vec<u8>>,
}

/// Megabytes of bytes make an unreadable `Debug`.
impl std::fmt::Debug for Avatar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.original;
        write!(
            f,
            "Avatar({}, {w}×{h} → {side}×{side}, {} bytes)",
            self.file_name,
            self.jpeg.len(),
            side = self.side
        )
    }
}

/// One account's set-up as last read.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSetup {
    pub appid: String,
    pub basic: AccountBasicInfoResponse,
    pub categories: SettingCategoriesResponse,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetupEvent {
    Loaded(Reply<AccountSetup>),
    Tree(Reply<Vec<CategoryNode>>),
    Prepared(Reply<Avatar>),
    Acted(Reply<SetupOutcome>),
    Simulated(Reply<()>),
}

domain_replies!(SetupCommand => SetupEvent {
    SetupCommand::Load(_) => Loaded,
    SetupCommand::Tree(_) => Tree,
    SetupCommand::PrepareAvatar(_) => Prepared,
    SetupCommand::Act { .. } => Acted,
    SetupCommand::SimulateNameReview { .. } => Simulated,
} unasked {});
