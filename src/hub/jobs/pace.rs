//! Pacing of the jobs' platform calls: at most `calls_per_minute` across every job of the hub, in bursts of up to a
//! second's worth, so a long job leaves room for the relay and the token owner and does not trip `45009`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token bucket. A caller that finds it empty reserves the next token anyway and sleeps until it is due, so
/// waiting callers are served in the order they came.
pub struct Pacer {
    bucket: Option<Mutex<Bucket>>,
}

struct Bucket {
    per_sec: f64,
    capacity: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Takes one token at `now`; how long the caller must wait before using it.
    fn reserve(&mut self, now: Instant) -> Duration {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.capacity);
        self.at = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_sec)
        }
    }
}

impl Pacer {
    /// `0` means no limit.
    pub fn new(calls_per_minute: u32) -> Self {
        let bucket = (calls_per_minute > 0).then(|| {
            let per_sec = f64::from(calls_per_minute) / 60.0;
            let capacity = per_sec.max(1.0);
            Mutex::new(Bucket {
                per_sec,
                capacity,
                tokens: capacity,
                at: Instant::now(),
            })
        });
        Self { bucket }
    }

    /// Waits until one more call is allowed.
    pub async fn acquire(&self) {
        let Some(bucket) = &self.bucket else {
            return;
        };
        // A poisoned bucket only loses pacing; the call itself is still correct.
        let wait = bucket.lock().map(|mut b| b.reserve(Instant::now())).unwrap_or_default();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_lets_a_seconds_worth_through_then_spaces_the_rest() {
        let start = Instant::now();
        let mut bucket = Bucket {
            per_sec: 10.0,
            capacity: 10.0,
            tokens: 10.0,
            at: start,
        };
        for _ in 0..10 {
            assert_eq!(bucket.reserve(start), Duration::ZERO);
        }
        let waits: Vec<u128> = (0..3).map(|_| bucket.reserve(start).as_millis()).collect();
        assert_eq!(waits, [100, 200, 300], "each waiting caller gets the next free slot");
        // Half a second later five tokens have come back, three of them already promised.
        let later = start + Duration::from_millis(500);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert_eq!(bucket.reserve(later).as_millis(), 100);
    }

    #[test]
    fn an_idle_bucket_holds_no_more_than_a_seconds_worth() {
        let start = Instant::now();
        let mut bucket = Bucket {
            per_sec: 2.0,
            capacity: 2.0,
            tokens: 2.0,
            at: start,
        };
        let later = start + Duration::from_secs(60);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert_eq!(bucket.reserve(later).as_millis(), 500);
    }

    #[tokio::test]
    async fn no_limit_never_waits() {
        let pacer = Pacer::new(0);
        let started = Instant::now();
        for _ in 0..10_000 {
            pacer.acquire().await;
        }
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
