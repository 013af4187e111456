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
    let digits = decimal(1000 + frac); // "1250" -> "250" -> "25"
    let end = digits.bytes().rposition(|b| b != b'0').map_or(0, |i| i + 1);
    let tail = digits.get(1..end).unwrap_or_default();
    [sign, &decimal(whole), ".", tail].concat()
}

// Searching and splitting by bytes: the texts are short and the separators ASCII, and core's
// pattern searchers (two-way, memchr, Unicode whitespace tables) cost 3.4 KB of wasm.

/// Where `needle` first occurs in `text`.
pub fn find(text: &str, needle: &str) -> Option<usize> {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    (0..=text.len().checked_sub(needle.len())?).find(|&i| text.get(i..i + needle.len()) == Some(needle))
}

/// `text` before and after the first `needle`.
pub fn split_once<'a>(text: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(text, needle)?;
    Some((text.get(..at)?, text.get(at + needle.len()..)?))
}

/// Where the ASCII byte `b` first occurs in `text`.
pub fn position(text: &str, b: u8) -> Option<usize> {
    text.bytes().position(|x| x == b)
}

/// `text` cut at each ASCII byte `separator`, like `str::split`.
pub fn fields(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    // Cutting at an ASCII byte leaves valid UTF-8, so the fallback is never taken.
    text.as_bytes().split(move |&b| b == separator).map(|part| core::str::from_utf8(part).unwrap_or_default())
}

/// Every `from` in `text` replaced by `to`; `text` itself when there is none.
pub fn replace_all(text: String, from: &str, to: &str) -> String {
    if from.is_empty() || find(&text, from).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some((before, after)) = split_once(rest, from) {
        out.push_str(before);
        out.push_str(to);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Text from outside (a server's message, a fetch error) made fit to quote: control characters
/// become spaces, at most `max_chars` characters are kept (then "…"), ends trimmed; `None`
/// when nothing is left.
pub fn clean(raw: &str, max_chars: usize) -> Option<String> {
    let mut cleaned: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max_chars).collect();
    if raw.chars().nth(max_chars).is_some() {
        cleaned.push('…');
    }
    let cleaned = cleaned.trim_ascii();
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

    #[test]
    fn byte_searches_agree_with_core() {
        for (text, needle) in [("https://x/y", "://"), ("abc", ""), ("", "a"), ("aaa", "aa"), ("é://", "://"), ("ab", "abc")] {
            assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
            assert_eq!(split_once(text, needle), text.split_once(needle), "{text:?} {needle:?}");
        }
        assert_eq!(fields("a b  c", b' ').collect::<Vec<_>>(), "a b  c".split(' ').collect::<Vec<_>>());
        assert_eq!(fields("", b':').collect::<Vec<_>>(), vec![""]);
        assert_eq!(position("a:b", b':'), Some(1));
        assert_eq!(replace_all("k x k".into(), "k", "[r]"), "[r] x [r]");
        assert_eq!(replace_all("none".into(), "k", "[r]"), "none");
        assert_eq!(replace_all("kk".into(), "", "[r]"), "kk");
    }
}
