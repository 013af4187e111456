//! Base URL checks. The key rides in a header, so the one rule that matters is that it never
//! travels in clear text beyond this machine: `http:` is allowed only for loopback hosts.
//!
//! The check is deliberately conservative: anything the WHATWG URL parser might read
//! differently from us (backslashes, percent-escapes or credentials in the authority,
//! shorthand IPv4 like `127.1`) is refused or treated as not-loopback, never the reverse.

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};

pub const DEFAULT_BASE_URL: &str = "https://app.outboundsync.com";
pub const ME_PATH: &str = "/api/v1/me";

/// The URL of `GET /api/v1/me` under `base`, after checking `base`.
pub fn me_url(base: &str) -> Result<String, ClientError> {
    let base = base.trim_ascii();
    let invalid = |why: &str| ClientError::new(ErrorCode::InvalidOption, messages::invalid_base_url(why));
    // Printable ASCII only: no whitespace, control or non-ASCII characters.
    if base.bytes().any(|b| !b.is_ascii_graphic() || b == b'\\') {
        return Err(invalid("it contains whitespace, a backslash or a non-ASCII character"));
    }
    let Some((scheme, rest)) = base.split_once("://") else {
        return Err(invalid("it is not an absolute http(s) URL"));
    };
    if base.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(invalid("it has a query or fragment"));
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.is_empty() {
        return Err(invalid("it has no host"));
    }
    if authority.contains('@') {
        return Err(invalid("it contains credentials"));
    }
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else {
        ""
    };
    match scheme {
        "https" => {}
        "http" => {
            if !is_loopback(host_of(authority)) {
                return Err(ClientError::new(ErrorCode::InsecureBaseUrl, messages::insecure_base_url()));
            }
        }
        _ => return Err(invalid("only https: (and http: for loopback hosts) is supported")),
    }
    let path = path.get(..path.bytes().rposition(|b| b != b'/').map_or(0, |i| i + 1)).unwrap_or_default();
    Ok([scheme, "://", authority, path, ME_PATH].concat())
}

/// The host part of `host[:port]` or `[v6][:port]`, lower-cased by the caller's comparison.
fn host_of(authority: &str) -> &str {
    let end = if authority.starts_with('[') { authority.find(']').map(|i| i + 1) } else { authority.find(':') };
    end.and_then(|end| authority.get(..end)).unwrap_or(authority)
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let octet = |o: &str| o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u8>().is_ok();
    host.split('.').count() == 4 && host.split('.').next() == Some("127") && host.split('.').all(octet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_the_endpoint_path_to_the_base_and_its_path_prefix() {
        assert_eq!(me_url(DEFAULT_BASE_URL).unwrap(), "https://app.outboundsync.com/api/v1/me");
        assert_eq!(me_url("https://app.outboundsync.com/").unwrap(), "https://app.outboundsync.com/api/v1/me");
        assert_eq!(me_url("https://proxy.example/outboundsync//").unwrap(), "https://proxy.example/outboundsync/api/v1/me");
        assert_eq!(me_url("HTTP://127.0.0.1:8787").unwrap(), "http://127.0.0.1:8787/api/v1/me");
    }

    #[test]
    fn plain_http_is_allowed_only_for_loopback_hosts() {
        for ok in ["http://localhost", "http://LOCALHOST:3000/x", "http://127.0.0.1:1", "http://127.255.0.9", "http://[::1]:8080"] {
            assert!(me_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://app.outboundsync.com",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://128.0.0.1",
            "http://127.1",
            "http://127.0.0.256",
            "http://%31%32%37.0.0.1",
            "http://[::2]",
            "http://10.0.0.1",
        ] {
            assert_eq!(me_url(bad).unwrap_err().code, ErrorCode::InsecureBaseUrl, "{bad}");
        }
    }

    #[test]
    fn refuses_what_a_url_parser_could_read_differently() {
        for bad in [
            "http://127.0.0.1@evil.example",
            "https://user:pw@example.com",
            "http://127.0.0.1\\@evil.example",
            "http://127.0.0.1 .evil.example",
            "ftp://example.com",
            "app.outboundsync.com",
            "https://",
            "https://example.com/?x=1",
            "https://example.com/#x",
            "https://exämple.com",
        ] {
            let err = me_url(bad).unwrap_err();
            assert!(matches!(err.code, ErrorCode::InvalidOption), "{bad}: {:?}", err.code);
        }
    }
}
