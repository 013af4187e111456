//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Anything else, including
//! a negative number, is "no usable value" and the caller falls back to backoff.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text;
/// Seconds to wait, given the header value and the current time in milliseconds since the
/// Unix epoch. A date in the past means "now" (0).
pub fn parse(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim_ascii();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return delay_seconds(value);
    }
    let at_ms = parse_imf_fixdate(value)?;
    Some(((at_ms - now_ms) / 1000.0).max(0.0))
}

/// Digits, with an optional fraction (not in the RFC but harmless to honour). Parsed by hand:
/// `str::parse::<f64>` would bring a float parser into the `.wasm` for this one header.
fn delay_seconds(value: &str) -> Option<f64> {
    // A second dot fails `digit_value`; a dot needs digits on both sides.
    let (whole, fraction) = match text::split_once(value, ".") {
        Some((_, "")) => return None,
        Some(parts) => parts,
        None => (value, ""),
    };
    let digit_value = |text: &str| text.bytes().try_fold(0f64, |n, b| b.is_ascii_digit().then(|| n * 10.0 + f64::from(b - b'0')));
    if whole.is_empty() {
        return None;
    }
    let whole = digit_value(whole)?;
    let fraction = digit_value(fraction)? / fraction.bytes().fold(1f64, |scale, _| scale * 10.0);
    Some(whole + fraction).filter(|s| s.is_finite())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` to milliseconds since the epoch. The weekday is not
/// cross-checked: a server that gets it wrong still meant the date.
fn parse_imf_fixdate(value: &str) -> Option<f64> {
    let (_weekday, rest) = text::split_once(value, ", ")?;
    let mut parts = text::fields(rest, b' ');
    let day: u32 = number(parts.next()?, 2)?;
    let month = month_number(parts.next()?)?;
    let year: i64 = number(parts.next()?, 4)? as i64;
    let time = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    let mut hms = text::fields(time, b':');
    let hour = number(hms.next()?, 2)?;
    let minute = number(hms.next()?, 2)?;
    let second = number(hms.next()?, 2)?;
    if hms.next().is_some() || day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Some(secs as f64 * 1000.0)
}

fn number(text: &str, width: usize) -> Option<u32> {
    if text.len() != width {
        return None;
    }
    text.bytes().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    MONTHS.iter().position(|m| *m == name).map(|i| i as u32 + 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
        assert_eq!(parse("1.5", NOW), Some(1.5));
        assert_eq!(parse("3600", NOW), Some(3600.0));
        assert_eq!(parse("0.25", NOW), Some(0.25));
        assert_eq!(parse("007", NOW), Some(7.0));
    }

    #[test]
    fn http_dates_relative_to_now_and_past_dates_mean_now() {
        assert_eq!(parse("Sun, 22 Nov 2026 12:00:30 GMT", NOW), Some(30.0));
        assert_eq!(parse("Mon, 23 Nov 2026 12:00:00 GMT", NOW), Some(86_400.0));
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW), Some(0.0));
    }

    #[test]
    fn the_epoch_arithmetic_matches_known_instants() {
        assert_eq!(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000.0));
        assert_eq!(parse_imf_fixdate("Tue, 29 Feb 2028 00:00:00 GMT"), Some(1_835_395_200_000.0));
    }

    #[test]
    fn garbage_and_negative_values_are_unusable() {
        for bad in [
            "", " ", "-1", "-0.5", "soon", "1e3", "0x10", "1..2", ".", "1.", ".5", "1.2.3", "Sun, 22 Nov 2026 12:00:30",
            "Sun, 22 Nov 2026 12:00:30 UTC", "Sun, 32 Nov 2026 12:00:30 GMT", "Sun, 22 Foo 2026 12:00:30 GMT",
            "Sun, 22 Nov 2026 25:00:30 GMT", "Sun, 2 Nov 2026 12:00:30 GMT", "Sunday, 22-Nov-26 12:00:30 GMT",
        ] {
            assert_eq!(parse(bad, NOW), None, "{bad:?}");
        }
    }
}
