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
}
