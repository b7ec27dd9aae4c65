//! What the simulator remembers about its traffic: every call (for `GET /__sim/calls`, `getrid` and
//! `openapi/quota/get`), every push and its delivery, and the faults a test asked for.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::push::{Push, Target};

/// Enough history for any test or demo, small enough for a benchmark that makes millions of calls and for the
/// sandbox's sync of 100,000 merchants (a record is ~150 bytes).
const MAX_CALLS: usize = 20_000;
const MAX_PUSHES: usize = 1_000;

#[derive(Debug, Clone, Serialize)]
pub struct CallRecord {
    pub seq: u64,
    pub at: i64,
    pub method: &'static str,
    pub path: &'static str,
    /// `component`, `authorizer`, `none` (no token sent) or `invalid` (a token the platform does not know).
    pub token_kind: &'static str,
    /// Which query name carried the token (§0.2): `component_access_token` or `access_token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_param: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer_appid: Option<String>,
    pub errcode: i64,
    /// The error answer, kept for `getrid` (§1.9); successes are not kept.
    #[serde(skip)]
    pub error_body: Option<Box<str>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PushRecord {
    pub seq: u64,
    pub target: &'static str,
    pub url: String,
    pub delivered: bool,
    pub xml: String,
}

/// A fault to inject (DESIGN.md control API): the next `times` calls of `path` fail this way.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fault {
    pub path: String,
    #[serde(default)]
    pub errcode: Option<i64>,
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub drop: bool,
    /// The platform takes the call (its state changes, the journal records it) and then the connection drops:
    /// the caller cannot tell whether it went through, which is what a write's read-back is for.
    #[serde(default)]
    pub lose_answer: bool,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Default)]
pub struct Journal {
    calls: VecDeque<CallRecord>,
    next_seq: u64,
    pushes: VecDeque<PushRecord>,
    next_push_seq: u64,
    pub faults: Vec<Fault>,
    /// Calls per path since start, for `openapi/quota/get` (§1.9).
    pub used: HashMap<&'static str, u64>,
}

impl Journal {
    /// The sequence number the next call will get (it also names the call's `rid`).
    pub fn next_seq(&self) -> u64 {
        self.next_seq + 1
    }

    pub fn record(&mut self, mut call: CallRecord) -> u64 {
        self.next_seq += 1;
        call.seq = self.next_seq;
        *self.used.entry(call.path).or_default() += 1;
        if self.calls.len() == MAX_CALLS {
            self.calls.pop_front();
        }
        self.calls.push_back(call);
        self.next_seq
    }

    pub fn calls_since(&self, since: u64, limit: usize) -> Vec<CallRecord> {
        let start = self.calls.partition_point(|call| call.seq <= since);
        self.calls.range(start..).take(limit).cloned().collect()
    }

    pub fn call(&self, seq: u64) -> Option<&CallRecord> {
        let index = self.calls.binary_search_by_key(&seq, |call| call.seq).ok()?;
        self.calls.get(index)
    }

    pub fn record_push(&mut self, push: &Push, url: &str, delivered: bool) {
        self.next_push_seq += 1;
        let target = match push.target {
            Target::Event => "event",
            Target::Message { .. } => "message",
        };
        if self.pushes.len() == MAX_PUSHES {
            self.pushes.pop_front();
        }
        let record = PushRecord {
            seq: self.next_push_seq,
            target,
            url: url.to_owned(),
            delivered,
            xml: push.xml.clone(),
        };
        self.pushes.push_back(record);
    }

    pub fn pushes_since(&self, since: u64) -> Vec<PushRecord> {
        self.pushes.iter().filter(|push| push.seq > since).cloned().collect()
    }

    /// Takes one use of the first fault registered for `path`.
    pub fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let index = self.faults.iter().position(|fault| fault.path == path)?;
        let fault = self.faults[index].clone();
        if fault.times <= 1 {
            self.faults.remove(index);
        } else {
            self.faults[index].times -= 1;
        }
        Some(fault)
    }
}

/// A request id of the platform's shape (`xxxxxxxx-xxxxxxxx-xxxxxxxx`, §0.3) that names the call's sequence number.
pub fn rid(now: i64, seq: u64) -> String {
    format!(
        "{:08x}-{:08x}-{:08x}",
        now as u32,
        seq as u32,
        (seq.wrapping_mul(0x9e37_79b9) >> 7) as u32
    )
}

pub fn seq_of_rid(rid: &str) -> Option<u64> {
    let mut parts = rid.split('-');
    let (_, seq, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || seq.len() != 8 {
        return None;
    }
    u64::from_str_radix(seq, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> CallRecord {
        CallRecord {
            seq: 0,
            at: 0,
            method: "POST",
            path: "/x",
            token_kind: "none",
            token_param: None,
            authorizer_appid: None,
            errcode: 0,
            error_body: None,
        }
    }

    #[test]
    fn calls_are_numbered_and_listed_after_a_sequence() {
        let mut journal = Journal::default();
        for _ in 0..5 {
            journal.record(call());
        }
        let seqs: Vec<u64> = journal.calls_since(2, 10).iter().map(|c| c.seq).collect();
        assert_eq!(seqs, vec![3, 4, 5]);
        assert_eq!(journal.call(4).map(|c| c.seq), Some(4));
        assert_eq!(journal.used.get("/x"), Some(&5));
    }

    #[test]
    fn a_fault_is_used_up_after_its_times() {
        let mut journal = Journal::default();
        journal.faults.push(Fault {
            path: "/a".into(),
            errcode: Some(-1),
            http_status: None,
            delay_ms: None,
            drop: false,
            lose_answer: false,
            times: 2,
        });
        assert!(journal.take_fault("/a").is_some());
        assert!(journal.take_fault("/b").is_none());
        assert!(journal.take_fault("/a").is_some());
        assert!(journal.take_fault("/a").is_none());
    }

    #[test]
    fn a_rid_names_its_call() {
        assert_eq!(seq_of_rid(&rid(1_700_000_000, 77)), Some(77));
        assert_eq!(seq_of_rid("nonsense"), None);
    }
}
