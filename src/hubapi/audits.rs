//! Audits (审核): `GET /api/v1/audits` (every mini program's latest audit), the `audit_updated` event's row, and
//! `GET /api/v1/audits/{appid}/screenshots/{media_id}` (DESIGN.md, "Audits"; wechat-api.md §4.3, §6.5–§6.9).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Where a mini program's latest audit stands. `released` is the hub's own: the platform's audit status (§6.7)
/// stays 0 (approved) after `release` (§6.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    Auditing,
    Approved,
    Rejected,
    Withdrawn,
    /// Not final (§4.3): a success or a rejection follows.
    Delayed,
    Released,
}

impl AuditStatus {
    pub const ALL: [AuditStatus; 6] = [
        AuditStatus::Auditing,
        AuditStatus::Approved,
        AuditStatus::Rejected,
        AuditStatus::Withdrawn,
        AuditStatus::Delayed,
        AuditStatus::Released,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Auditing => "auditing",
            AuditStatus::Approved => "approved",
            AuditStatus::Rejected => "rejected",
            AuditStatus::Withdrawn => "withdrawn",
            AuditStatus::Delayed => "delayed",
            AuditStatus::Released => "released",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The platform's audit `status` (§6.7): 0 approved, 1 rejected, 2 under review, 3 withdrawn, 4 delayed.
    pub fn from_wechat(status: i64) -> Option<Self> {
        Some(match status {
            0 => AuditStatus::Approved,
            1 => AuditStatus::Rejected,
            2 => AuditStatus::Auditing,
            3 => AuditStatus::Withdrawn,
            4 => AuditStatus::Delayed,
            _ => return None,
        })
    }

    /// Still under review: the hub keeps polling it (§4.3: a delay is not final).
    pub fn is_pending(self) -> bool {
        matches!(self, AuditStatus::Auditing | AuditStatus::Delayed)
    }
}

/// What last changed a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditSource {
    /// An audit result push (§4.3).
    Push,
    /// A deployment job's submit, audit check or release.
    Deployment,
    /// A console's `submit_audit`, `undocodeaudit` or `release` through `POST /api/v1/call`.
    Relay,
    /// The hub's own `get_latest_auditstatus` poll of an audit still running.
    Poll,
    /// The hub's `get_latest_auditstatus` of every mini program after an authorizer sync.
    Sync,
}

impl AuditSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditSource::Push => "push",
            AuditSource::Deployment => "deployment",
            AuditSource::Relay => "relay",
            AuditSource::Poll => "poll",
            AuditSource::Sync => "sync",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Push, Self::Deployment, Self::Relay, Self::Poll, Self::Sync]
            .into_iter()
            .find(|source| source.as_str() == text)
    }
}

/// One mini program's latest audit. The fields DESIGN.md prints are fixed; the rest are additions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Audit {
    pub appid: String,
    pub nick_name: Option<String>,
    /// `None` while only a push has told of this audit (pushes carry no auditid, §4.3); the next poll fills it.
    pub auditid: Option<i64>,
    pub user_version: Option<String>,
    pub user_desc: Option<String>,
    pub status: AuditStatus,
    /// Unix seconds.
    pub submitted_at: Option<i64>,
    /// Unix seconds; set once the audit is approved, rejected, withdrawn or released.
    pub resolved_at: Option<i64>,
    /// The rejection (or delay) reason split into its numbered items at `<br>` (§4.3); plain text, never HTML.
    pub reasons: Vec<String>,
    /// The rejection's screenshot media ids (§4.3), in the platform's order.
    pub screenshots: Vec<String>,
    /// Each screenshot's copy on the hub: whether it can be fetched from
    /// `GET /api/v1/audits/{appid}/screenshots/{media_id}` yet.
    #[serde(default)]
    pub screenshot_files: Vec<ScreenshotFile>,
    pub source: AuditSource,
    /// Unix seconds.
    pub updated_at: i64,
    /// The percentage of users on the approved version while a gray release of it runs (§6.11); `None` otherwise.
    #[serde(default)]
    pub gray_percentage: Option<i64>,
    /// Withdrawals of this mini program's audits made through this hub today and this month, China time (§6.8).
    /// The platform has no call that tells how many are left; withdrawals made elsewhere are not counted.
    #[serde(default)]
    pub withdrawals: Withdrawals,
}

/// Withdrawals counted against the platform's limits (§6.8: 5 a day, 10 a month, per mini program).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Withdrawals {
    pub today: i64,
    pub this_month: i64,
}

impl Withdrawals {
    /// §6.8, the current documentation's figures. Older SDKs say one a day: the platform's `87013` is the judge,
    /// these only tell the operator what to expect.
    pub const PER_DAY: i64 = 5;
    pub const PER_MONTH: i64 = 10;

    /// Withdrawals left by this hub's count: the smaller of the day's and the month's.
    pub fn left(self) -> i64 {
        (Self::PER_DAY - self.today)
            .min(Self::PER_MONTH - self.this_month)
            .max(0)
    }
}

/// `GET /api/v1/audits/quota`: the platform-wide audit quota (§6.13 `queryquota`), shared by every mini program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditQuota {
    /// Submissions left this month.
    pub rest: i64,
    pub limit: i64,
    /// Speed-ups left this month.
    pub speedup_rest: i64,
    pub speedup_limit: i64,
    /// Unix seconds: when the hub read it.
    pub read_at: i64,
}

/// `POST /api/v1/audits/release` and `/api/v1/audits/speedup`: the mini programs to act on, as one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditBatch {
    pub appids: Vec<String>,
}

/// `POST /api/v1/audits/{appid}/media`: the image uploaded as the mini program's temporary material, for
/// `submit_audit`'s `feedback_stuff` (§6.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MediaUploaded {
    pub media_id: String,
}

/// §6.14: images up to 2 MB (PNG, JPEG, GIF); at most five go with one submission (§6.5).
pub const MAX_FEEDBACK_IMAGE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_FEEDBACK_IMAGES: usize = 5;
pub const FEEDBACK_IMAGE_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/gif"];

/// The most mini programs one batch takes.
pub const MAX_AUDIT_BATCH: usize = 10_000;

/// The hub's copy of one screenshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScreenshotFile {
    pub media_id: String,
    /// Fetched and stored: the screenshot route answers it.
    pub available: bool,
    /// Fetches tried so far.
    pub attempts: i64,
    /// Why the last fetch failed; it is tried again later while `next_at` is set.
    pub last_error: Option<String>,
    /// Unix seconds of the next fetch, if one is due.
    pub next_at: Option<i64>,
}

/// `GET /api/v1/audits?status=&query=&offset=&limit=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// One of `auditing`, `approved`, `rejected`, `withdrawn`, `delayed`, `released`.
    pub status: Option<String>,
    /// Matches the appid or the mini program's name.
    pub query: Option<String>,
    /// 0 or more.
    pub offset: Option<i64>,
    /// 1 to 1,000; 100 when left out.
    pub limit: Option<i64>,
}

/// The most rows one page holds.
pub const MAX_AUDIT_PAGE: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    /// Rows matching the filters, over every page.
    pub total: i64,
    pub offset: i64,
    /// Most recently changed first.
    pub audits: Vec<Audit>,
}

/// A rejection or delay reason as its items: the platform sends numbered text separated by `<br>` (§4.3). Any
/// spelling of the tag (`<br>`, `<br/>`, `<BR />`) splits; blank items go.
pub fn split_reason(reason: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut rest = reason;
    while let Some(start) = rest.find('<') {
        let Some(length) = rest[start..].find('>') else {
            break;
        };
        let end = start + length + 1;
        if rest[start + 1..end - 1].contains('<') {
            // A lone `<` in the text (`a < b`): not a tag.
            current.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        }
        let tag: String = rest[start + 1..end - 1]
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '/')
            .collect();
        if tag.eq_ignore_ascii_case("br") {
            current.push_str(&rest[..start]);
            items.push(std::mem::take(&mut current));
        } else {
            // Not a break: kept as text, never rendered as HTML.
            current.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    current.push_str(rest);
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_splits_into_its_numbered_items_at_every_spelling_of_br() {
        let reason = "1. 小程序名称与内容不符<br>2. 类目不符<BR/>3. 缺少隐私说明<br />";
        assert_eq!(
            split_reason(reason),
            ["1. 小程序名称与内容不符", "2. 类目不符", "3. 缺少隐私说明"]
        );
        assert_eq!(split_reason(""), Vec::<String>::new());
        assert_eq!(split_reason("帐号信息不合规范"), ["帐号信息不合规范"]);
    }

    #[test]
    fn other_tags_stay_as_text() {
        assert_eq!(split_reason("1. a <b>x</b><br>2. y"), ["1. a <b>x</b>", "2. y"]);
        assert_eq!(split_reason("a < b<br>c"), ["a < b", "c"]);
    }

    #[test]
    fn statuses_read_back_from_their_names_and_from_wechats_numbers() {
        for status in AuditStatus::ALL {
            assert_eq!(AuditStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json, status.as_str());
        }
        assert_eq!(AuditStatus::from_wechat(1), Some(AuditStatus::Rejected));
        assert_eq!(AuditStatus::from_wechat(4), Some(AuditStatus::Delayed));
        assert_eq!(AuditStatus::from_wechat(9), None);
    }
}
