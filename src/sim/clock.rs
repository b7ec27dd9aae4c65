//! The simulated clock: wall time at start, running `speed` times faster, plus any jumps a test asks for.
//!
//! An audit that takes days on the real platform resolves in seconds when the clock runs fast or is advanced
//! with `POST /__sim/clock` (DESIGN.md, the simulator).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug)]
pub struct Clock {
    started: Instant,
    start_unix_secs: i64,
    speed: f64,
    advanced_secs: AtomicI64,
}

impl Clock {
    /// A speed that is not a positive finite number is taken as 1.
    pub fn new(speed: f64) -> Self {
        let start_unix_secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
        Self {
            started: Instant::now(),
            start_unix_secs,
            speed,
            advanced_secs: AtomicI64::new(0),
        }
    }

    /// Simulated Unix time in seconds.
    pub fn now(&self) -> i64 {
        let elapsed = self.started.elapsed().as_secs_f64() * self.speed;
        self.start_unix_secs + elapsed as i64 + self.advanced_secs.load(Ordering::Relaxed)
    }

    /// Moves simulated time forward; negative amounts are ignored (time never runs backwards).
    pub fn advance(&self, secs: i64) -> i64 {
        if secs > 0 {
            self.advanced_secs.fetch_add(secs, Ordering::Relaxed);
        }
        self.now()
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}

/// The calendar month of `unix_secs` in China time (UTC+8, where the platform's monthly counters reset), as
/// `year * 12 + month - 1`, so that two instants are in the same month exactly when the numbers are equal.
pub fn month_index(unix_secs: i64) -> i64 {
    const CHINA_OFFSET_SECS: i64 = 8 * 3600;
    let days = (unix_secs + CHINA_OFFSET_SECS).div_euclid(86_400);
    // Howard Hinnant's civil_from_days: days since 1970-01-01 → (year, month).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year * 12 + month - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_turn_at_midnight_china_time() {
        // 2024-02-29T15:59:59Z is 23:59:59 on 29 February in Beijing; a second later it is 1 March.
        let leap_evening = 1_709_222_399;
        assert_eq!(month_index(leap_evening), 2024 * 12 + 1);
        assert_eq!(month_index(leap_evening + 1), 2024 * 12 + 2);
        assert_eq!(month_index(0), 1970 * 12);
        // 1999-12-31T16:00:00Z is midnight of 1 January 2000 in Beijing.
        assert_eq!(month_index(946_656_000), 2000 * 12);
        assert_eq!(month_index(946_655_999), 1999 * 12 + 11);
    }

    #[test]
    fn advancing_moves_time_forward_only() {
        let clock = Clock::new(1.0);
        let before = clock.now();
        assert!(clock.advance(3600) >= before + 3600);
        let after = clock.now();
        assert!(clock.advance(-100) >= after);
    }

    #[test]
    fn a_bad_speed_falls_back_to_real_time() {
        assert_eq!(Clock::new(f64::NAN).speed(), 1.0);
        assert_eq!(Clock::new(-2.0).speed(), 1.0);
        assert_eq!(Clock::new(60.0).speed(), 60.0);
    }
}
