//! How audits end on their own (`POST /__sim/audit/policy`): after a pseudo-random time around `mean_secs` of
//! simulated time, with an outcome drawn by the given percentages. Every draw is a hash of the policy's seed, the
//! auditid and the round, so the same run gives the same outcomes, and a batch of 1,000 still sees a realistic mix.

use serde::Deserialize;

/// Rejection reasons the platform's reviewers write, used when the policy brings none of its own.
const DEFAULT_REASONS: [&str; 6] = [
    "小程序页面内容涉及未经许可的服务，请补充相关资质后重新提交。",
    "小程序服务类目与实际运营内容不符，请选择与内容相符的类目。",
    "小程序存在诱导分享、诱导关注等行为，请修改后重新提交。",
    "小程序收集用户信息前未明示用途，请完善用户隐私保护指引。",
    "小程序页面存在无法正常打开或空白的页面，请修复后重新提交。",
    "小程序名称、简介与实际功能不符，请修改后重新提交。",
];
/// The reason of a delay (§6.7 status 4).
pub const DELAY_REASON: &str = "审核排队较多，审核时间将延后，请耐心等待。";

/// The body of `POST /__sim/audit/policy`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditPolicy {
    pub approve_percent: u32,
    pub reject_percent: u32,
    pub delay_percent: u32,
    /// The mean simulated time an audit takes; each one takes between half and one and a half of it.
    pub mean_secs: i64,
    /// Reason texts to draw rejections from (two or three per rejection, numbered and joined with `<br>`).
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Changes every draw; the same seed gives the same outcomes.
    #[serde(default)]
    pub seed: u64,
}

/// How one round of an audit ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawn {
    Approve,
    Reject {
        reason: String,
        screenshots: Vec<String>,
    },
    /// Not final (§4.3): a second round follows, which approves or rejects.
    Delay,
}

/// splitmix64: a well-mixed 64-bit hash of one input.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl AuditPolicy {
    /// The percentages must add up to 100 and the mean time must be positive.
    pub fn check(&self) -> Result<(), String> {
        let sum = self.approve_percent + self.reject_percent + self.delay_percent;
        if sum != 100 {
            return Err(format!(
                "approve_percent + reject_percent + delay_percent is {sum}, not 100"
            ));
        }
        if self.mean_secs <= 0 {
            return Err("mean_secs must be positive".into());
        }
        Ok(())
    }

    fn draw(&self, auditid: i64, round: u8, salt: u64) -> u64 {
        mix(self.seed ^ mix(auditid as u64 ^ (u64::from(round) << 56) ^ (salt << 48)))
    }

    /// Simulated seconds round `round` (0 first, 1 after a delay) of audit `auditid` takes.
    pub fn wait_secs(&self, auditid: i64, round: u8) -> i64 {
        let half = (self.mean_secs / 2).max(1);
        let spread = u64::try_from(self.mean_secs).unwrap_or(1).max(1);
        let offset = i64::try_from(self.draw(auditid, round, 1) % spread).unwrap_or(0);
        (half + offset).max(1)
    }

    /// The outcome of round `round`: the first may be a delay, the one after a delay approves or rejects.
    pub fn outcome(&self, auditid: i64, round: u8) -> Drawn {
        let (approve, reject) = (u64::from(self.approve_percent), u64::from(self.reject_percent));
        let total = if round == 0 {
            approve + reject + u64::from(self.delay_percent)
        } else {
            approve + reject
        };
        if total == 0 {
            return Drawn::Approve;
        }
        let roll = self.draw(auditid, round, 2) % total;
        if roll < approve {
            Drawn::Approve
        } else if roll < approve + reject {
            Drawn::Reject {
                reason: self.reasons_for(auditid, round),
                screenshots: screenshots_for(auditid, self.draw(auditid, round, 3)),
            }
        } else {
            Drawn::Delay
        }
    }

    /// Two or three distinct reasons (one when the pool has one), numbered as the platform numbers them and joined
    /// with `<br>` (§4.3), so a receiver always meets the list it must split.
    fn reasons_for(&self, auditid: i64, round: u8) -> String {
        let own: Vec<&str> = self
            .reasons
            .iter()
            .map(String::as_str)
            .filter(|r| !r.trim().is_empty())
            .collect();
        let pool: Vec<&str> = if own.is_empty() { DEFAULT_REASONS.to_vec() } else { own };
        let hash = self.draw(auditid, round, 4);
        let most = pool.len().min(3);
        let least = most.min(2);
        let count = least + (hash % (most - least + 1) as u64) as usize;
        let start = (hash >> 8) as usize % pool.len();
        numbered((0..count).map(|n| pool[(start + n) % pool.len()]))
    }
}

/// "1. …<br>2. …": the shape of a rejection's `Reason` (§4.3).
pub fn numbered<'a>(reasons: impl IntoIterator<Item = &'a str>) -> String {
    reasons
        .into_iter()
        .enumerate()
        .map(|(n, reason)| format!("{}. {reason}", n + 1))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// One to three screenshot media ids of a rejection: opaque, like the platform's, and unique to the audit.
pub fn screenshots_for(auditid: i64, hash: u64) -> Vec<String> {
    let count = 1 + hash % 3;
    (1..=count)
        .map(|n| {
            let a = mix(hash ^ mix(auditid as u64 ^ n));
            format!("{a:016x}{:016x}", mix(a))
        })
        .collect()
}

/// The default rejection reason of `POST /__sim/audit/resolve` without one.
pub fn default_rejection() -> String {
    numbered(DEFAULT_REASONS[..2].iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(approve: u32, reject: u32, delay: u32) -> AuditPolicy {
        AuditPolicy {
            approve_percent: approve,
            reject_percent: reject,
            delay_percent: delay,
            mean_secs: 3600,
            reasons: Vec::new(),
            seed: 7,
        }
    }

    #[test]
    fn outcomes_follow_the_percentages_and_repeat() {
        let p = policy(70, 20, 10);
        let drawn: Vec<Drawn> = (0..1000).map(|id| p.outcome(412_000_000 + id, 0)).collect();
        let count = |f: fn(&Drawn) -> bool| drawn.iter().filter(|d| f(d)).count();
        let approved = count(|d| matches!(d, Drawn::Approve));
        let rejected = count(|d| matches!(d, Drawn::Reject { .. }));
        assert!((620..=780).contains(&approved), "{approved}");
        assert!((140..=260).contains(&rejected), "{rejected}");
        let again: Vec<Drawn> = (0..1000).map(|id| p.outcome(412_000_000 + id, 0)).collect();
        assert_eq!(drawn, again, "the same policy and auditids give the same outcomes");
        assert!(
            (0..1000).all(|id| p.outcome(id, 1) != Drawn::Delay),
            "a delayed audit ends in approval or rejection"
        );
    }

    #[test]
    fn waits_stay_around_the_mean() {
        let p = policy(100, 0, 0);
        let waits: Vec<i64> = (0..500).map(|id| p.wait_secs(id, 0)).collect();
        assert!(waits.iter().all(|w| (1800..5400).contains(w)));
        let mean = waits.iter().sum::<i64>() / 500;
        assert!((3200..=4000).contains(&mean), "{mean}");
        assert_ne!(waits[0], waits[1]);
    }

    #[test]
    fn rejections_are_numbered_with_br_and_carry_screenshots() {
        let p = policy(0, 100, 0);
        for id in 0..50 {
            let Drawn::Reject { reason, screenshots } = p.outcome(id, 0) else {
                panic!("not rejected")
            };
            assert!(reason.starts_with("1. ") && reason.contains("<br>2. "), "{reason}");
            for (n, item) in reason.split("<br>").enumerate() {
                assert!(item.starts_with(&format!("{}. ", n + 1)), "{reason}");
            }
            assert!((1..=3).contains(&screenshots.len()));
        }
        assert!(policy(50, 30, 30).check().is_err());
    }
}
