//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds (digits only) or an HTTP-date. Anything
//! else, decimals and negative numbers included, is "no usable value" and the caller falls back
//! to backoff.

use std::time::UNIX_EPOCH;

/// Whole seconds to wait, given the header value and the current time in milliseconds since the
/// Unix epoch. A date is rounded up to the next whole second (never earlier than asked); a date
/// in the past means "now" (0).
pub fn parse(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim_ascii();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is no usable value either.
        return value.parse::<u64>().ok().map(|s| s as f64);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at_ms = at.duration_since(UNIX_EPOCH).ok()?.as_millis() as f64;
    Some(((at_ms - now_ms) / 1000.0).ceil().max(0.0))
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
            "",
            " ",
            "-1",
            "-0.5",
            "1.5",
            "0.25",
            "1.",
            ".5",
            "soon",
            "1e3",
            "0x10",
            "+5",
            "1 2",
            "Sun, 22 Nov 2026 12:00:30",
            "Sun, 22 Nov 2026 12:00:30 UTC",
            "Sun, 32 Nov 2026 12:00:30 GMT",
            "Sun, 22 Foo 2026 12:00:30 GMT",
            "Sun, 22 Nov 2026 25:00:30 GMT",
            "Sun, 2 Nov 2026 12:00:30 GMT",
        ] {
            assert_eq!(parse(bad, NOW), None, "{bad:?}");
        }
    }
}
