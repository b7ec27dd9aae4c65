//! The activity domain: the hub's log of what operators did, a page at a time.

use super::{ActivityQuery, Reply, domain_replies};
use crate::hubapi::ActivityPage;

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityCommand {
    /// One page of the log: with `before`, the entries older than it (newest first); otherwise the newest page.
    /// Reply: `Loaded`.
    Load(ActivityQuery),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityEvent {
    /// The page, and the query it answers (so the panel knows whether it is the first page or an older one).
    Loaded(Reply<(ActivityQuery, ActivityPage)>),
}

domain_replies!(ActivityCommand => ActivityEvent {
    ActivityCommand::Load(_) => Loaded,
} unasked {});
