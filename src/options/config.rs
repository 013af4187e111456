//! Turning what the caller passed, and what the environment holds, into a checked `Config`,
//! before any request. The boundary reads JS values into `OptionValue`s; everything that
//! decides is here, testable without a JS engine.

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};
use crate::log::lines::{self as log, Level};
use crate::options::base_url::{self, DEFAULT_BASE_URL};
use crate::options::key::{ApiKey, KeySource};

pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// setTimeout's limit; a larger delay fires at once in every runtime.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;
/// More retries than this only hide an outage behind minutes of waiting.
const MAX_MAX_RETRIES: f64 = 10.0;

/// Every option the exported functions take. Any other name is refused before any request: a
/// misspelt `baseUrl` would otherwise send the key to the default address.
pub const OPTION_NAMES: [&str; 12] = [
    "apiKey",
    "baseUrl",
    "timeoutMs",
    "maxRetries",
    "cacheTtlMs",
    "cacheStore",
    "staleIfErrorMs",
    "logLevel",
    "logger",
    "fetch",
    "signal",
    "dangerouslyAllowBrowser",
];

/// Names other clients use for our options (openai-node's `baseURL`, `timeout`, ...), beyond
/// what ignoring case, `_` and `-` already matches.
const ALIASES: [(&str, &str); 12] = [
    ("staleiferror", "staleIfErrorMs"),
    ("stale", "staleIfErrorMs"),
    ("timeout", "timeoutMs"),
    ("retries", "maxRetries"),
    ("key", "apiKey"),
    ("url", "baseUrl"),
    ("allowbrowser", "dangerouslyAllowBrowser"),
    ("ttl", "cacheTtlMs"),
    ("cachettl", "cacheTtlMs"),
    ("log", "logLevel"),
    ("store", "cacheStore"),
    ("cache", "cacheStore"),
];

/// The error for an option name the functions do not take, with the right name for a near miss.
pub fn unknown_option(name: &str) -> ClientError {
    let shown = shown_name(name);
    let message = messages::unknown_option(shown.as_deref(), suggestion(name), &OPTION_NAMES);
    ClientError::new(ErrorCode::InvalidOption, message)
}

/// The right name for a near miss: the same letters in another case or with `_`/`-`
/// (`apikey`, `base_url`, `baseURL`), or another client's name for the option (`timeout`).
pub fn suggestion(name: &str) -> Option<&'static str> {
    let folded: String = name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    OPTION_NAMES
        .iter()
        .find(|known| known.to_ascii_lowercase() == folded)
        .copied()
        .or_else(|| ALIASES.iter().find(|(alias, _)| *alias == folded).map(|(_, known)| *known))
}

/// A name (or an `OUTBOUNDSYNC_LOG` value) is quoted only if it reads like an identifier, no
/// longer than the longest option name, and cannot be a key pasted in the wrong place.
fn shown_name(name: &str) -> Option<String> {
    let identifier = !name.is_empty()
        && name.len() <= 24
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'-')
        && !name.starts_with(crate::options::key::KEY_PREFIX);
    identifier.then(|| name.to_owned())
}

/// One option as read from JS. `Other` carries `typeof` (or "null"), for the message.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum OptionValue {
    #[default]
    Absent,
    Number(f64),
    Bool(bool),
    Str(String),
    Other(&'static str),
}

/// The longest `cacheTtlMs`, and the longest `staleIfErrorMs`: a day.
pub const MAX_TTL_MS: f64 = 86_400_000.0;
/// The longest any caller may use a result: the longest `cacheTtlMs` plus the longest
/// `staleIfErrorMs` (what the memory cache keeps, and how long a revocation outlives results).
pub const MAX_USE_MS: f64 = 2.0 * MAX_TTL_MS;

/// Which results a call may share: the `/me` URL and the key. `Debug` shows the key's hint
/// (`ApiKey`'s own), so nothing in the cache can print the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub me_url: String,
    pub key: ApiKey,
}

/// What `cacheStore` holds, by the methods the boundary found on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum StoreShape {
    #[default]
    Absent,
    /// `get(key)` and `set(key, value, ttlMs)`: a `Map`, a Keyv instance.
    GetSet,
    /// `get(key)` and `put(key, value, { expirationTtl })`: a Cloudflare KV namespace.
    Kv,
    /// Not an object at all.
    NotAnObject(OptionValue),
    /// An object without the methods: which it lacks, for the message.
    Other(&'static str),
    /// A client the package knows and refuses (`cache::clients`): the whole message, with the
    /// adapter to pass instead.
    Refused(String),
    /// Given to a build without the `fleet` feature (the `browser` entry's), which has no store.
    Unavailable,
}

/// The scalar options, and the shape of `cacheStore`; `fetch`, `signal`, `logger` and the
/// store itself are JS objects the boundary keeps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawOptions {
    pub api_key: OptionValue,
    pub base_url: OptionValue,
    pub timeout_ms: OptionValue,
    pub max_retries: OptionValue,
    pub cache_ttl_ms: OptionValue,
    pub cache_store: StoreShape,
    pub stale_if_error_ms: OptionValue,
    pub log_level: OptionValue,
    pub dangerously_allow_browser: OptionValue,
}

/// What the runtime told us about itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Environment {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    /// `OUTBOUNDSYNC_LOG`, read only when `logLevel` is not given (for `log_level`).
    pub log_level: Option<String>,
    /// `window` and `document` both exist: a page whose visitors could read the key.
    pub is_browser_page: bool,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub key: ApiKey,
    pub me_url: String,
    pub timeout_ms: f64,
    pub max_retries: u32,
    /// 0: results are not cached and requests not shared.
    pub cache_ttl_ms: f64,
    /// The store results are shared through across instances (only with `cache_ttl_ms > 0`).
    pub cache_store: StoreShape,
    /// How much older than `cache_ttl_ms` a result may be and still be served when the API
    /// answers 429 or 5xx, times out or cannot be reached (0: never; only with `cache_ttl_ms > 0`).
    pub stale_if_error_ms: f64,
}

impl Config {
    /// Where this call's results are cached and its requests shared.
    pub fn slot(&self) -> Slot {
        Slot { me_url: self.me_url.clone(), key: self.key.clone() }
    }

    /// `scheme://host[:port]`, for messages: where the request went, without the path.
    pub fn origin(&self) -> &str {
        let url = self.me_url.as_str();
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        let end = url.get(after_scheme..).and_then(|rest| rest.find('/')).map_or(url.len(), |i| after_scheme + i);
        url.get(..end).unwrap_or(url)
    }
}

pub fn resolve(raw: RawOptions, env: Environment) -> Result<Config, ClientError> {
    let timeout_ms = match raw.timeout_ms {
        OptionValue::Absent => DEFAULT_TIMEOUT_MS,
        OptionValue::Number(n) if n > 0.0 && n <= MAX_TIMEOUT_MS => n,
        other => return Err(invalid("timeoutMs", &messages::expected_timeout_ms(MAX_TIMEOUT_MS), &other)),
    };
    let max_retries = match raw.max_retries {
        OptionValue::Absent => DEFAULT_MAX_RETRIES,
        OptionValue::Number(n) if (0.0..=MAX_MAX_RETRIES).contains(&n) && n == f64::from(n as u32) => n as u32,
        other => return Err(invalid("maxRetries", &messages::expected_max_retries(MAX_MAX_RETRIES), &other)),
    };
    let cache_ttl_ms = match raw.cache_ttl_ms {
        OptionValue::Absent => 0.0,
        OptionValue::Number(n) if (0.0..=MAX_TTL_MS).contains(&n) && n.fract() == 0.0 => n,
        other => return Err(invalid("cacheTtlMs", &messages::expected_cache_ttl_ms(MAX_TTL_MS), &other)),
    };
    let cache_store = store_shape(raw.cache_store, cache_ttl_ms)?;
    let stale_if_error_ms = match raw.stale_if_error_ms {
        OptionValue::Absent => 0.0,
        OptionValue::Number(0.0) => 0.0,
        // The browser build carries no stale-if-error code (the `fleet` feature's).
        _ if cfg!(not(feature = "fleet")) => return Err(ClientError::new(ErrorCode::InvalidOption, messages::STALE_NOT_IN_BROWSER_BUILD)),
        OptionValue::Number(n) if n > 0.0 && cache_ttl_ms == 0.0 && n <= MAX_TTL_MS => {
            return Err(ClientError::new(ErrorCode::InvalidOption, messages::stale_without_ttl()));
        }
        OptionValue::Number(n) if (0.0..=MAX_TTL_MS).contains(&n) && n.fract() == 0.0 => n,
        other => return Err(invalid("staleIfErrorMs", &messages::expected_cache_ttl_ms(MAX_TTL_MS), &other)),
    };
    let allow_browser = match raw.dangerously_allow_browser {
        OptionValue::Absent => false,
        OptionValue::Bool(b) => b,
        other => return Err(invalid("dangerouslyAllowBrowser", messages::EXPECTED_BOOLEAN, &other)),
    };
    let base_url = match raw.base_url {
        OptionValue::Absent => env.base_url.filter(|u| !u.trim_ascii().is_empty()).unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        OptionValue::Str(s) => s,
        other => return Err(invalid("baseUrl", messages::EXPECTED_STRING, &other)),
    };
    let (key_text, source) = match raw.api_key {
        OptionValue::Absent => (env.api_key, KeySource::Environment),
        OptionValue::Str(s) => (Some(s), KeySource::Argument),
        other => return Err(invalid("apiKey", messages::EXPECTED_STRING, &other)),
    };
    if env.is_browser_page && !allow_browser {
        return Err(ClientError::new(ErrorCode::BrowserDisallowed, messages::browser_disallowed()));
    }
    let key = ApiKey::parse(key_text.as_deref(), source)?;
    let me_url = base_url::me_url(&base_url)?;
    Ok(Config { key, me_url, timeout_ms, max_retries, cache_ttl_ms, cache_store, stale_if_error_ms })
}

/// The level a call logs at, and the warning its set-up deserves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogChoice {
    pub level: Level,
    /// For an unusable `OUTBOUNDSYNC_LOG`: written once, whatever the level.
    pub warning: Option<String>,
    /// `'off'` was asked for (by `logLevel` or `OUTBOUNDSYNC_LOG`): even the warnings written
    /// whatever the level (a failing `cacheStore`) are silenced.
    pub silenced: bool,
}

/// `logLevel`, else `OUTBOUNDSYNC_LOG`, else off. Apart from `resolve` (checked first): a call
/// whose other options are wrong still logs its error. A bad `logLevel` is a mistake in the code
/// and is refused; `OUTBOUNDSYNC_LOG` is set by operations, and a typo in it must not fail every
/// call, so a value that is not a level is ignored (logging stays off) with a warning.
pub fn log_level(option: &OptionValue, env: Option<&str>) -> Result<LogChoice, ClientError> {
    match option {
        OptionValue::Absent => Ok(match env.map(str::trim_ascii).filter(|l| !l.is_empty()) {
            None => LogChoice::default(),
            Some(text) => match Level::parse(text) {
                Some(level) => LogChoice { level, warning: None, silenced: level == Level::Off },
                None => LogChoice { level: Level::Off, warning: Some(log::ignored_variable(shown_name(text).as_deref())), silenced: false },
            },
        }),
        OptionValue::Str(text) => match Level::parse(text) {
            Some(level) => Ok(LogChoice { level, warning: None, silenced: level == Level::Off }),
            None => Err(invalid("logLevel", log::LEVEL_NAMES, option)),
        },
        other => Err(invalid("logLevel", log::LEVEL_NAMES, other)),
    }
}

/// Every refused option value, in one wording, the boundary's too.
pub fn invalid(name: &str, expected: &str, got: &OptionValue) -> ClientError {
    let shown = match got {
        OptionValue::Absent => messages::WRONG_ABSENT.into(),
        OptionValue::Number(n) => messages::wrong_number(*n),
        OptionValue::Bool(b) => if *b { "true" } else { "false" }.into(),
        OptionValue::Str(_) => messages::WRONG_STRING.into(),
        OptionValue::Other(kind) => (*kind).into(),
    };
    ClientError::new(ErrorCode::InvalidOption, messages::invalid_option(name, expected, &shown))
}

/// `cacheStore`, judged by its shape: one with `get` and `set` or `put`, only with a TTL.
#[cfg(feature = "fleet")]
fn store_shape(shape: StoreShape, cache_ttl_ms: f64) -> Result<StoreShape, ClientError> {
    match shape {
        StoreShape::NotAnObject(other) => Err(invalid("cacheStore", messages::EXPECTED_STORE, &other)),
        StoreShape::Other(got) => Err(ClientError::new(ErrorCode::InvalidOption, messages::invalid_option("cacheStore", messages::EXPECTED_STORE, got))),
        StoreShape::Unavailable => Err(ClientError::new(ErrorCode::InvalidOption, messages::STORE_NOT_IN_BROWSER_BUILD)),
        StoreShape::Refused(message) => Err(ClientError::new(ErrorCode::InvalidOption, message)),
        StoreShape::GetSet | StoreShape::Kv if cache_ttl_ms == 0.0 => Err(ClientError::new(ErrorCode::InvalidOption, messages::store_without_ttl())),
        shape => Ok(shape),
    }
}

/// Without the `fleet` feature (the browser build) there is no store: any `cacheStore` is refused.
#[cfg(not(feature = "fleet"))]
fn store_shape(shape: StoreShape, _: f64) -> Result<StoreShape, ClientError> {
    match shape {
        StoreShape::Absent => Ok(shape),
        _ => Err(ClientError::new(ErrorCode::InvalidOption, messages::STORE_NOT_IN_BROWSER_BUILD)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> RawOptions {
        RawOptions { api_key: OptionValue::Str(k.into()), ..Default::default() }
    }

    #[test]
    fn defaults() {
        let config = resolve(key("osapi_test_x"), Environment::default()).unwrap();
        assert_eq!(config.me_url, "https://app.outboundsync.com/api/v1/me");
        assert_eq!(config.origin(), "https://app.outboundsync.com");
        assert_eq!(config.timeout_ms, 30_000.0);
        assert_eq!(config.max_retries, 2);
    }

    #[test]
    fn the_key_and_base_url_come_from_the_environment_when_not_given() {
        let env =
            Environment { api_key: Some("osapi_test_env\n".into()), base_url: Some("http://127.0.0.1:9/".into()), log_level: None, is_browser_page: false };
        let config = resolve(RawOptions::default(), env.clone()).unwrap();
        assert_eq!(config.key.expose(), "osapi_test_env");
        assert_eq!(config.me_url, "http://127.0.0.1:9/api/v1/me");
        assert_eq!(config.origin(), "http://127.0.0.1:9");
        let given = resolve(RawOptions { base_url: OptionValue::Str("https://proxy.test".into()), ..key("osapi_test_arg") }, env).unwrap();
        assert_eq!(given.key.expose(), "osapi_test_arg");
        assert_eq!(given.me_url, "https://proxy.test/api/v1/me");
    }

    #[test]
    fn missing_key_names_the_variable() {
        let err = resolve(RawOptions::default(), Environment::default()).unwrap_err();
        assert_eq!(err.code, ErrorCode::MissingApiKey);
        assert!(err.message.contains("OUTBOUNDSYNC_API_KEY"));
    }

    #[test]
    fn browser_pages_are_refused_unless_allowed() {
        let page = Environment { is_browser_page: true, ..Default::default() };
        assert_eq!(resolve(key("osapi_test_x"), page.clone()).unwrap_err().code, ErrorCode::BrowserDisallowed);
        let allowed = RawOptions { dangerously_allow_browser: OptionValue::Bool(true), ..key("osapi_test_x") };
        assert!(resolve(allowed, page).is_ok());
    }

    #[test]
    fn option_values_of_the_wrong_type_or_range_are_invalid_options() {
        let cases = [
            RawOptions { timeout_ms: OptionValue::Number(0.0), ..key("osapi_test_x") },
            RawOptions { timeout_ms: OptionValue::Number(f64::NAN), ..key("osapi_test_x") },
            RawOptions { timeout_ms: OptionValue::Number(f64::INFINITY), ..key("osapi_test_x") },
            RawOptions { timeout_ms: OptionValue::Str("100".into()), ..key("osapi_test_x") },
            RawOptions { max_retries: OptionValue::Number(-1.0), ..key("osapi_test_x") },
            RawOptions { max_retries: OptionValue::Number(1.5), ..key("osapi_test_x") },
            RawOptions { max_retries: OptionValue::Number(11.0), ..key("osapi_test_x") },
            RawOptions { dangerously_allow_browser: OptionValue::Str("yes".into()), ..key("osapi_test_x") },
            RawOptions { base_url: OptionValue::Number(1.0), ..key("osapi_test_x") },
            RawOptions { api_key: OptionValue::Number(1.0), ..Default::default() },
            RawOptions { api_key: OptionValue::Other("object"), ..Default::default() },
        ];
        for raw in cases {
            let shown = format!("{raw:?}");
            let err = resolve(raw, Environment::default()).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption, "{shown}");
        }
        let ok = RawOptions { max_retries: OptionValue::Number(0.0), timeout_ms: OptionValue::Number(1.0), ..key("osapi_test_x") };
        assert_eq!(resolve(ok, Environment::default()).unwrap().max_retries, 0);
    }

    #[test]
    fn unknown_option_names_are_refused_with_the_right_name_for_a_near_miss() {
        for (name, right) in [
            ("baseURL", "baseUrl"),
            ("base_url", "baseUrl"),
            ("apikey", "apiKey"),
            ("API_KEY", "apiKey"),
            ("timeout", "timeoutMs"),
            ("timeout_ms", "timeoutMs"),
            ("retries", "maxRetries"),
            ("max-retries", "maxRetries"),
            ("key", "apiKey"),
            ("allowBrowser", "dangerouslyAllowBrowser"),
            ("cache_ttl_ms", "cacheTtlMs"),
            ("ttl", "cacheTtlMs"),
            ("log_level", "logLevel"),
            ("LOGGER", "logger"),
            ("store", "cacheStore"),
            ("cache_store", "cacheStore"),
        ] {
            assert_eq!(suggestion(name), Some(right), "{name}");
            let err = unknown_option(name);
            assert_eq!(err.code, ErrorCode::InvalidOption);
            assert!(err.message.contains(&format!("\"{name}\"")) && err.message.contains(&format!("did you mean {right}?")), "{}", err.message);
        }
        let err = unknown_option("colour");
        assert!(
            err.message.ends_with(
                "The options are apiKey, baseUrl, timeoutMs, maxRetries, cacheTtlMs, cacheStore, staleIfErrorMs, logLevel, logger, fetch, signal and dangerouslyAllowBrowser."
            ),
            "{}",
            err.message
        );
        assert_eq!(suggestion("colour"), None);
        assert!(err.message.contains("\"colour\"") && !err.message.contains("did you mean"), "{}", err.message);
        for secret_looking in ["osapi_test_used_as_a_name_0001", "has space", &"x".repeat(25)] {
            let err = unknown_option(secret_looking);
            assert!(!err.message.contains(secret_looking), "{}", err.message);
        }
    }

    #[test]
    fn cache_ttl_is_off_by_default_and_a_whole_number_of_milliseconds_up_to_a_day() {
        assert_eq!(resolve(key("osapi_test_x"), Environment::default()).unwrap().cache_ttl_ms, 0.0);
        for ok in [0.0, 1.0, 60_000.0, 86_400_000.0] {
            let raw = RawOptions { cache_ttl_ms: OptionValue::Number(ok), ..key("osapi_test_x") };
            assert_eq!(resolve(raw, Environment::default()).unwrap().cache_ttl_ms, ok);
        }
        for bad in [
            OptionValue::Number(-1.0),
            OptionValue::Number(1.5),
            OptionValue::Number(86_400_001.0),
            OptionValue::Number(f64::NAN),
            OptionValue::Str("60000".into()),
        ] {
            let raw = RawOptions { cache_ttl_ms: bad.clone(), ..key("osapi_test_x") };
            let err = resolve(raw, Environment::default()).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption, "{bad:?}");
            assert!(err.message.contains("cacheTtlMs"), "{}", err.message);
        }
    }

    #[test]
    #[cfg(feature = "fleet")]
    fn a_cache_store_needs_a_cache_ttl_and_a_get_with_set_or_put() {
        let with =
            |cache_store, ttl: f64| resolve(RawOptions { cache_store, cache_ttl_ms: OptionValue::Number(ttl), ..key("osapi_test_x") }, Environment::default());
        assert_eq!(with(StoreShape::Absent, 0.0).unwrap().cache_store, StoreShape::Absent);
        assert_eq!(with(StoreShape::GetSet, 1.0).unwrap().cache_store, StoreShape::GetSet);
        assert_eq!(with(StoreShape::Kv, 60_000.0).unwrap().cache_store, StoreShape::Kv);
        for shape in [StoreShape::GetSet, StoreShape::Kv] {
            let err = with(shape.clone(), 0.0).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption);
            assert!(err.message.contains("cacheStore") && err.message.contains("cacheTtlMs above 0"), "{}", err.message);
            let absent = resolve(RawOptions { cache_store: shape, ..key("osapi_test_x") }, Environment::default()).unwrap_err();
            assert_eq!(absent.code, ErrorCode::InvalidOption);
        }
        let err = with(StoreShape::Other("an object without set or put"), 60_000.0).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidOption);
        assert!(err.message.starts_with("The cacheStore option must be an object with get(key) and set(key, value, ttlMs)"), "{}", err.message);
        assert!(err.message.ends_with("got an object without set or put."), "{}", err.message);
    }

    #[test]
    #[cfg(feature = "fleet")]
    fn stale_if_error_is_off_by_default_a_whole_number_up_to_a_day_and_needs_a_cache_ttl() {
        let with = |ttl: f64, stale: OptionValue| {
            resolve(RawOptions { cache_ttl_ms: OptionValue::Number(ttl), stale_if_error_ms: stale, ..key("osapi_test_x") }, Environment::default())
        };
        assert_eq!(with(60_000.0, OptionValue::Absent).unwrap().stale_if_error_ms, 0.0);
        assert_eq!(with(0.0, OptionValue::Number(0.0)).unwrap().stale_if_error_ms, 0.0);
        assert_eq!(with(60_000.0, OptionValue::Number(300_000.0)).unwrap().stale_if_error_ms, 300_000.0);
        assert_eq!(with(1.0, OptionValue::Number(MAX_TTL_MS)).unwrap().stale_if_error_ms, MAX_TTL_MS);
        let err = with(0.0, OptionValue::Number(300_000.0)).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidOption);
        assert!(err.message.contains("staleIfErrorMs") && err.message.contains("cacheTtlMs above 0"), "{}", err.message);
        for bad in [
            OptionValue::Number(-1.0),
            OptionValue::Number(0.5),
            OptionValue::Number(MAX_TTL_MS + 1.0),
            OptionValue::Number(f64::NAN),
            OptionValue::Str("1".into()),
        ] {
            let err = with(60_000.0, bad.clone()).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption, "{bad:?}");
            assert!(err.message.contains("staleIfErrorMs") && err.message.contains("from 0 to 86400000"), "{}", err.message);
        }
    }

    #[test]
    #[cfg(not(feature = "fleet"))]
    fn the_browser_build_refuses_stale_if_error_saying_what_to_do() {
        let raw = RawOptions { cache_ttl_ms: OptionValue::Number(60_000.0), stale_if_error_ms: OptionValue::Number(1.0), ..key("osapi_test_x") };
        let err = resolve(raw, Environment::default()).unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (ErrorCode::InvalidOption, messages::STALE_NOT_IN_BROWSER_BUILD));
    }

    #[test]
    fn a_cache_store_the_build_cannot_use_is_refused_saying_what_to_do() {
        let with =
            |cache_store, ttl: f64| resolve(RawOptions { cache_store, cache_ttl_ms: OptionValue::Number(ttl), ..key("osapi_test_x") }, Environment::default());
        assert_eq!(with(StoreShape::Absent, 60_000.0).unwrap().cache_store, StoreShape::Absent);
        // js_no_store reads any cacheStore as Unavailable: refused whatever the TTL.
        for ttl in [0.0, 60_000.0] {
            let err = with(StoreShape::Unavailable, ttl).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption);
            assert!(err.message.starts_with("The cacheStore option is not available in outboundsync's browser build"), "{}", err.message);
            assert!(err.message.contains("Remove cacheStore"), "{}", err.message);
        }
        #[cfg(not(feature = "fleet"))]
        for shape in [StoreShape::GetSet, StoreShape::Kv, StoreShape::Other("an object without set or put")] {
            assert!(with(shape, 60_000.0).unwrap_err().message.starts_with("The cacheStore option is not available"));
        }
    }

    #[test]
    #[cfg(feature = "fleet")]
    fn a_refused_store_is_an_invalid_option_with_its_own_message() {
        let raw = RawOptions { cache_store: StoreShape::Refused("use this adapter".into()), cache_ttl_ms: OptionValue::Number(1.0), ..key("osapi_test_x") };
        let err = resolve(raw, Environment::default()).unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (ErrorCode::InvalidOption, "use this adapter"));
    }

    #[test]
    fn only_an_explicit_off_silences_the_store_warnings() {
        assert!(!log_level(&OptionValue::Absent, None).unwrap().silenced);
        assert!(log_level(&OptionValue::Str("off".into()), None).unwrap().silenced);
        assert!(log_level(&OptionValue::Absent, Some("OFF")).unwrap().silenced);
        assert!(!log_level(&OptionValue::Str("warn".into()), None).unwrap().silenced);
    }

    #[test]
    fn the_log_level_comes_from_the_option_then_outboundsync_log_and_is_off_otherwise() {
        let absent = &OptionValue::Absent;
        let level = |option, env| {
            let choice: LogChoice = log_level(option, env).unwrap();
            (choice.level, choice.warning.is_some())
        };
        assert_eq!(level(absent, None), (Level::Off, false));
        assert_eq!(level(absent, Some(" DEBUG\n")), (Level::Debug, false));
        assert_eq!(level(absent, Some("")), (Level::Off, false));
        assert_eq!(level(absent, Some(" ")), (Level::Off, false));
        let warn = OptionValue::Str("warn".into());
        assert_eq!(level(&warn, Some("debug")), (Level::Warn, false));
        assert_eq!(level(&warn, Some("verbose")), (Level::Warn, false));
        for bad in [OptionValue::Str("verbose".into()), OptionValue::Bool(true), OptionValue::Number(3.0)] {
            let err = log_level(&bad, None).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption);
            assert!(err.message.contains("logLevel") && err.message.contains("'debug'"), "{}", err.message);
        }
    }

    #[test]
    fn an_unusable_outboundsync_log_is_ignored_with_a_warning_that_never_shows_a_key() {
        let warning = |env: &str| {
            let choice = log_level(&OptionValue::Absent, Some(env)).unwrap();
            assert_eq!(choice.level, Level::Off, "{env}");
            choice.warning.unwrap()
        };
        let shown = warning("verbose ");
        assert!(shown.starts_with("[outboundsync] OUTBOUNDSYNC_LOG is \"verbose\", which is not a log level"), "{shown}");
        assert!(shown.contains("'off', 'error', 'warn', 'info' or 'debug'") && shown.contains("logging stays off"), "{shown}");
        for secret_looking in ["osapi_test_pasted_here", "sk live key", &"k".repeat(25)] {
            let hidden = warning(secret_looking);
            assert!(!hidden.contains(secret_looking) && hidden.contains("not shown"), "{hidden}");
            assert!(hidden.contains("OUTBOUNDSYNC_LOG") && hidden.contains("'debug'"), "{hidden}");
        }
    }

    #[test]
    fn plain_http_to_a_remote_host_is_refused() {
        let raw = RawOptions { base_url: OptionValue::Str("http://app.outboundsync.com".into()), ..key("osapi_test_x") };
        assert_eq!(resolve(raw, Environment::default()).unwrap_err().code, ErrorCode::InsecureBaseUrl);
    }
}
