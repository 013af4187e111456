//! API key checks. The key is an account secret: this module is the only one that looks
//! inside it, and what leaves it is either the key itself (for the header) or a hint.

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};

pub const KEY_PREFIX: &str = "osapi_";

/// A checked key. `Debug` is redacted so a key can never reach a log through `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl core::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ApiKey(")?;
        match self.hint() {
            Some(hint) => f.write_str(&hint)?,
            None => f.write_str("[redacted]")?,
        }
        f.write_str(")")
    }
}

impl ApiKey {
    /// Trims surrounding whitespace (keys pasted into `.env` files often carry a newline), then
    /// refuses anything that could not be a header value or that hides a pasting mistake.
    /// `source` names where the key came from, for the message.
    pub fn parse(raw: Option<&str>, source: KeySource) -> Result<ApiKey, ClientError> {
        let trimmed = raw.map(str::trim_ascii).unwrap_or("");
        if trimmed.is_empty() {
            return Err(ClientError::new(ErrorCode::MissingApiKey, messages::missing_key(source == KeySource::Environment)));
        }
        if let Some(bad) = trimmed.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(ClientError::new(ErrorCode::MalformedApiKey, messages::malformed_key(source == KeySource::Environment, describe_char(bad))));
        }
        Ok(ApiKey(trimmed.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Server text is quoted in errors; a hostile or confused server could echo the key back.
    pub fn redact(&self, text: String) -> String {
        text.replace(&self.0, "[redacted]")
    }

    pub fn has_prefix(&self) -> bool {
        self.0.starts_with(KEY_PREFIX)
    }

    /// `osapi_…a1b2`: enough to tell keys apart in a log, too little to matter. Short keys get
    /// no hint, since four characters of a short string are most of it.
    pub fn hint(&self) -> Option<String> {
        const MIN_LEN_FOR_HINT: usize = 16;
        if self.0.len() < MIN_LEN_FOR_HINT {
            return None;
        }
        let prefix = if self.has_prefix() { KEY_PREFIX } else { "" };
        let last_four = self.0.get(self.0.len() - 4..)?;
        Some([prefix, "…", last_four].concat())
    }
}

/// Where the key came from, so the missing/malformed messages can say what to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    Argument,
    Environment,
}

fn describe_char(c: char) -> &'static str {
    if c.is_whitespace() {
        "whitespace"
    } else if c.is_control() {
        "a control character"
    } else {
        "a non-ASCII character"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAKE: &str = "osapi_test_0123456789abcdef";

    #[test]
    fn surrounding_whitespace_and_newlines_are_trimmed() {
        let key = ApiKey::parse(Some("  \n osapi_test_key\r\n\t"), KeySource::Argument).unwrap();
        assert_eq!(key.expose(), "osapi_test_key");
    }

    #[test]
    fn empty_or_blank_is_missing_and_names_the_variable() {
        for raw in [None, Some(""), Some(" \n ")] {
            let err = ApiKey::parse(raw, KeySource::Environment).unwrap_err();
            assert_eq!(err.code, ErrorCode::MissingApiKey);
            assert!(err.message.contains("OUTBOUNDSYNC_API_KEY"), "{}", err.message);
        }
    }

    #[test]
    fn inner_whitespace_control_or_non_ascii_is_malformed_and_never_echoed() {
        for raw in ["osapi_test_ab cd", "osapi_test_ab\ncd", "osapi_test_ab\u{7f}cd", "osapi_test_ab\u{0}cd", "osapi_test_abé", "osapi_test_ab\u{200b}cd"] {
            let err = ApiKey::parse(Some(raw), KeySource::Argument).unwrap_err();
            assert_eq!(err.code, ErrorCode::MalformedApiKey, "{raw:?}");
            assert!(!err.message.contains("osapi_test_ab"), "{}", err.message);
        }
    }

    #[test]
    fn keys_without_the_prefix_are_sent_to_the_server_to_judge() {
        let key = ApiKey::parse(Some("sl_platform_key_1234"), KeySource::Argument).unwrap();
        assert!(!key.has_prefix());
    }

    #[test]
    fn hint_shows_only_the_last_four_characters() {
        let key = ApiKey::parse(Some(FAKE), KeySource::Argument).unwrap();
        assert_eq!(key.hint().as_deref(), Some("osapi_…cdef"));
        let other = ApiKey::parse(Some("platformkey_99998888"), KeySource::Argument).unwrap();
        assert_eq!(other.hint().as_deref(), Some("…8888"));
        let short = ApiKey::parse(Some("osapi_abc"), KeySource::Argument).unwrap();
        assert_eq!(short.hint(), None);
    }

    #[test]
    fn redact_removes_every_copy_of_the_key() {
        let key = ApiKey::parse(Some(FAKE), KeySource::Argument).unwrap();
        assert_eq!(key.redact(format!("bad key {FAKE}, {FAKE}")), "bad key [redacted], [redacted]");
        assert_eq!(key.redact("Invalid API key".into()), "Invalid API key");
    }

    #[test]
    fn debug_output_never_contains_the_key() {
        let key = ApiKey::parse(Some(FAKE), KeySource::Argument).unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("0123456789"), "{shown}");
        let short = ApiKey::parse(Some("osapi_abc"), KeySource::Argument).unwrap();
        assert!(!format!("{short:?}").contains("abc"));
    }
}
