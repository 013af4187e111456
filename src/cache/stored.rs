//! The shared store (`cacheStore`): what one instance leaves for the others in a store the user
//! runs (a `Map`, a Keyv instance, a Cloudflare KV namespace), under which key, for how long,
//! and what a value read back means. The boundary only calls `get` and `set`/`put`.
//!
//! A store is shared with other code and other machines, so it is untrusted: its keys never
//! hold the API key (a SHA-256 digest of the base URL and the key does), and a value read back
//! goes through the same checks as a server's body; anything else is ignored and replaced.
//!
//! A value is one line saying what it is, and for a result the body after it:
//!   `result <ms stored>\n<the body>`, `rate_limited <ms the window ends>`, `dropped`.

use sha2::{Digest, Sha256};

use crate::body::{self, CheckedBody};
use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};
use crate::options::config::Slot;

/// Versioned: a later format gets a new prefix, so old and new instances never misread each other.
pub const KEY_PREFIX: &str = "outboundsync:v1:";
/// How long a store's `get` or `set` may take before the call goes on without it: a store
/// is there to save requests, not to add a hang.
pub const TIMEOUT_MS: f64 = 1_000.0;
/// Cloudflare KV refuses an `expirationTtl` below a minute.
pub const KV_MIN_TTL_SECONDS: f64 = 60.0;
/// Another instance's clock may run ahead of ours by this much; a result stamped later than that
/// was not written by an instance of this package.
const CLOCK_SKEW_MS: f64 = 60_000.0;
/// The API's windows last a minute; a rate-limit window longer than an hour is not believed
/// (whoever can write to the store could otherwise stop every instance for good).
const MAX_WINDOW_MS: f64 = 3_600_000.0;

const RESULT: &str = "result ";
const RATE_LIMITED: &str = "rate_limited ";
const DROPPED: &str = "dropped";

/// The store key for a base URL and key: the prefix and the hex SHA-256 of the `/me` URL and
/// the key. A newline joins them: neither can hold one, so no two pairs share a digest input.
pub fn key(slot: &Slot) -> String {
    let digest = Sha256::new().chain_update(slot.me_url.as_bytes()).chain_update(b"\n").chain_update(slot.key.expose().as_bytes()).finalize();
    let mut key = String::with_capacity(KEY_PREFIX.len() + 64);
    key.push_str(KEY_PREFIX);
    for byte in digest {
        key.push(char::from(HEX[usize::from(byte >> 4)]));
        key.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    key
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// What a value read from the store means for a call with `ttl_ms`.
#[derive(Debug, PartialEq)]
pub enum Stored<'a> {
    /// A result younger than the caller's TTL, that passed the body checks. `text` is the body.
    Result { body: CheckedBody, text: &'a str, stored_ms: f64, age_ms: f64 },
    /// An instance got a 429 whose `Retry-After` ends then.
    RateLimited { until_ms: f64 },
    /// Nothing this call can use: no value, a result too old for it, a window that has passed,
    /// or a result dropped after a 401 or 403.
    Miss,
    /// Not a value this package writes, or a result that fails the body checks: ignored, and
    /// replaced by what the call gets.
    Invalid,
}

/// `value` is what the store's `get` returned, if it was a string.
pub fn read(value: Option<&str>, ttl_ms: f64, now_ms: f64) -> Stored<'_> {
    let Some(value) = value else { return Stored::Miss };
    if value == DROPPED {
        return Stored::Miss;
    }
    if let Some(until) = value.strip_prefix(RATE_LIMITED) {
        return match milliseconds(until) {
            Some(until_ms) if until_ms - now_ms > MAX_WINDOW_MS => Stored::Invalid,
            Some(until_ms) if until_ms > now_ms => Stored::RateLimited { until_ms },
            Some(_) => Stored::Miss,
            None => Stored::Invalid,
        };
    }
    let Some((stamp, text)) = value.strip_prefix(RESULT).and_then(|rest| rest.split_once('\n')) else { return Stored::Invalid };
    let Some(stored_ms) = milliseconds(stamp) else { return Stored::Invalid };
    let age_ms = now_ms - stored_ms;
    if age_ms < -CLOCK_SKEW_MS {
        return Stored::Invalid;
    }
    // Checked only when it would be used: the body checks cost more than the stamp's.
    if age_ms >= ttl_ms {
        return Stored::Miss;
    }
    match body::decode_me(text.as_bytes()) {
        Ok(body) => Stored::Result { body, text, stored_ms, age_ms: age_ms.max(0.0) },
        Err(_) => Stored::Invalid,
    }
}

/// The line a stored result starts with; the body follows it.
pub fn result_head(now_ms: f64) -> String {
    [RESULT, &messages::number(now_ms.round()), "\n"].concat()
}

/// What a call's final error leaves in the store, and for how many milliseconds: the end of a
/// 429's window (so other instances send nothing until then), or, after a 401 or 403, a value
/// that replaces the key's result (so no instance reads it back). Nothing for other errors.
pub fn after_failure(error: &ClientError, ttl_ms: f64, now_ms: f64) -> Option<(String, f64)> {
    match (error.code, error.retry_after) {
        (ErrorCode::RateLimited, Some(seconds)) if seconds > 0.0 && error.attempts > 0 => {
            let until_ms = now_ms + seconds * 1000.0;
            Some(([RATE_LIMITED, &messages::number(until_ms.round())].concat(), seconds * 1000.0))
        }
        (ErrorCode::Unauthorized | ErrorCode::ApiAccessDisabled, _) => Some((DROPPED.to_owned(), ttl_ms)),
        _ => None,
    }
}

/// KV's `expirationTtl` for a value to live `ttl_ms`: whole seconds, at least KV's minute.
/// Living longer is harmless: a reader judges a value by its own stamp and TTL.
pub fn kv_expiration_ttl(ttl_ms: f64) -> f64 {
    (ttl_ms / 1000.0).ceil().max(KV_MIN_TTL_SECONDS)
}

/// Whole milliseconds since the epoch, as `result_head` writes them: digits only.
fn milliseconds(text: &str) -> Option<f64> {
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>().ok().map(|ms| ms as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::key::{ApiKey, KeySource};

    const KEY: &str = "osapi_test_store_key_0001";
    const BODY: &str = r#"{"account":{"id":42,"email":"you@company.com"},"apiKey":{"name":"Production","scopes":["read"],"connectionScope":"account"},"connections":[{"id":7,"crm":"HUBSPOT","organizationId":"123","organizationDomain":"acme.com"}]}"#;
    const NOW: f64 = 1_795_348_800_000.0;

    fn slot(url: &str, key: &str) -> Slot {
        Slot { me_url: url.into(), key: ApiKey::parse(Some(key), KeySource::Argument).unwrap() }
    }

    fn stored_result(stored_ms: f64, body: &str) -> String {
        format!("{}{body}", result_head(stored_ms))
    }

    #[test]
    fn the_store_key_is_a_digest_of_the_url_and_the_key_under_the_versioned_prefix() {
        let url = "https://app.outboundsync.com/api/v1/me";
        let k = key(&slot(url, KEY));
        // sha256("https://app.outboundsync.com/api/v1/me\nosapi_test_store_key_0001"), by sha256sum.
        assert_eq!(k, "outboundsync:v1:339ce3c52db45f60d86abe009747ba68c7b746aeb87c7be9ced483741d4bf951");
        assert_eq!(k.len(), KEY_PREFIX.len() + 64);
        for part in (8..=KEY.len()).map(|n| &KEY[..n]) {
            assert!(!k.contains(part), "{k}");
        }
        assert_ne!(key(&slot(url, "osapi_test_store_key_0002")), k);
        assert_ne!(key(&slot("http://127.0.0.1:9/api/v1/me", KEY)), k);
    }

    #[test]
    fn a_stored_result_is_served_for_the_callers_ttl_after_the_body_checks() {
        let value = stored_result(NOW - 1_000.0, BODY);
        assert_eq!(read(Some(&value), 5_000.0, NOW), Stored::Result { body: CheckedBody::Exact, text: BODY, stored_ms: NOW - 1_000.0, age_ms: 1_000.0 });
        assert_eq!(read(Some(&value), 1_000.0, NOW), Stored::Miss, "too old for this caller");
        // A body with extra fields is read into the model, as a server's would be.
        let extra = BODY.replace(r#""id":7,"#, r#""id":7,"refreshToken":"t","#);
        assert!(matches!(read(Some(&stored_result(NOW, &extra)), 5_000.0, NOW), Stored::Result { body: CheckedBody::Read(_), .. }));
        // Another instance's clock a little ahead: age 0, not negative.
        assert!(matches!(read(Some(&stored_result(NOW + 5_000.0, BODY)), 5_000.0, NOW), Stored::Result { age_ms: 0.0, .. }));
    }

    #[test]
    fn anything_this_package_did_not_write_is_invalid_and_never_returned() {
        let tampered = [
            stored_result(NOW, &BODY.replace(r#""id":42"#, r#""id":"42""#)),
            stored_result(NOW, r#"{"account":{"id":1}}"#),
            stored_result(NOW, "<html>"),
            stored_result(NOW, &format!("{BODY} trailing")),
            stored_result(NOW + CLOCK_SKEW_MS + 1.0, BODY),
            format!("result -1\n{BODY}"),
            format!("result 1.5\n{BODY}"),
            format!("result {NOW}{BODY}"),
            format!("Result {NOW:.0}\n{BODY}"),
            BODY.to_owned(),
            "rate_limited soon".into(),
            format!("rate_limited {:.0}", NOW + MAX_WINDOW_MS + 1.0),
            "rate_limited 99999999999999999".into(),
            String::new(),
            "dropped ".into(),
        ];
        for value in tampered {
            assert_eq!(read(Some(&value), 86_400_000.0, NOW), Stored::Invalid, "{value}");
        }
    }

    #[test]
    fn a_stored_window_holds_calls_back_until_it_ends() {
        let (value, ttl) = after_failure(&rate_limited(30.0, 1), 60_000.0, NOW).unwrap();
        assert_eq!(value, format!("rate_limited {:.0}", NOW + 30_000.0));
        assert_eq!(ttl, 30_000.0);
        assert_eq!(read(Some(&value), 1.0, NOW + 10_000.0), Stored::RateLimited { until_ms: NOW + 30_000.0 });
        assert_eq!(read(Some(&value), 1.0, NOW + 30_000.0), Stored::Miss);
        // A call held back (no attempt) writes nothing: the window is already stored.
        assert_eq!(after_failure(&rate_limited(30.0, 0), 60_000.0, NOW), None);
        assert_eq!(after_failure(&ClientError::new(ErrorCode::RateLimited, "x"), 60_000.0, NOW), None);
    }

    #[test]
    fn a_rejected_key_drops_the_stored_result_and_other_errors_leave_it() {
        for code in [ErrorCode::Unauthorized, ErrorCode::ApiAccessDisabled] {
            let (value, ttl) = after_failure(&ClientError::new(code, "x"), 60_000.0, NOW).unwrap();
            assert_eq!((read(Some(&value), 60_000.0, NOW), ttl), (Stored::Miss, 60_000.0), "{code:?}");
        }
        for code in [ErrorCode::ServerError, ErrorCode::Timeout, ErrorCode::NetworkError, ErrorCode::InvalidResponse] {
            assert_eq!(after_failure(&ClientError::new(code, "x"), 60_000.0, NOW), None, "{code:?}");
        }
        assert_eq!(read(None, 60_000.0, NOW), Stored::Miss);
    }

    #[test]
    fn kv_gets_whole_seconds_and_at_least_a_minute() {
        assert_eq!(kv_expiration_ttl(1.0), 60.0);
        assert_eq!(kv_expiration_ttl(60_000.0), 60.0);
        assert_eq!(kv_expiration_ttl(90_500.0), 91.0);
        assert_eq!(kv_expiration_ttl(86_400_000.0), 86_400.0);
    }

    fn rate_limited(seconds: f64, attempts: u32) -> ClientError {
        let mut error = ClientError::new(ErrorCode::RateLimited, "limited");
        error.retry_after = Some(seconds);
        error.attempts = attempts;
        error
    }
}
