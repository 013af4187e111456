//! Text from outside (a server's message, a fetch error) made fit to quote in an error.

/// Control characters become spaces, at most `max_chars` characters are kept (then "…"), ends
/// trimmed; `None` when nothing is left.
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
    fn clean_keeps_printable_text_and_cuts_long_text() {
        assert_eq!(clean("line\nbreak\u{7}", 50).as_deref(), Some("line break"));
        assert_eq!(clean("  \t ", 50), None);
        assert_eq!(clean("abcdef", 3).as_deref(), Some("abc…"));
        assert_eq!(clean("abc", 3).as_deref(), Some("abc"));
    }
}
