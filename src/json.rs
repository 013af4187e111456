//! A small validating JSON reader over bytes, for the two bodies this client reads. It checks
//! syntax as `JSON.parse` would and hands out raw token slices rather than building values:
//! the 200 body is then re-emitted from those slices (or parsed by JS as it is), so strings are
//! never decoded or copied one by one. No recursion without a depth limit, no panics, no
//! `core::fmt`: this code takes outside input inside the wasm instance.

#[allow(unused_imports)]
use crate::prelude::*;
/// Nesting allowed in values this client skips over (unknown fields). Deeper input is refused
/// rather than risking the stack.
const MAX_DEPTH: u32 = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn article_name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// Why the bytes are not JSON. Positions are not reported: users need "not JSON", not where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxError;

pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Reader { text, bytes: text.as_bytes(), pos: 0 }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// After the top-level value: only whitespace may follow.
    pub fn finish(&mut self) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.pos == self.bytes.len() { Ok(()) } else { Err(SyntaxError) }
    }

    /// The kind of the next value, without consuming it.
    #[inline(always)]
    pub fn peek_kind(&mut self) -> Result<Kind, SyntaxError> {
        self.skip_ws();
        match self.peek().ok_or(SyntaxError)? {
            b'{' => Ok(Kind::Object),
            b'[' => Ok(Kind::Array),
            b'"' => Ok(Kind::String),
            b't' | b'f' => Ok(Kind::Bool),
            b'n' => Ok(Kind::Null),
            b'-' | b'0'..=b'9' => Ok(Kind::Number),
            _ => Err(SyntaxError),
        }
    }

    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        self.eat_byte(byte)
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Result<(), SyntaxError> {
        if self.eat(byte) { Ok(()) } else { Err(SyntaxError) }
    }

    /// Enters an object (`{`); then call `next_key` until it returns `None`.
    pub fn begin_object(&mut self) -> Result<(), SyntaxError> {
        self.expect(b'{')
    }

    /// The next key's raw content (between the quotes, escapes left as they are), having
    /// consumed the `:`; `None` at the closing `}`. `first` is true for the first call.
    #[cfg_attr(feature = "standalone", optimize(speed))]
    pub fn next_key(&mut self, first: bool) -> Result<Option<&'a str>, SyntaxError> {
        if self.eat(b'}') {
            return Ok(None);
        }
        if !first {
            self.expect(b',')?;
        }
        self.skip_ws();
        let raw = self.string()?;
        self.expect(b':')?;
        Ok(Some(inner(raw)))
    }

    pub fn begin_array(&mut self) -> Result<(), SyntaxError> {
        self.expect(b'[')
    }

    /// True if another element follows (having consumed the `,`), false at the closing `]`.
    #[cfg_attr(feature = "standalone", optimize(speed))]
    pub fn next_element(&mut self, first: bool) -> Result<bool, SyntaxError> {
        if self.eat(b']') {
            return Ok(false);
        }
        if !first {
            self.expect(b',')?;
        }
        Ok(true)
    }

    /// A string token, quotes included, exactly as it appears in the input.
    #[cfg_attr(feature = "standalone", optimize(speed))]
    pub fn string(&mut self) -> Result<&'a str, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Err(SyntaxError);
        }
        self.pos += 1;
        loop {
            // Runs of plain characters are the bulk of any body: pass them in one step.
            self.pos += plain_run(self.bytes.get(self.pos..).unwrap_or_default());
            match self.peek().ok_or(SyntaxError)? {
                b'"' => {
                    self.pos += 1;
                    return self.slice(start);
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek().ok_or(SyntaxError)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 1,
                        b'u' => {
                            self.pos += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                                    return Err(SyntaxError);
                                }
                                self.pos += 1;
                            }
                        }
                        _ => return Err(SyntaxError),
                    }
                }
                0x00..=0x1f => return Err(SyntaxError),
                _ => self.pos += 1,
            }
        }
    }

    /// A number token exactly as it appears, checked against JSON's number grammar.
    #[cfg_attr(feature = "standalone", optimize(speed))]
    pub fn number(&mut self) -> Result<&'a str, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        self.eat_byte(b'-');
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(SyntaxError),
        }
        if self.eat_byte(b'.') {
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(SyntaxError);
            }
            self.digits();
        }
        if self.eat_byte(b'e') || self.eat_byte(b'E') {
            if !self.eat_byte(b'+') {
                self.eat_byte(b'-');
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(SyntaxError);
            }
            self.digits();
        }
        self.slice(start)
    }

    #[cfg_attr(feature = "standalone", optimize(speed))]
    pub fn literal(&mut self) -> Result<&'a str, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        for word in ["null", "true", "false"] {
            if self.bytes.get(start..start + word.len()) == Some(word.as_bytes()) {
                self.pos += word.len();
                return self.slice(start);
            }
        }
        Err(SyntaxError)
    }

    /// Any value, checked and passed over (for fields this client does not return).
    pub fn skip_value(&mut self) -> Result<(), SyntaxError> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: u32) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError);
        }
        match self.peek_kind()? {
            Kind::Object => {
                self.begin_object()?;
                let mut first = true;
                while self.next_key(first)?.is_some() {
                    first = false;
                    self.skip_nested(depth + 1)?;
                }
            }
            Kind::Array => {
                self.begin_array()?;
                let mut first = true;
                while self.next_element(first)? {
                    first = false;
                    self.skip_nested(depth + 1)?;
                }
            }
            Kind::String => {
                self.string()?;
            }
            Kind::Number => {
                self.number()?;
            }
            Kind::Bool | Kind::Null => {
                self.literal()?;
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    #[inline(always)]
    fn eat_byte(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Token boundaries always fall on ASCII bytes, so they are char boundaries; `get` rather
    /// than indexing keeps even a logic error from panicking.
    #[inline(always)]
    fn slice(&self, start: usize) -> Result<&'a str, SyntaxError> {
        self.text.get(start..self.pos).ok_or(SyntaxError)
    }
}

/// A string token without its quotes.
#[inline(always)]
pub fn inner(token: &str) -> &str {
    // Byte checks, not `strip_prefix('"')`: a char pattern is encoded on every call, and this
    // runs for every key of every body.
    let bytes = token.as_bytes();
    if bytes.len() >= 2 && bytes.first() == Some(&b'"') && bytes.last() == Some(&b'"') {
        token.get(1..token.len() - 1).unwrap_or(token)
    } else {
        token
    }
}

/// A string token's text with escapes resolved; lone surrogates become U+FFFD.
pub fn unescape(token: &str) -> String {
    let raw = inner(token);
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    let mut pending_high: Option<u32> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush_surrogate(&mut out, &mut pending_high);
            out.push(c);
            continue;
        }
        let escaped = match chars.next() {
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => {
                let code = (0..4).try_fold(0u32, |acc, _| chars.next().and_then(|h| h.to_digit(16)).map(|d| acc * 16 + d));
                let Some(code) = code else { break };
                match (pending_high.take(), code) {
                    (Some(high), 0xDC00..=0xDFFF) => {
                        let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                        out.push(char::from_u32(combined).unwrap_or('\u{FFFD}'));
                    }
                    (high, 0xD800..=0xDBFF) => {
                        if high.is_some() {
                            out.push('\u{FFFD}');
                        }
                        pending_high = Some(code);
                    }
                    (high, _) => {
                        if high.is_some() {
                            out.push('\u{FFFD}');
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                }
                continue;
            }
            Some(other) => other,
            None => break,
        };
        flush_surrogate(&mut out, &mut pending_high);
        out.push(escaped);
    }
    flush_surrogate(&mut out, &mut pending_high);
    out
}

fn flush_surrogate(out: &mut String, pending: &mut Option<u32>) {
    if pending.take().is_some() {
        out.push('\u{FFFD}');
    }
}

/// How many bytes at the start of `bytes` can sit inside a string token as they are: none is
/// `"`, `\\` or a control character. Eight bytes at a time (SWAR): strings are most of a
/// body, and a byte loop at opt-level "z" was the largest cost of checking one.
#[inline(always)]
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte's high bit is set in the result where that byte is zero / below 0x20. Borrows can
    // also mark bytes above a match, never below it, so the lowest mark is exact.
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let mut done = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        // A pattern, not `copy_from_slice`: that stays a call into core at opt-level "z".
        let &[a, b, c, d, e, f, g, h] = chunk else { break };
        let w = u64::from_le_bytes([a, b, c, d, e, f, g, h]);
        let marks = (w.wrapping_sub(ONES * 0x20) & !w & HIGH) | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')));
        if marks != 0 {
            return done + (marks.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    let tail = chunks.remainder();
    done + tail.iter().position(|&b| ends_plain_run(b)).unwrap_or(tail.len())
}

/// The bytes `plain_run` stops at, one at a time.
#[inline(always)]
fn ends_plain_run(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skips(text: &str) -> bool {
        let mut r = Reader::new(text);
        r.skip_value().is_ok() && r.finish().is_ok()
    }

    #[test]
    fn accepts_what_json_parse_accepts() {
        for ok in [
            "null", "true", "false", "0", "-0", "12", "-3.25", "1e9", "1E+2", "2.5e-3", r#""""#, r#""a\"b\\c\/\b\f\n\r\t\u00e9""#,
            "[]", "[1, [2, {}], \"x\"]", r#"{"a": {"b": [null]}, "c": 1}"#, " \n\t{ } \r\n", r#""é漢字🙂""#,
        ] {
            assert!(skips(ok), "{ok}");
        }
    }

    #[test]
    fn refuses_what_json_parse_refuses() {
        for bad in [
            "", " ", "nul", "tru", "01", "-", "1.", ".5", "1e", "+1", "NaN", "Infinity", "0x10", r#""abc"#, r#""\x""#, r#""\u12""#,
            "\"tab\there\"", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "[1 2]", "{} {}", "'x'", "[",
        ] {
            assert!(!skips(bad), "{bad:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(!skips(&deep));
        let ok = "[".repeat(60) + &"]".repeat(60);
        assert!(skips(&ok));
    }

    #[test]
    fn unescape_resolves_escapes_and_surrogate_pairs() {
        assert_eq!(unescape(r#""plain""#), "plain");
        assert_eq!(unescape(r#""a\"b\\c\/d\ne\u00e9""#), "a\"b\\c/d\ne\u{e9}");
        assert_eq!(unescape(r#""\ud83d\ude00""#), "😀");
        assert_eq!(unescape(r#""\ud83d x""#), "\u{FFFD} x");
        assert_eq!(unescape(r#""\ude00""#), "\u{FFFD}");
    }

    #[test]
    fn plain_runs_stop_at_the_first_quote_backslash_or_control_character() {
        for text in ["", "abc", "abcdefgh", "abcdefghijklmnop\"", "ab\\cdefghij", "abcdefghi\u{1}", "é€😀 plain\"x", "\u{7f}\u{80}\u{1f}"] {
            let bytes = text.as_bytes();
            let want = bytes.iter().position(|&b| ends_plain_run(b)).unwrap_or(bytes.len());
            for start in 0..bytes.len() {
                let rest = &bytes[start..];
                let want_rest = rest.iter().position(|&b| ends_plain_run(b)).unwrap_or(rest.len());
                assert_eq!(plain_run(rest), want_rest, "{text:?} from {start}");
            }
            assert_eq!(plain_run(bytes), want, "{text:?}");
        }
    }
}
