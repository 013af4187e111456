//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds (digits only) or an HTTP-date. Anything
//! else, decimals and negative numbers included, is "no usable value" and the caller falls back
//! to backoff.

/// Whole seconds to wait, given the header value and the current time in milliseconds since the
/// Unix epoch. A date is rounded up to the next whole second (never earlier than asked); a date
/// in the past means "now" (0).
pub fn parse(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim_ascii();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is no usable value either.
        return value.parse::<u64>().ok().map(|s| s as f64);
    }
    let at_ms = http_date(value)? as f64 * 1000.0;
    Some(((at_ms - now_ms) / 1000.0).ceil().max(0.0))
}

/// An HTTP-date (RFC 9110 §5.6.7) as seconds since the Unix epoch: IMF-fixdate, or the obsolete
/// RFC 850 and asctime forms recipients must still accept; in GMT, from 1970 to 9999, naming
/// the date's own weekday. The httpdate crate's answers (tests/fuzz.rs compares the two on
/// every kind of input) in about a fifth of its 4.9 KB of wasm.
pub fn http_date(value: &str) -> Option<u64> {
    if !value.is_ascii() {
        return None;
    }
    // What `str::trim` removes from ASCII text (\x0b too, which `trim_ascii` keeps).
    let s = value.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b').as_bytes();
    let date = imf_fixdate(s).or_else(|| rfc850(s)).or_else(|| asctime(s))?;
    date.seconds()
}

const MONTHS: [&[u8]; 12] = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

struct Date {
    /// 0 is Monday.
    weekday: usize,
    year: u64,
    /// 0 is January.
    month: usize,
    day: u64,
    /// Hour, minute, second.
    time: [u64; 3],
}

impl Date {
    fn seconds(&self) -> Option<u64> {
        const BEFORE_MONTH: [u64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let leap = self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0);
        let month_days = match self.month {
            1 if leap => 29,
            1 => 28,
            3 | 5 | 8 | 10 => 30,
            _ => 31,
        };
        let [hour, minute, second] = self.time;
        let valid = (1970..=9999).contains(&self.year) && (1..=month_days).contains(&self.day) && hour < 24 && minute < 60 && second < 60;
        if !valid {
            return None;
        }
        let leap_days = |y: u64| y / 4 - y / 100 + y / 400;
        let days = (self.year - 1970) * 365 + leap_days(self.year - 1) - leap_days(1969) + BEFORE_MONTH[self.month] + u64::from(leap && self.month > 1) + self.day - 1;
        // 1970-01-01 was a Thursday.
        ((days + 3) % 7 == self.weekday as u64).then_some(days * 86_400 + hour * 3_600 + minute * 60 + second)
    }
}

fn digits(s: &[u8]) -> Option<u64> {
    s.iter().try_fold(0, |n, b| b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0')))
}

fn month(s: &[u8]) -> Option<usize> {
    MONTHS.iter().position(|m| *m == s)
}

fn short_weekday(s: &[u8]) -> Option<usize> {
    WEEKDAYS.iter().position(|d| &d.as_bytes()[..3] == s)
}

/// `hh:mm:ss`
fn time(s: &[u8]) -> Option<[u64; 3]> {
    if s[2] != b':' || s[5] != b':' {
        return None;
    }
    Some([digits(&s[0..2])?, digits(&s[3..5])?, digits(&s[6..8])?])
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn imf_fixdate(s: &[u8]) -> Option<Date> {
    if s.len() != 29 || &s[25..] != b" GMT" || &s[3..5] != b", " || s[7] != b' ' || s[11] != b' ' || s[16] != b' ' {
        return None;
    }
    Some(Date { weekday: short_weekday(&s[..3])?, day: digits(&s[5..7])?, month: month(&s[8..11])?, year: digits(&s[12..16])?, time: time(&s[17..25])? })
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`; a two-digit year below 70 is 20xx. As in httpdate, the
/// character between the year and the time is not checked.
fn rfc850(s: &[u8]) -> Option<Date> {
    if s.len() < 23 {
        return None;
    }
    let weekday = WEEKDAYS.iter().position(|d| s.starts_with(d.as_bytes()) && s[d.len()..].starts_with(b", "))?;
    let s = &s[WEEKDAYS[weekday].len() + 2..];
    if s.len() != 22 || &s[18..] != b" GMT" || s[2] != b'-' || s[6] != b'-' {
        return None;
    }
    let year = digits(&s[7..9])?;
    Some(Date { weekday, day: digits(&s[0..2])?, month: month(&s[3..6])?, year: if year < 70 { year + 2000 } else { year + 1900 }, time: time(&s[10..18])? })
}

/// `Sun Nov  6 08:49:37 1994`
fn asctime(s: &[u8]) -> Option<Date> {
    if s.len() != 24 || s[3] != b' ' || s[7] != b' ' || s[10] != b' ' || s[19] != b' ' {
        return None;
    }
    let day = if s[8] == b' ' { digits(&s[9..10])? } else { digits(&s[8..10])? };
    Some(Date { weekday: short_weekday(&s[..3])?, day, month: month(&s[4..7])?, year: digits(&s[20..24])?, time: time(&s[11..19])? })
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-22T12:00:00Z
    const NOW: f64 = 1_795_348_800_000.0;

    #[test]
    fn delay_seconds() {
        assert_eq!(parse("0", NOW), Some(0.0));
        assert_eq!(parse(" 17 ", NOW), Some(17.0));
        assert_eq!(parse("3600", NOW), Some(3600.0));
        assert_eq!(parse("007", NOW), Some(7.0));
        assert_eq!(parse("99999999999999999999999", NOW), None);
    }

    #[test]
    fn http_dates_relative_to_now_and_past_dates_mean_now() {
        assert_eq!(parse("Sun, 22 Nov 2026 12:00:30 GMT", NOW), Some(30.0));
        assert_eq!(parse("Sun, 22 Nov 2026 12:00:30 GMT", NOW + 500.0), Some(30.0), "rounded up, not down");
        assert_eq!(parse("Mon, 23 Nov 2026 12:00:00 GMT", NOW), Some(86_400.0));
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW), Some(0.0));
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT", 0.0), Some(0.0));
        assert_eq!(parse("Tue, 29 Feb 2028 00:00:00 GMT", 1_835_395_200_000.0 - 1000.0), Some(1.0));
    }

    #[test]
    fn the_obsolete_date_formats_rfc_9110_still_asks_recipients_to_accept() {
        assert_eq!(parse("Sunday, 22-Nov-26 12:00:30 GMT", NOW), Some(30.0));
        assert_eq!(parse("Sun Nov 22 12:00:30 2026", NOW), Some(30.0));
    }

    #[test]
    fn garbage_decimals_and_negative_values_are_unusable() {
        for bad in [
            "", " ", "-1", "-0.5", "1.5", "0.25", "1.", ".5", "soon", "1e3", "0x10", "+5", "1 2", "Sun, 22 Nov 2026 12:00:30",
            "Sun, 22 Nov 2026 12:00:30 UTC", "Sun, 32 Nov 2026 12:00:30 GMT", "Sun, 22 Foo 2026 12:00:30 GMT",
            "Sun, 22 Nov 2026 25:00:30 GMT", "Sun, 2 Nov 2026 12:00:30 GMT",
        ] {
            assert_eq!(parse(bad, NOW), None, "{bad:?}");
        }
    }
}
