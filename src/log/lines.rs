//! The log of what a call did (`logLevel`, `logger`, `OUTBOUNDSYNC_LOG`): its levels and every
//! line it can write. Like `messages`, nothing here takes the key; a line names a key by its
//! hint at most. The boundary decides nothing but which logger method gets a line.

use crate::errors::messages;
use crate::errors::ClientError;

/// Ordered: a level shows its own lines and those of every level before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    #[default]
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

pub const LEVEL_NAMES: &str = "'off', 'error', 'warn', 'info' or 'debug'";

impl Level {
    /// Case and surrounding whitespace are forgiven (`OUTBOUNDSYNC_LOG=DEBUG`), nothing else.
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim_ascii().to_ascii_lowercase().as_str() {
            "off" => Some(Level::Off),
            "error" => Some(Level::Error),
            "warn" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            _ => None,
        }
    }

    /// The logger method that takes this level's lines (`console.warn`, pino's `warn`, ...).
    pub fn method(self) -> &'static str {
        match self {
            Level::Off => "",
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

const PREFIX: &str = "[outboundsync] ";

/// What an attempt saw, for its debug line.
pub enum Seen<'a> {
    Response {
        status: u16,
        request_id: Option<&'a str>,
        bytes: usize,
    },
    /// fetch rejected; the retry or error line that follows quotes why.
    Failed,
    TimedOut,
}

/// Debug: one attempt, with what it got and how long it took.
pub fn attempt(url: &str, attempt: u32, seen: Seen<'_>, duration_ms: f64) -> String {
    let got = match seen {
        Seen::Response { status, request_id, bytes } => {
            let id = request_id.map(|id| format!(", x-request-id {id}")).unwrap_or_default();
            format!("HTTP {status}, {bytes} bytes{id}")
        }
        Seen::Failed => "failed before a response".into(),
        Seen::TimedOut => "timed out".into(),
    };
    format!("{PREFIX}GET {url} attempt {attempt}: {got} in {} ms", messages::number(duration_ms.max(0.0).round()))
}

/// Warn: a retry, with the failure that caused it and the wait before it.
pub fn retry(error: &ClientError, wait_ms: f64) -> String {
    let status = error.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    format!("{PREFIX}attempt {} failed with {}{status}; retrying in {} ms", error.attempts, error.code.as_str(), messages::number(wait_ms.max(0.0).round()))
}

/// Error: the call's final error.
pub fn failed(error: &ClientError) -> String {
    format!("{PREFIX}{}: {}", error.code.as_str(), error.message)
}

/// Info: a result served from the cache.
pub fn cache_hit(key_hint: Option<&str>, age_ms: f64) -> String {
    format!("{PREFIX}cache hit for {}: a result from {} ms ago, no request sent", shown(key_hint), messages::number(age_ms.max(0.0).round()))
}

/// Info: a call waiting for the same key's request already in flight.
pub fn shared(key_hint: Option<&str>) -> String {
    format!("{PREFIX}sharing the request in flight for {}", shown(key_hint))
}

/// Debug: a call sharing a request checked it (each second) and found it still running.
pub fn shared_alive(key_hint: Option<&str>) -> String {
    format!("{PREFIX}the shared request for {} is still running; waiting on it", shown(key_hint))
}

/// Info: the request a call shared was cancelled under it (its starter's request ended, in
/// workerd), so the call sends its own.
pub fn shared_lost(key_hint: Option<&str>) -> String {
    format!("{PREFIX}the shared request for {} stopped answering; sending a new one", shown(key_hint))
}

/// Info: a call held back by a remembered 429.
pub fn held_back(key_hint: Option<&str>, seconds_left: f64) -> String {
    format!("{PREFIX}rate limited for {} for {} more seconds (the server's Retry-After): no request sent", shown(key_hint), messages::number(seconds_left))
}

/// Info: a result read from the `cacheStore`, written by this or another instance.
pub fn store_hit(key_hint: Option<&str>, age_ms: f64) -> String {
    format!("{PREFIX}cacheStore hit for {}: a result from {} ms ago, no request sent", shown(key_hint), messages::number(age_ms.max(0.0).round()))
}

/// How the `cacheStore` failed. Its own error is never shown: it can hold a connection URL
/// with a password.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StoreFailure {
    /// `get` or `set` threw, or its promise rejected.
    Threw,
    /// It did not answer within this many milliseconds.
    TimedOut(f64),
}

/// Warn, whatever the level, once per module instance until the store works again: calls go
/// on without it, each sending its own request.
pub fn store_failed(failure: StoreFailure) -> String {
    let how = match failure {
        StoreFailure::Threw => "threw or rejected".to_owned(),
        StoreFailure::TimedOut(ms) => format!("did not answer within {} ms", messages::number(ms)),
    };
    format!(
        "{PREFIX}the cacheStore {how}, so calls go to the API without it until it works again (its error is not shown: it can hold a connection URL with a password)"
    )
}

/// Warn: a value in the `cacheStore` that this package did not write, or that fails the body
/// checks; ignored, and replaced by what the call gets.
pub fn store_invalid(key_hint: Option<&str>) -> String {
    format!("{PREFIX}the cacheStore holds a value for {} that is not a valid result; it is ignored and replaced", shown(key_hint))
}

/// Warn, once per module instance and whatever the level: an `OUTBOUNDSYNC_LOG` that is not a
/// level, ignored. `value` is what `config` lets us show of it (nothing if it could be a key).
pub fn ignored_variable(value: Option<&str>) -> String {
    let what = match value {
        Some(value) => format!("OUTBOUNDSYNC_LOG is \"{value}\", which is not a log level"),
        None => "OUTBOUNDSYNC_LOG is not a log level (its value is not shown: it could be a key)".into(),
    };
    format!("{PREFIX}{what}, so it is ignored and logging stays off. Set it to {LEVEL_NAMES}, or pass {{ logLevel }}.")
}

fn shown(key_hint: Option<&str>) -> &str {
    key_hint.unwrap_or("this key")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::ErrorCode;

    #[test]
    fn levels_parse_forgivingly_and_order_by_detail() {
        assert_eq!(Level::parse(" DEBUG\n"), Some(Level::Debug));
        assert_eq!(Level::parse("warn"), Some(Level::Warn));
        assert_eq!(Level::parse("verbose"), None);
        assert_eq!(Level::parse(""), None);
        assert!(Level::Off < Level::Error && Level::Error < Level::Warn && Level::Warn < Level::Info && Level::Info < Level::Debug);
        assert_eq!([Level::Error, Level::Warn, Level::Info, Level::Debug].map(Level::method), ["error", "warn", "info", "debug"]);
    }

    #[test]
    fn lines_say_what_happened() {
        let line = attempt("http://127.0.0.1:9/api/v1/me", 2, Seen::Response { status: 503, request_id: Some("req_1"), bytes: 12 }, 41.6);
        assert_eq!(line, "[outboundsync] GET http://127.0.0.1:9/api/v1/me attempt 2: HTTP 503, 12 bytes, x-request-id req_1 in 42 ms");
        assert!(attempt("u", 1, Seen::Failed, 1.0).contains("failed before a response"));
        assert!(attempt("u", 1, Seen::TimedOut, 1.0).contains("timed out"));
        let mut error = ClientError::new(ErrorCode::ServerError, "OutboundSync had a server error");
        error.status = Some(503);
        error.attempts = 1;
        assert_eq!(retry(&error, 487.4), "[outboundsync] attempt 1 failed with server_error (HTTP 503); retrying in 487 ms");
        assert_eq!(failed(&error), "[outboundsync] server_error: OutboundSync had a server error");
        assert!(cache_hit(Some("osapi_…0001"), 12.0).contains("osapi_…0001"));
        assert!(held_back(None, 42.0).contains("42 more seconds"));
        assert!(ignored_variable(None).contains("its value is not shown"));
        assert!(store_hit(Some("osapi_…0001"), 3.2).contains("cacheStore hit for osapi_…0001: a result from 3 ms ago"));
        assert!(store_failed(StoreFailure::TimedOut(1000.0)).contains("did not answer within 1000 ms"), "{}", store_failed(StoreFailure::TimedOut(1000.0)));
        assert!(store_failed(StoreFailure::Threw).contains("threw or rejected") && store_failed(StoreFailure::Threw).contains("not shown"));
        assert!(store_invalid(None).contains("ignored and replaced"));
        assert_eq!(shared_alive(Some("osapi_…0001")), "[outboundsync] the shared request for osapi_…0001 is still running; waiting on it");
        assert!(ignored_variable(Some("verbose")).contains("OUTBOUNDSYNC_LOG is \"verbose\""));
    }
}
