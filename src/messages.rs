//! Every sentence a user can read in an error. Each says what happened and what fixes it.
//! No function here takes the key: what cannot reach this module cannot leak through it.

use crate::key::KeySource;

const KEYS_PAGE: &str = "OutboundSync under Connected Accounts → API keys";

pub fn missing_key(source: KeySource) -> String {
    match source {
        KeySource::Environment => format!(
            "No OutboundSync API key found: set the OUTBOUNDSYNC_API_KEY environment variable to a key that starts with osapi_ (create one in {KEYS_PAGE}), or pass {{ apiKey }}."
        ),
        KeySource::Argument => format!(
            "The OutboundSync API key passed as apiKey is empty: pass a key that starts with osapi_ (create one in {KEYS_PAGE}), or leave it out to read OUTBOUNDSYNC_API_KEY."
        ),
    }
}

pub fn malformed_key(source: KeySource, what: &str) -> String {
    let origin = match source {
        KeySource::Environment => "in OUTBOUNDSYNC_API_KEY",
        KeySource::Argument => "passed as apiKey",
    };
    format!(
        "The OutboundSync API key {origin} contains {what} inside it, so it cannot be a key: keys are one token of printable ASCII characters starting with osapi_. Copy the key again from where you stored it."
    )
}

pub fn insecure_base_url() -> String {
    "Refusing to send the API key over plain http: to a host that is not this machine. Use an https: base URL; plain http: is allowed only for localhost, 127.0.0.0/8 and [::1].".to_owned()
}

pub fn invalid_base_url(why: &str) -> String {
    format!("The baseUrl option (or OUTBOUNDSYNC_BASE_URL) is not usable: {why}. Use an https: URL such as https://app.outboundsync.com.")
}

pub fn invalid_option(name: &str, expected: &str, got: &str) -> String {
    format!("The {name} option must be {expected}; got {got}.")
}

pub fn browser_disallowed() -> String {
    "Refusing to call OutboundSync from a browser page: the API key is an account secret that anyone who can open the page could read. Call it from a server, worker or edge function, or pass { dangerouslyAllowBrowser: true } if every user of this page enters their own key.".to_owned()
}

pub fn unauthorized(server_message: Option<&str>, key_has_prefix: bool) -> String {
    let mut text = format!(
        "OutboundSync rejected the API key (HTTP 401{}): it is missing, malformed, invalid, revoked or rotated. Check that the request uses a current key (Authorization: Bearer osapi_...), and create or rotate one in {KEYS_PAGE}.",
        quoted(server_message)
    );
    if !key_has_prefix {
        text.push_str(" This key does not start with osapi_: it may be a platform key (Smartlead, Instantly, EmailBison, HeyReach...) rather than an OutboundSync API key.");
    }
    text
}

pub fn api_access_disabled(server_message: Option<&str>) -> String {
    format!(
        "OutboundSync accepted the key, but API access is not enabled for any CRM connection it can reach (HTTP 403{}). An OutboundSync admin must enable API access for a CRM connection in the OutboundSync admin app.",
        quoted(server_message)
    )
}

pub fn rate_limited(retry_after: Option<f64>, attempts: u32) -> String {
    let wait = match retry_after {
        Some(seconds) => format!("Retry after {} (the server's Retry-After).", seconds_text(seconds)),
        None => "Retry in a minute: /me allows 120 requests per 60 seconds per IP address and per account.".to_owned(),
    };
    format!("OutboundSync rate limit exceeded (HTTP 429) {}. {wait}", after_attempts(attempts))
}

pub fn server_error(status: u16, server_message: Option<&str>, attempts: u32) -> String {
    format!(
        "OutboundSync had a server error (HTTP {status}{}) {}. The problem is on OutboundSync's side: retry later.",
        quoted(server_message),
        after_attempts(attempts)
    )
}

pub fn unexpected_status(status: u16, server_message: Option<&str>) -> String {
    format!(
        "OutboundSync answered GET /api/v1/me with an unexpected HTTP {status}{}. Check the base URL, and any proxy between this program and OutboundSync.",
        quoted_after_colon(server_message)
    )
}

pub fn unexpected_redirect(status: u16) -> String {
    let shown = if status == 0 { "a redirect".to_owned() } else { format!("a redirect (HTTP {status})") };
    format!("OutboundSync answered with {shown}, which this client never follows so that the key is not sent to another address. Check the base URL.")
}

pub fn invalid_response(detail: &str) -> String {
    format!("OutboundSync's answer to GET /api/v1/me is not the documented JSON: {detail}.")
}

pub fn network_error(origin: &str, detail: Option<&str>, attempts: u32) -> String {
    format!(
        "Could not reach OutboundSync at {origin}{} {}: the request failed before any response (DNS, refused or reset connection, CORS, or no network). Check the network and the base URL.",
        detail.map(|d| format!(" ({d})")).unwrap_or_default(),
        after_attempts(attempts)
    )
}

pub fn timeout(timeout_ms: f64, attempts: u32) -> String {
    format!(
        "The OutboundSync request timed out: no complete answer within timeoutMs = {} ms {}. Check the network, or raise timeoutMs.",
        trim_number(timeout_ms),
        after_attempts(attempts)
    )
}

pub fn aborted() -> String {
    "The OutboundSync request was aborted by the caller's signal.".to_owned()
}

fn after_attempts(attempts: u32) -> String {
    match attempts {
        1 => "after 1 attempt".to_owned(),
        n => format!("after {n} attempts"),
    }
}

fn seconds_text(seconds: f64) -> String {
    match seconds {
        s if s == 1.0 => "1 second".to_owned(),
        s => format!("{} seconds", trim_number(s)),
    }
}

fn trim_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn quoted(server_message: Option<&str>) -> String {
    server_message.map(|m| format!(": \"{m}\"")).unwrap_or_default()
}

fn quoted_after_colon(server_message: Option<&str>) -> String {
    server_message.map(|m| format!(" (\"{m}\")")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_warns_about_platform_keys_only_without_the_prefix() {
        assert!(unauthorized(Some("Invalid API key"), false).contains("platform key"));
        let with_prefix = unauthorized(Some("Invalid API key"), true);
        assert!(!with_prefix.contains("platform key"));
        assert!(with_prefix.contains("\"Invalid API key\""));
        assert!(with_prefix.contains("rotate"));
    }

    #[test]
    fn rate_limit_says_when_to_retry() {
        assert!(rate_limited(Some(1.0), 3).contains("Retry after 1 second "));
        assert!(rate_limited(Some(90.0), 1).contains("Retry after 90 seconds"));
        assert!(rate_limited(Some(0.5), 1).contains("Retry after 0.5 seconds"));
        assert!(rate_limited(None, 3).contains("120 requests per 60 seconds"));
        assert!(rate_limited(None, 3).contains("after 3 attempts"));
    }

    #[test]
    fn permission_error_says_an_admin_must_enable_api_access() {
        assert!(api_access_disabled(None).contains("admin must enable API access"));
    }
}
