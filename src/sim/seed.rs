//! Sandbox seeding (`SimConfig::demo`): templates in the library, a dozen merchants already authorized, and
//! their mini programs' code in every state of §11.3, so every panel of the console has something to show.

use super::api::code::{Audit, Commit, Release};
use super::api::privacy::Guide;
use super::merchants::Kind;
use super::state::Sim;
use crate::wechat::api::privacy::OwnerSetting;

/// How many of the first merchants start authorized unless told otherwise.
pub const DEMO_AUTHORIZED: usize = 12;

pub fn demo(sim: &mut Sim, authorized: usize, now: i64) {
    let drafts: Vec<i64> = sim.library.drafts.iter().map(|d| d.draft_id).collect();
    for (n, draft_id) in drafts.iter().enumerate() {
        // The second upload became a standard template; the others are ordinary ones.
        let _ = sim
            .library
            .add_template(now - 3600 * (10 - n as i64), *draft_id, i64::from(n == 1));
    }
    let count = u32::try_from(authorized)
        .unwrap_or(u32::MAX)
        .min(sim.merchants.seeded_count());
    // A day apart for the demo's dozen; closer together for a benchmark's 100,000, so none dates from centuries ago.
    let step = (86_400 * DEMO_AUTHORIZED as i64 / i64::from(count.max(1))).clamp(60, 86_400);
    // One mini program per state: committed, auditing, rejected, approved, released, delayed, withdrawn. With many
    // merchants authorized, only the first dozen mini programs get code: the states are what the demo shows.
    let mut miniprograms = Vec::new();
    for index in 0..count {
        sim.record_grant(now - step * i64::from(count - index), index, &[]);
        if sim.merchants.kind(index) == Kind::Miniprogram && miniprograms.len() < DEMO_AUTHORIZED {
            miniprograms.push(index);
        }
    }
    for (state, index) in miniprograms.into_iter().enumerate() {
        seed_code(sim, index, state % 8, now);
    }
}

fn seed_code(sim: &mut Sim, index: u32, state: usize, now: i64) {
    let Some((version, keys)) = sim
        .library
        .templates
        .last()
        .map(|t| (t.draft.user_version.clone(), t.draft.privacy_keys.clone()))
    else {
        return;
    };
    let auditid = sim.next_auditid;
    sim.next_auditid += 1;
    let code = &mut sim.account(index).code;
    code.commit = Some(Commit {
        user_version: version.clone(),
        user_desc: "门店自提与预约".into(),
        at: now - 7200,
        pages: vec!["pages/index/index".into(), "pages/menu/menu".into()],
        scan_done_at: now - 7000,
        privacy_keys: keys.clone(),
    });
    // The merely committed mini program still needs its privacy guide; every one that was submitted had one.
    if state != 0 {
        code.privacy.dev = Some(demo_guide(&keys, now - 3700));
    }
    let (status, reason, screenshots) = match state {
        0 => return,
        1 => (2, String::new(), Vec::new()),
        2 => (
            1,
            super::api::policy::default_rejection(),
            super::api::policy::screenshots_for(auditid, auditid as u64),
        ),
        3 | 4 | 7 => (0, String::new(), Vec::new()),
        5 => (4, "审核排队较多，审核时间将延后，请耐心等待。".to_owned(), Vec::new()),
        _ => (3, String::new(), Vec::new()),
    };
    code.audits.push(Audit {
        auditid,
        status,
        reason,
        screenshots,
        submitted_at: now - 3600,
        resolve_at: now + super::api::code::AUDIT_SECS,
        user_version: version.clone(),
        user_desc: "门店自提与预约".into(),
        released: matches!(state, 4 | 7),
        sped_up: false,
        privacy_keys: keys.clone(),
    });
    if matches!(state, 4 | 7) {
        code.privacy.release(&keys);
        code.next_app_version = 2;
        let previous = Release {
            app_version: 1,
            user_version: "1.2.1".into(),
            user_desc: "修复支付回调问题".into(),
            time: now - 86_400 * 7,
        };
        let current = Release {
            app_version: 2,
            user_version: version,
            user_desc: "门店自提与预约".into(),
            time: now - 1800,
        };
        code.history = vec![previous, current.clone()];
        code.online = Some(current);
    }
}

/// A development guide explaining `keys`, as a provider's privacy step writes it.
fn demo_guide(keys: &[String], at: i64) -> Guide {
    Guide {
        owner_setting: OwnerSetting {
            contact_email: Some("privacy@shop.example.com".into()),
            notice_method: "小程序内弹窗通知".into(),
            store_expire_timestamp: Some("30天".into()),
            ..OwnerSetting::default()
        },
        settings: keys
            .iter()
            .map(|key| (key.clone(), format!("为用户提供{key}相关服务")))
            .collect(),
        sdk: Vec::new(),
        update_time: at,
    }
}
