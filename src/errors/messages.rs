//! The sentences of the errors the core raises. Each says what happened and what fixes it. The
//! reason inside some is worded by the check that found it (`options/base_url.rs`, `body/`); the
//! loader's errors are js/errors.js's, the log lines `log/lines.rs`'s.
//! No function here takes the key: what cannot reach this module cannot leak through it.

const KEYS_PAGE: &str = "OutboundSync under Connected Accounts → API keys";

/// `in_environment`: the key was looked for in `OUTBOUNDSYNC_API_KEY`, not passed as `apiKey`.
pub fn missing_key(in_environment: bool) -> String {
    if in_environment {
        [
            "No OutboundSync API key found: set the OUTBOUNDSYNC_API_KEY environment variable to a key that starts with osapi_ (create one in ",
            KEYS_PAGE,
            "), or pass { apiKey }.",
        ]
        .concat()
    } else {
        [
            "The OutboundSync API key passed as apiKey is empty: pass a key that starts with osapi_ (create one in ",
            KEYS_PAGE,
            "), or leave it out to read OUTBOUNDSYNC_API_KEY.",
        ]
        .concat()
    }
}

pub fn malformed_key(in_environment: bool, what: &str) -> String {
    let origin = if in_environment { "in OUTBOUNDSYNC_API_KEY" } else { "passed as apiKey" };
    [
        "The OutboundSync API key ",
        origin,
        " contains ",
        what,
        " inside it, so it cannot be a key: keys are one token of printable ASCII characters starting with osapi_. Copy the key again from where you stored it.",
    ]
    .concat()
}

pub fn insecure_base_url() -> String {
    "Refusing to send the API key over plain http: to a host that is not this machine. Use an https: base URL; plain http: is allowed only for localhost, 127.0.0.0/8 and [::1].".into()
}

pub fn invalid_base_url(why: &str) -> String {
    ["The baseUrl option (or OUTBOUNDSYNC_BASE_URL) is not usable: ", why, ". Use an https: URL such as https://app.outboundsync.com."].concat()
}

pub fn invalid_option(name: &str, expected: &str, got: &str) -> String {
    ["The ", name, " option must be ", expected, "; got ", got, "."].concat()
}

// What an option must be, for `invalid_option`: limits are formatted from their constants.

pub fn expected_timeout_ms(max_ms: f64) -> String {
    ["a number of milliseconds above 0 and at most ", &number(max_ms)].concat()
}

pub fn expected_max_retries(max: f64) -> String {
    ["a whole number from 0 to ", &number(max)].concat()
}

pub fn expected_cache_ttl_ms(max_ms: f64) -> String {
    ["a whole number of milliseconds from 0 to ", &number(max_ms), " (", &number(max_ms / 3_600_000.0), " hours)"].concat()
}

pub const EXPECTED_BOOLEAN: &str = "true or false";
pub const EXPECTED_STRING: &str = "a string";
pub const EXPECTED_STORE: &str = "an object with get(key) and set(key, value, ttlMs) (a Map, a Keyv instance), or a Cloudflare KV namespace";
pub const EXPECTED_OPTIONS: &str = "an API key string or an options object";
pub const EXPECTED_FETCH: &str = "a function";
pub const EXPECTED_FETCH_WITHOUT_GLOBAL: &str = "a fetch function, since this runtime has no global fetch";
pub const EXPECTED_LOGGER: &str = "an object with debug, info, warn and error methods, such as console";
pub const EXPECTED_SIGNAL: &str = "an AbortSignal";
pub const EXPECTED_READABLE: &str = "readable";
pub const GOT_THROWING_GETTER: &str = "a getter that threw";
pub const EXPECTED_LISTABLE: &str = "an object whose keys can be listed";
pub const GOT_THROWING_KEYS: &str = "one that threw";
pub const STORE_WITHOUT_GET: &str = "an object without a get method";
pub const STORE_WITHOUT_SET: &str = "an object without a set or put method";
pub const STORE_NOT_IN_BROWSER_BUILD: &str = "The cacheStore option is not available in outboundsync's browser build: a page shares no results with \
     other instances through a store. Remove cacheStore; cacheTtlMs alone still caches results in the page.";
/// `staleIfErrorMs` given to the browser build, which carries no stale-if-error code.
pub const STALE_NOT_IN_BROWSER_BUILD: &str = "The staleIfErrorMs option is not available in outboundsync's browser build: a page keeps no \
     results past cacheTtlMs. Remove staleIfErrorMs, or raise cacheTtlMs.";

/// How a value of the wrong kind is named: a number or boolean as it is, anything else by its
/// kind (`config::OptionValue` picks; never a string's content: it may be the key).
pub fn wrong_number(n: f64) -> String {
    ["the number ", &number(n)].concat()
}

pub const WRONG_STRING: &str = "a string";
pub const WRONG_ABSENT: &str = "undefined";

pub fn store_without_ttl() -> String {
    "The cacheStore option needs cacheTtlMs above 0: the store shares what the cache keeps, for as long as cacheTtlMs says. Pass { cacheTtlMs: 60_000, cacheStore }, or leave cacheStore out.".into()
}

pub fn stale_without_ttl() -> String {
    "The staleIfErrorMs option needs cacheTtlMs above 0: it is how much longer than cacheTtlMs a kept result may be served when the API fails. Pass { cacheTtlMs: 60_000, staleIfErrorMs: 300_000 }, or leave staleIfErrorMs out.".into()
}

/// `options` is every option name, in the order the message lists them.
pub fn unknown_option(name: Option<&str>, right: Option<&str>, options: &[&str]) -> String {
    let name = name.map_or_else(|| "an option name".to_owned(), |n| format!("\"{n}\""));
    let hint = right.map(|r| format!(" (did you mean {r}?)")).unwrap_or_default();
    let (last, rest) = options.split_last().map_or(("", &[][..]), |(last, rest)| (*last, rest));
    format!(
        "The options object has {name}{hint}, which outboundsync does not take: it would be ignored, and the call could go to another address or run with other limits than you meant. The options are {} and {last}.",
        rest.join(", ")
    )
}

pub fn browser_disallowed() -> String {
    "Refusing to call OutboundSync from a browser page: the API key is an account secret that anyone who can open the page could read. Call it from a server, worker or edge function, or pass { dangerouslyAllowBrowser: true } if every user of this page enters their own key.".into()
}

pub fn unauthorized(server_message: Option<&str>, key_has_prefix: bool) -> String {
    let mut text = [
        "OutboundSync rejected the API key (HTTP 401",
        &quoted(server_message),
        "): it is missing, malformed, invalid, revoked or rotated. Check that the request uses a current key (Authorization: Bearer osapi_...), and create or rotate one in ",
        KEYS_PAGE,
        ".",
    ]
    .concat();
    if !key_has_prefix {
        text.push_str(" This key does not start with osapi_: it may be a platform key (Smartlead, Instantly, EmailBison, HeyReach...) rather than an OutboundSync API key.");
    }
    text
}

pub fn api_access_disabled(server_message: Option<&str>) -> String {
    [
        "OutboundSync accepted the key, but API access is not enabled for any CRM connection it can reach (HTTP 403",
        &quoted(server_message),
        "). An OutboundSync admin must enable API access for a CRM connection in the OutboundSync admin app.",
    ]
    .concat()
}

pub fn rate_limited(retry_after: Option<f64>, attempts: u32) -> String {
    let wait = match retry_after {
        Some(seconds) => ["Retry after ", &seconds_text(seconds), " (the server's Retry-After)."].concat(),
        None => "Retry in a minute: /me allows 120 requests per 60 seconds per IP address and per account.".into(),
    };
    ["OutboundSync rate limit exceeded (HTTP 429) ", &after_attempts(attempts), ". ", &wait].concat()
}

/// A call held back by a 429 an earlier call got (`cacheTtlMs`): nothing was sent.
pub fn rate_limit_remembered(seconds_left: f64) -> String {
    [
        "OutboundSync rate limit exceeded (HTTP 429 to an earlier call with this key): no request was sent, so the account's limit is not spent further. Retry after ",
        &seconds_text(seconds_left),
        " (what is left of the server's Retry-After).",
    ]
    .concat()
}

pub fn server_error(status: u16, server_message: Option<&str>, attempts: u32) -> String {
    [
        "OutboundSync had a server error (HTTP ",
        &status.to_string(),
        &quoted(server_message),
        ") ",
        &after_attempts(attempts),
        ". The problem is on OutboundSync's side: retry later.",
    ]
    .concat()
}

pub fn unexpected_status(status: u16, server_message: Option<&str>) -> String {
    let server = server_message.map(|m| [" (\"", m, "\")"].concat()).unwrap_or_default();
    [
        "OutboundSync answered GET /api/v1/me with an unexpected HTTP ",
        &status.to_string(),
        &server,
        ". Check the base URL, and any proxy between this program and OutboundSync.",
    ]
    .concat()
}

pub fn unexpected_redirect(status: u16) -> String {
    let shown = if status == 0 { "a redirect".into() } else { format!("a redirect (HTTP {status})") };
    ["OutboundSync answered with ", &shown, ", which this client never follows so that the key is not sent to another address. Check the base URL."].concat()
}

pub fn invalid_response(detail: &str) -> String {
    ["OutboundSync's answer to GET /api/v1/me is not the documented JSON: ", detail, "."].concat()
}

pub fn network_error(origin: &str, detail: Option<&str>, attempts: u32) -> String {
    let detail = detail.map(|d| [" (", d, ")"].concat()).unwrap_or_default();
    [
        "Could not reach OutboundSync at ",
        origin,
        &detail,
        " ",
        &after_attempts(attempts),
        ": the request failed before any response (DNS, refused or reset connection, CORS, or no network). Check the network and the base URL.",
    ]
    .concat()
}

/// A success status whose body was cut off: not "before any response", since one came.
pub fn body_unreadable(origin: &str, status: u16, detail: Option<&str>, attempts: u32) -> String {
    let detail = detail.map(|d| [" (", d, ")"].concat()).unwrap_or_default();
    [
        "OutboundSync answered HTTP ",
        &status.to_string(),
        " at ",
        origin,
        " but its body could not be read",
        &detail,
        " ",
        &after_attempts(attempts),
        ": the connection failed while the body was coming in. Check the network, and try again.",
    ]
    .concat()
}

/// A success status whose `Response` had been read before the call got it: a test's mock.
pub fn body_already_read(origin: &str, status: u16, attempts: u32) -> String {
    [
        "OutboundSync answered HTTP ",
        &status.to_string(),
        " at ",
        origin,
        " but the Response's body had been read already ",
        &after_attempts(attempts),
        ": a fetch gave back a Response that was used before. A mock fetch must return a new Response for each call (jest.fn(async () => new Response(body)), not mockResolvedValue(new Response(body))).",
    ]
    .concat()
}

pub fn timeout(timeout_ms: f64, attempts: u32) -> String {
    [
        "The OutboundSync request timed out: no complete answer within timeoutMs = ",
        &number(timeout_ms),
        " ms ",
        &after_attempts(attempts),
        ". Check the network, or raise timeoutMs.",
    ]
    .concat()
}

pub fn aborted() -> String {
    "The OutboundSync request was aborted by the caller's signal.".into()
}

fn after_attempts(attempts: u32) -> String {
    if attempts == 1 {
        "after 1 attempt".into()
    } else {
        format!("after {attempts} attempts")
    }
}

fn seconds_text(seconds: f64) -> String {
    if seconds == 1.0 {
        "1 second".into()
    } else {
        [&number(seconds), " seconds"].concat()
    }
}

/// A number as messages and log lines show it: exactly as JavaScript's `String(n)` writes it.
/// In wasm the engine writes it (core's shortest float formatting, which `written_as_js` uses,
/// would add 10.9 KB to the .wasm); native builds (the tests) use `written_as_js`, which
/// tests/numbers.rs compares with the engine's `String(n)`.
pub fn number(n: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    return js::string(n);
    #[cfg(not(target_arch = "wasm32"))]
    written_as_js(n)
}

#[cfg(target_arch = "wasm32")]
mod js {
    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// The global `String`, called as a function: ECMAScript's Number::toString.
        #[wasm_bindgen(js_name = String)]
        pub fn string(n: f64) -> String;
    }
}

/// `n` as ECMAScript's Number::toString (base 10) writes it: the fewest digits that read back as
/// `n` (as many as Rust's `{:e}` writes), the closest such to `n`, laid out as JavaScript does:
/// plain up to 21 digits before the point and 6 zeros after it, exponent form with a sign beyond.
pub fn written_as_js(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into(); // -0 too
    }
    if n < 0.0 {
        return ["-", &written_as_js(-n)].concat();
    }
    if n.is_infinite() {
        return "Infinity".into();
    }
    // How many digits the shortest round trip takes (`{:e}`); then those digits as the closest
    // decimal of that length (`{:.*e}` rounds exactly), which JavaScript picks where `{:e}`'s
    // may differ in the last digit.
    let length = format!("{n:e}").split('e').next().map_or(1, |mantissa| mantissa.replace('.', "").len());
    let closest = format!("{n:.*e}", length.saturating_sub(1));
    let (mantissa, exponent) = closest.split_once('e').unwrap_or((&closest, "0"));
    let digits = mantissa.replace('.', "");
    let k = digits.len() as i32;
    // `n` is 0.digits × 10^point.
    let point = exponent.parse::<i32>().unwrap_or(0) + 1;
    let zeros = |count: i32| "0".repeat(count.max(0) as usize);
    if k <= point && point <= 21 {
        [digits.as_str(), &zeros(point - k)].concat()
    } else if 0 < point && point <= 21 {
        let (whole, fraction) = digits.split_at(point as usize);
        [whole, ".", fraction].concat()
    } else if -6 < point && point <= 0 {
        ["0.", &zeros(-point), &digits].concat()
    } else {
        let (first, rest) = digits.split_at(1);
        let power = point - 1;
        let sign = if power < 0 { "-" } else { "+" };
        [first, if rest.is_empty() { "" } else { "." }, rest, "e", sign, &power.unsigned_abs().to_string()].concat()
    }
}

fn quoted(server_message: Option<&str>) -> String {
    server_message.map(|m| [": \"", m, "\""].concat()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_warns_about_platform_keys_only_without_the_prefix() {
        assert!(unauthorized(Some("Invalid API key"), false).contains("platform key"));
        let with_prefix = unauthorized(Some("Invalid API key"), true);
        assert!(!with_prefix.contains("platform key"));
        assert!(with_prefix.contains("(HTTP 401: \"Invalid API key\")"));
        assert!(with_prefix.contains("rotate"));
    }

    #[test]
    fn an_invalid_response_gives_its_problem_after_a_fixed_prefix() {
        assert_eq!(
            invalid_response("connections[3].id should be a number but is a string"),
            "OutboundSync's answer to GET /api/v1/me is not the documented JSON: connections[3].id should be a number but is a string."
        );
    }

    #[test]
    fn rate_limit_says_when_to_retry() {
        assert!(rate_limited(Some(1.0), 3).contains("Retry after 1 second "));
        assert!(rate_limited(Some(90.0), 1).contains("Retry after 90 seconds"));
        assert!(rate_limited(Some(2.0), 1).contains("Retry after 2 seconds"));
        assert!(rate_limited(None, 3).contains("120 requests per 60 seconds"));
        assert!(rate_limited(None, 3).contains("after 3 attempts"));
        assert!(rate_limited(None, 1).contains("after 1 attempt."));
    }

    #[test]
    fn statuses_and_timeouts_are_written_out() {
        assert!(server_error(502, None, 3).starts_with("OutboundSync had a server error (HTTP 502) after 3 attempts."));
        assert!(unexpected_status(404, Some("Not Found")).contains("HTTP 404 (\"Not Found\")"));
        assert!(unexpected_redirect(301).contains("a redirect (HTTP 301)"));
        assert!(timeout(300.0, 2).contains("timeoutMs = 300 ms after 2 attempts"));
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        // What String(n) gives in V8, SpiderMonkey and JavaScriptCore (tests/numbers.rs compares
        // every case with the engine it runs in).
        let cases: [(f64, &str); 30] = [
            (0.0, "0"),
            (-0.0, "0"),
            (42.0, "42"),
            (-5.0, "-5"),
            (30_000.0, "30000"),
            (2_147_483_647.0, "2147483647"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.25, "-0.25"),
            (2.0000001, "2.0000001"),
            (123_456.789, "123456.789"),
            (1e-7, "1e-7"),
            (0.000_001, "0.000001"),
            (1.23456789123e-7, "1.23456789123e-7"),
            (5e-16, "5e-16"),
            (9.9999999e20, "999999990000000000000"),
            (9_007_199_254_740_993.0, "9007199254740992"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (-1e-20, "-1e-20"),
            (0.999_999_999_999_999_9, "0.9999999999999999"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::EPSILON, "2.220446049250313e-16"),
            (1_394_865_425_023_536.2, "1394865425023536.2"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (n, text) in cases {
            assert_eq!(written_as_js(n), text, "{n:e}");
            assert_eq!(number(n), text, "{n:e}");
        }
    }

    #[test]
    fn limits_are_written_from_their_values() {
        assert_eq!(expected_cache_ttl_ms(86_400_000.0), "a whole number of milliseconds from 0 to 86400000 (24 hours)");
        assert_eq!(expected_max_retries(10.0), "a whole number from 0 to 10");
        assert_eq!(expected_timeout_ms(2_147_483_647.0), "a number of milliseconds above 0 and at most 2147483647");
    }

    #[test]
    fn permission_error_says_an_admin_must_enable_api_access() {
        assert!(api_access_disabled(None).contains("admin must enable API access"));
    }
}
