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

pub use crate::wechat::calendar::month_index;

#[cfg(test)]
mod tests {
    use super::*;

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
