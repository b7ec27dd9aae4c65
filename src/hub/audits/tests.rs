//! `merge`: a push and a poll never fight, a newer auditid wins, an older one never overwrites a newer one.

use super::*;

const APPID: &str = "wx0000000000000001";

fn audit(auditid: i64, status: AuditStatus) -> Seen {
    Seen::Audit {
        auditid,
        status,
        user_version: Some(format!("1.0.{auditid}")),
        user_desc: None,
        submitted_at: Some(100),
        reason: (status == AuditStatus::Rejected).then(|| "1. a<br>2. b".to_owned()),
        screenshots: Vec::new(),
    }
}

fn pushed(status: AuditStatus) -> Seen {
    Seen::Pushed {
        status,
        reason: (status == AuditStatus::Rejected).then(|| "1. 名称不符<br>2. 类目不符".to_owned()),
        screenshots: if status == AuditStatus::Rejected {
            vec!["m1".into(), "m2".into()]
        } else {
            Vec::new()
        },
    }
}

fn seen(source: AuditSource, seen: Seen, at: i64) -> Observation {
    Observation { source, seen, at }
}

/// Applies observations in order, as the table would see them.
fn replay(observations: &[Observation]) -> Option<AuditRow> {
    let mut row: Option<AuditRow> = None;
    for observation in observations {
        if let Some(next) = merge(row.as_ref(), APPID, observation) {
            row = Some(next);
        }
    }
    row
}

#[test]
fn an_older_auditid_never_overwrites_a_newer_one() {
    let row = replay(&[
        seen(AuditSource::Relay, audit(20, AuditStatus::Auditing), 10),
        // A poll that left before the new submit and came back after it.
        seen(AuditSource::Poll, audit(10, AuditStatus::Rejected), 11),
    ])
    .unwrap();
    assert_eq!((row.auditid, row.status), (Some(20), AuditStatus::Auditing));
    assert_eq!(row.source, AuditSource::Relay);
    let newer = merge(
        Some(&row),
        APPID,
        &seen(AuditSource::Poll, audit(30, AuditStatus::Approved), 12),
    )
    .unwrap();
    assert_eq!((newer.auditid, newer.status), (Some(30), AuditStatus::Approved));
    assert_eq!(newer.user_version.as_deref(), Some("1.0.30"));
}

#[test]
fn a_push_ends_the_running_audit_and_a_late_poll_does_not_take_it_back() {
    let row = replay(&[
        seen(AuditSource::Deployment, audit(20, AuditStatus::Auditing), 10),
        seen(AuditSource::Push, pushed(AuditStatus::Rejected), 11),
        // Sent before the push, answered after: the same audit, still under review then.
        seen(AuditSource::Poll, audit(20, AuditStatus::Auditing), 12),
    ])
    .unwrap();
    assert_eq!((row.auditid, row.status), (Some(20), AuditStatus::Rejected));
    assert_eq!(row.reasons, ["1. 名称不符", "2. 类目不符"]);
    assert_eq!(row.screenshots, ["m1", "m2"]);
    assert_eq!((row.source, row.resolved_at), (AuditSource::Push, Some(11)));
}

#[test]
fn a_push_about_an_unknown_audit_waits_for_a_poll_newer_than_the_last_known_one() {
    let approved = replay(&[seen(AuditSource::Sync, audit(20, AuditStatus::Approved), 10)]).unwrap();
    // Rejected while the row says approved: a newer audit the hub never saw submitted.
    let unknown = merge(
        Some(&approved),
        APPID,
        &seen(AuditSource::Push, pushed(AuditStatus::Rejected), 11),
    )
    .unwrap();
    assert_eq!((unknown.auditid, unknown.floor_auditid), (None, Some(20)));
    assert_eq!(unknown.status, AuditStatus::Rejected);
    assert_eq!(unknown.user_version, None, "the old audit's version is not this one's");
    let stale = seen(AuditSource::Poll, audit(20, AuditStatus::Approved), 12);
    assert_eq!(
        merge(Some(&unknown), APPID, &stale),
        None,
        "a stale poll is not the push's audit"
    );
    let filled = merge(
        Some(&unknown),
        APPID,
        &seen(AuditSource::Poll, audit(21, AuditStatus::Rejected), 13),
    )
    .unwrap();
    assert_eq!((filled.auditid, filled.floor_auditid), (Some(21), None));
    assert_eq!(
        filled.reasons,
        ["1. 名称不符", "2. 类目不符"],
        "the push's reasons stay"
    );
    assert_eq!(filled.user_version.as_deref(), Some("1.0.21"));
}

#[test]
fn the_same_news_twice_changes_nothing() {
    let row = replay(&[
        seen(AuditSource::Poll, audit(20, AuditStatus::Approved), 10),
        seen(AuditSource::Push, pushed(AuditStatus::Approved), 11),
    ])
    .unwrap();
    assert_eq!(row.source, AuditSource::Poll, "the late push told nothing new");
    assert_eq!(
        merge(
            Some(&row),
            APPID,
            &seen(AuditSource::Poll, audit(20, AuditStatus::Approved), 12)
        ),
        None
    );
}

#[test]
fn withdraw_and_release_move_only_the_states_they_apply_to() {
    let auditing = replay(&[seen(AuditSource::Relay, audit(20, AuditStatus::Auditing), 10)]).unwrap();
    let withdrawn = merge(Some(&auditing), APPID, &seen(AuditSource::Relay, Seen::Withdrawn, 11)).unwrap();
    assert_eq!(withdrawn.status, AuditStatus::Withdrawn);
    let release = seen(AuditSource::Relay, Seen::Released { auditid: None }, 12);
    assert_eq!(
        merge(Some(&withdrawn), APPID, &release),
        None,
        "only an approved version is released"
    );
    let approved = replay(&[seen(AuditSource::Poll, audit(20, AuditStatus::Approved), 10)]).unwrap();
    let released = merge(Some(&approved), APPID, &release).unwrap();
    assert_eq!(
        (released.status, released.source),
        (AuditStatus::Released, AuditSource::Relay)
    );
    let other = seen(AuditSource::Deployment, Seen::Released { auditid: Some(19) }, 13);
    assert_eq!(merge(Some(&approved), APPID, &other), None, "another audit's release");
    let later_poll = seen(AuditSource::Poll, audit(20, AuditStatus::Approved), 14);
    assert_eq!(
        merge(Some(&released), APPID, &later_poll),
        None,
        "released is not taken back"
    );
}

#[test]
fn a_delay_is_not_final() {
    let row = replay(&[
        seen(AuditSource::Relay, audit(20, AuditStatus::Auditing), 10),
        seen(AuditSource::Push, pushed(AuditStatus::Delayed), 11),
    ])
    .unwrap();
    assert_eq!((row.status, row.resolved_at), (AuditStatus::Delayed, None));
    let done = merge(
        Some(&row),
        APPID,
        &seen(AuditSource::Push, pushed(AuditStatus::Approved), 12),
    )
    .unwrap();
    assert_eq!((done.status, done.resolved_at), (AuditStatus::Approved, Some(12)));
}

#[test]
fn a_gray_release_marks_the_approved_row_until_it_is_reverted_or_released_in_full() {
    let approved = replay(&[seen(AuditSource::Poll, audit(20, AuditStatus::Approved), 10)]).unwrap();
    let gray = merge(
        Some(&approved),
        APPID,
        &seen(AuditSource::Relay, Seen::Gray { percentage: 10 }, 11),
    )
    .unwrap();
    assert_eq!((gray.status, gray.gray_percentage), (AuditStatus::Approved, Some(10)));
    let reverted = merge(Some(&gray), APPID, &seen(AuditSource::Relay, Seen::GrayReverted, 12)).unwrap();
    assert_eq!(
        (reverted.status, reverted.gray_percentage),
        (AuditStatus::Approved, None)
    );
    assert_eq!(
        merge(
            Some(&reverted),
            APPID,
            &seen(AuditSource::Relay, Seen::GrayReverted, 13)
        ),
        None
    );
    let released = merge(
        Some(&gray),
        APPID,
        &seen(AuditSource::Relay, Seen::Released { auditid: None }, 14),
    )
    .unwrap();
    assert_eq!(
        (released.status, released.gray_percentage),
        (AuditStatus::Released, None)
    );
    // Only an approved version goes gray: a rejected row does not change.
    let rejected = replay(&[seen(AuditSource::Poll, audit(21, AuditStatus::Rejected), 10)]).unwrap();
    assert_eq!(
        merge(
            Some(&rejected),
            APPID,
            &seen(AuditSource::Relay, Seen::Gray { percentage: 5 }, 11)
        ),
        None
    );
}
