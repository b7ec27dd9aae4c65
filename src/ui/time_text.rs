//! Dates and durations as the console writes them. Times are UTC and say so: the console carries no time-zone
//! database, and a wrong local time is worse than an honest UTC one.

use crate::t;

/// `2026-11-21 14:05 UTC` for Unix seconds.
pub fn datetime(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs_of_day = unix_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs_of_day / 3600,
        secs_of_day % 3600 / 60
    )
}

/// `2026-11-21` for Unix seconds.
pub fn date(unix_secs: i64) -> String {
    let (year, month, day) = civil_from_days(unix_secs.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// "9 分 05 秒" / "9 min 05 s", "2 小时 3 分" / "2 h 3 min" for a span in seconds (negative spans count as zero).
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    if secs >= 3600 {
        t!("time.hours_minutes", hours = secs / 3600, minutes = secs % 3600 / 60)
    } else {
        t!(
            "time.minutes_seconds",
            minutes = secs / 60,
            seconds = format!("{:02}", secs % 60)
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_known_instants() {
        assert_eq!(datetime(0), "1970-01-01 00:00 UTC");
        assert_eq!(datetime(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(datetime(1_700_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(date(-86_400), "1969-12-31");
    }

    #[test]
    fn durations_pick_their_unit() {
        crate::ui::i18n::set_current(crate::ui::i18n::Lang::En);
        assert_eq!(duration(545), "9 min 05 s");
        assert_eq!(duration(7_380), "2 h 3 min");
        assert_eq!(duration(-5), "0 min 00 s");
    }
}
