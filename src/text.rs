//! Numbers as text without `core::fmt`, which alone would double the size of the `.wasm`.

#[allow(unused_imports)]
use crate::prelude::*;
/// `42` for 42.
pub fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    digits.get(start..).map(|d| d.iter().map(|&b| b as char).collect()).unwrap_or_default()
}

/// `30000`, `1.5`, `0.25`: whole numbers without a fraction, others to at most three decimals.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() { "NaN".into() } else if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    if x >= 1e15 {
        return [sign, "more than 999999999999999"].concat();
    }
    let millis = (x * 1000.0 + 0.5) as u64;
    let whole = millis / 1000;
    let frac = millis % 1000;
    if frac == 0 {
        return [sign, &decimal(whole)].concat();
    }
    let mut tail = decimal(1000 + frac); // "1250" -> ".250" -> ".25"
    tail.remove(0);
    let tail = tail.trim_end_matches('0');
    [sign, &decimal(whole), ".", tail].concat()
}

/// Text from outside (a server's message, a fetch error) made fit to quote: control characters
/// become spaces, at most `max_chars` characters are kept (then "…"), ends trimmed; `None`
/// when nothing is left.
pub fn clean(raw: &str, max_chars: usize) -> Option<String> {
    let mut cleaned: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max_chars).collect();
    if raw.chars().nth(max_chars).is_some() {
        cleaned.push('…');
    }
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for n in [0u64, 7, 10, 42, 1_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(number(30000.0), "30000");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(0.001), "0.001");
        assert_eq!(number(2.0004), "2");
        assert_eq!(number(-3.5), "-3.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1e20), "more than 999999999999999");
        assert_eq!(number(f64::NAN), "NaN");
    }

    #[test]
    fn clean_keeps_printable_text_and_cuts_long_text() {
        assert_eq!(clean("line\nbreak\u{7}", 50).as_deref(), Some("line break"));
        assert_eq!(clean("  \t ", 50), None);
        assert_eq!(clean("abcdef", 3).as_deref(), Some("abc…"));
        assert_eq!(clean("abc", 3).as_deref(), Some("abc"));
    }
}
