//! The platform's calendar: its daily and monthly counters (withdrawals §6.8, audit quota §6.13, registrations)
//! turn at midnight China time (UTC+8), whatever the clock of the machine that counts.

const CHINA_OFFSET_SECS: i64 = 8 * 3600;

/// The day of `unix_secs` in China time, as days since 1970-01-01: two instants are on the same day exactly when
/// the numbers are equal.
pub fn day_index(unix_secs: i64) -> i64 {
    (unix_secs + CHINA_OFFSET_SECS).div_euclid(86_400)
}

/// The calendar month of `unix_secs` in China time (UTC+8, where the platform's monthly counters reset), as
/// `year * 12 + month - 1`, so that two instants are in the same month exactly when the numbers are equal.
pub fn month_index(unix_secs: i64) -> i64 {
    let (year, month, _) = civil_from_days(day_index(unix_secs));
    year * 12 + month - 1
}

/// `2026-11-30 19:27:41 UTC` for Unix seconds: how the hub's command line shows an instant.
pub fn utc_datetime(unix_secs: i64) -> String {
    let (year, month, day) = civil_from_days(unix_secs.div_euclid(86_400));
    let secs = unix_secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Howard Hinnant's civil_from_days: days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_datetimes_read_as_calendar_and_clock() {
        assert_eq!(utc_datetime(0), "1970-01-01 00:00:00 UTC");
        // 2024-02-29T15:59:59Z, a leap day.
        assert_eq!(utc_datetime(1_709_222_399), "2024-02-29 15:59:59 UTC");
        assert_eq!(utc_datetime(1_709_222_400), "2024-02-29 16:00:00 UTC");
    }

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
    fn days_turn_at_midnight_china_time() {
        // 2024-02-29T15:59:59Z is 23:59:59 in Beijing.
        assert_eq!(day_index(1_709_222_400) - day_index(1_709_222_399), 1);
        assert_eq!(day_index(1_709_222_399), day_index(1_709_222_399 - 86_399));
    }
}
