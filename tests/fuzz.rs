//! Property-based fuzzing of the parts that take outside input: body decoding and validation
//! (compared with reading the same input as a `serde_json::Value` and checking the documented
//! shape there), error-body messages, `Retry-After`, key and base URL checks, `cacheStore` values. Inputs are random strings and
//! random edits of the seed corpus in tests/fuzz_seeds/ (bodies and headers from the fault
//! cases). `make test` runs a short pass; `FUZZ_CASES=200000 cargo test --release --test fuzz`
//! is the long one (figures in the README).
#![cfg(not(target_arch = "wasm32"))]

use outboundsync::body::{self, CheckedBody};
use outboundsync::cache::stored::{self, Head};
use outboundsync::options::base_url;
use outboundsync::options::key::{ApiKey, KeySource};
use outboundsync::request::retry_after;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::Value;

fn seeds() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_seeds");
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .flat_map(|text| {
            let mut items = vec![text.clone()];
            items.extend(text.lines().map(str::to_owned));
            items
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn config() -> Config {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000);
    Config { cases, failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() }
}

const ALPHABET: &[char] = &[
    '{', '}', '[', ']', '"', ':', ',', ' ', '\n', '\\', 'u', 'n', 't', 'r', 'e', 'f', 'a', 'l', 's', '0', '1', '9', '-', '+', '.', 'E', 'x', 'é', '漢', '🙂',
    '\u{0}', '\u{1f}', '\u{7f}',
];

/// A seed with random edits: characters replaced, inserted or removed, or the text cut short.
fn mutated() -> impl Strategy<Value = String> {
    let seeds = seeds();
    let edit = (any::<prop::sample::Index>(), 0u8..4, prop::sample::select(ALPHABET));
    (prop::sample::select(seeds), prop::collection::vec(edit, 0..8)).prop_map(|(seed, edits)| {
        let mut chars: Vec<char> = seed.chars().collect();
        for (at, kind, c) in edits {
            let i = if chars.is_empty() { 0 } else { at.index(chars.len()) };
            match kind {
                0 if !chars.is_empty() => chars[i] = c,
                1 => chars.insert(i, c),
                2 if !chars.is_empty() => {
                    chars.remove(i);
                }
                _ => chars.truncate(i),
            }
        }
        chars.into_iter().collect()
    })
}

/// Any string, often with JSON escapes and non-ASCII text.
fn text() -> impl Strategy<Value = Value> {
    prop_oneof!["[a-zA-Z0-9 .@-]{0,12}", "\\PC{0,8}", Just("quote\" back\\slash\n".to_owned())].prop_map(Value::from)
}

/// A value of the wrong kind now and then, so validation errors come up too.
fn or_wrong(right: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    prop_oneof![80 => right, 1 => Just(Value::Null), 1 => Just(Value::from(1.5)), 1 => Just(Value::from("x")), 1 => Just(Value::Array(vec![]))]
}

fn id() -> impl Strategy<Value = Value> {
    or_wrong(prop_oneof![20 => -(1i64 << 53) + 1..(1i64 << 53), 1 => Just(i64::MAX)].prop_map(Value::from))
}

/// Optional fields are sometimes absent, sometimes null.
fn field(obj: &mut serde_json::Map<String, Value>, name: &str, value: Option<Value>) {
    if let Some(v) = value {
        obj.insert(name.to_owned(), v);
    }
}

/// Bodies built on the documented shape: ids, strings and escapes at random, nullable fields
/// null or absent, unknown fields added, wrong kinds now and then.
fn shaped_body() -> impl Strategy<Value = String> {
    let nullable = || prop::option::of(or_wrong(prop_oneof![text(), Just(Value::Null)]));
    let connection = (id(), or_wrong(text()), nullable(), nullable(), prop::option::of(text())).prop_map(|(id, crm, org, domain, extra)| {
        let mut c = serde_json::Map::new();
        c.insert("id".into(), id);
        c.insert("crm".into(), crm);
        field(&mut c, "organizationId", org);
        field(&mut c, "organizationDomain", domain);
        field(&mut c, "refreshToken", extra);
        Value::Object(c)
    });
    let scope = or_wrong(prop_oneof![10 => Just("account"), 10 => Just("connection"), 1 => Just("team")].prop_map(Value::from));
    // Unknown fields, now and then, at each level: in the body, the account and the key.
    let extras = prop::collection::vec(prop::option::weighted(0.1, text()), 3);
    (id(), nullable(), or_wrong(text()), prop::collection::vec(text(), 0..3), scope, prop::collection::vec(connection, 0..5), extras).prop_map(
        |(account_id, email, name, scopes, scope, connections, extras)| {
            let mut account = serde_json::Map::new();
            account.insert("id".into(), account_id);
            field(&mut account, "email", email);
            field(&mut account, "plan", extras[0].clone());
            let mut body = serde_json::json!({
                "account": account,
                "apiKey": { "name": name, "scopes": scopes, "connectionScope": scope },
                "connections": connections,
            });
            if let Some(secret) = extras[1].clone() {
                body["apiKey"]["secret"] = secret;
            }
            if let Some(more) = extras[2].clone() {
                body["more"] = more;
            }
            body.to_string()
        },
    )
}

fn input() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => mutated(),
        3 => shaped_body(),
        1 => ".{0,64}",
        1 => prop::collection::vec(prop::sample::select(ALPHABET), 0..64).prop_map(|c| c.into_iter().collect()),
    ]
}

/// The documented fields of `body`, checked on a `serde_json::Value` by rules written apart from
/// the decoder's: what the decoder must return, or `None` where it must refuse.
fn documented(body: &Value) -> Option<Value> {
    let object = |v: &Value| v.as_object().cloned();
    let id = |v: Option<&Value>| {
        let n = v?.as_i64()?;
        (n.unsigned_abs() < (1u64 << 53)).then(|| Value::from(n))
    };
    let string = |v: Option<&Value>| v?.as_str().map(Value::from);
    let nullable = |v: Option<&Value>| match v {
        None | Some(Value::Null) => Some(Value::Null),
        Some(Value::String(s)) => Some(Value::from(s.as_str())),
        Some(_) => None,
    };
    let body = object(body)?;
    let account = object(body.get("account")?)?;
    let api_key = object(body.get("apiKey")?)?;
    let scopes = api_key.get("scopes")?.as_array()?.iter().map(|s| string(Some(s))).collect::<Option<Vec<_>>>()?;
    let scope = string(api_key.get("connectionScope")).filter(|s| s == "account" || s == "connection")?;
    let connections = body.get("connections")?.as_array()?.iter().map(|c| {
        let c = object(c)?;
        Some(serde_json::json!({
            "id": id(c.get("id"))?, "crm": string(c.get("crm"))?,
            "organizationId": nullable(c.get("organizationId"))?, "organizationDomain": nullable(c.get("organizationDomain"))?,
        }))
    });
    Some(serde_json::json!({
        "account": { "id": id(account.get("id"))?, "email": nullable(account.get("email"))? },
        "apiKey": { "name": string(api_key.get("name"))?, "scopes": scopes, "connectionScope": scope },
        "connections": connections.collect::<Option<Vec<_>>>()?,
    }))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_decoder_returns_exactly_the_documented_fields_a_real_parser_sees(text in input()) {
        let parsed = serde_json::from_str::<Value>(&text).ok();
        let expected = parsed.as_ref().and_then(documented);
        match (body::decode_me(text.as_bytes()), expected) {
            // JavaScript will parse the body itself: it must hold the documented fields and no other.
            (Ok(CheckedBody::Exact), Some(expected)) => prop_assert_eq!(parsed.unwrap(), expected),
            (Ok(CheckedBody::Read(me)), Some(expected)) => prop_assert_eq!(serde_json::to_value(&me).unwrap(), expected),
            (Ok(me), None) => prop_assert!(false, "accepted {:?} as {:?}", text, me),
            // A repeated key: Value keeps the last, the decoder refuses the body.
            (Err(err), Some(_)) => prop_assert!(err.message.contains("appears twice"), "refused {:?}: {}", text, err.message),
            (Err(err), None) => {
                prop_assert_eq!(err.code.as_str(), "invalid_response");
                prop_assert!(err.message.starts_with("OutboundSync's answer to GET /api/v1/me is not the documented JSON: "));
                prop_assert!(!err.message.contains(" at line "), "{}", err.message);
            }
        }
    }

    #[test]
    fn error_messages_are_clean_and_short(text in input()) {
        if let Some(message) = body::server_message(text.as_bytes(), |m| m) {
            prop_assert!(!message.is_empty() && message.chars().count() <= 301);
            prop_assert!(!message.chars().any(char::is_control));
        }
    }

    #[test]
    fn retry_after_is_a_finite_non_negative_delay_or_nothing(value in input(), now in 0f64..4e12) {
        if let Some(seconds) = retry_after::parse(&value, now) {
            prop_assert!(seconds.is_finite() && seconds >= 0.0, "{} -> {}", value, seconds);
        }
    }

    #[test]
    fn accepted_keys_are_one_printable_token(raw in input()) {
        if let Ok(key) = ApiKey::parse(Some(&raw), KeySource::Argument) {
            prop_assert_eq!(key.expose(), raw.trim());
            prop_assert!(!key.expose().is_empty() && key.expose().chars().all(|c| c.is_ascii_graphic()));
            if let Some(hint) = key.hint() {
                let k = key.expose();
                let prefix = if k.starts_with("osapi_") { "osapi_" } else { "" };
                prop_assert_eq!(hint, format!("{prefix}…{}", &k[k.len() - 4..]));
            }
        }
    }

    #[test]
    fn plain_http_base_urls_are_only_ever_loopback(host in "[a-z0-9.:\\[\\]@%-]{0,24}", path in "(/[a-z]{0,5}){0,3}") {
        let base = format!("http://{host}{path}");
        if let Ok(url) = base_url::me_url(&base) {
            let authority = url.trim_start_matches("http://").split('/').next().unwrap();
            let h = authority.rsplit_once(':').map(|(h, p)| if p.chars().all(|c| c.is_ascii_digit()) { h } else { authority }).unwrap_or(authority);
            prop_assert!(h == "localhost" || h == "[::1]" || h.starts_with("127."), "{} -> {}", base, url);
            prop_assert!(url.ends_with("/api/v1/me"));
        }
    }

    /// A `cacheStore` value is untrusted: whatever a store returns, reading it never panics, a
    /// value is only ever read for the key it names, and a result read back is young enough, not
    /// revoked, not stamped further ahead than another clock can be, and is the stored text.
    /// The stamps are drawn around `now` so that both sides of each limit come up: a result
    /// stamped up to 70 s ahead (refused past 60 s) to 120 s old (kept under 60 s, revoked when
    /// sent over 30 s ago), and a window ending 10 s ago to 4,000 s on (refused past an hour).
    #[test]
    fn store_values_never_panic_and_only_checked_results_come_back(
        body in input(), age in -70_000.0f64..120_000.0, took in 0u64..70_000, until in -10_000.0f64..4_000_000.0,
        flags in 0u8..8, edit in any::<prop::sample::Index>(), c in prop::sample::select(ALPHABET), now in 1e12f64..4e12,
    ) {
        let (digest, other) = ("0".repeat(64), "1".repeat(64));
        let head = Head {
            rate_limited_until: (flags & 1 != 0).then_some(now + until),
            refreshing_until: (flags & 2 != 0).then_some(now + until),
            refreshing_by: 7,
            result: (flags & 4 != 0).then_some((now - age, took as f64)),
        };
        let mut value: Vec<char> = format!("{}{body}", head.text(&digest)).chars().collect();
        let edited = flags & 1 == 0 && !value.is_empty();
        if edited {
            let i = edit.index(value.len());
            value[i] = c;
        }
        let value: String = value.into_iter().collect();
        let _ = stored::revoked_at(Some(&value), &digest);
        // A value names the key it was written for: read for another key, it is never used.
        prop_assert_eq!(stored::read(Some(&value), &other, 60_000.0, None, now), Err(stored::Invalid));
        prop_assert_eq!(stored::revoked_at(Some(&value), &other), Err(stored::Invalid));
        if let Ok(read) = stored::read(Some(&value), &digest, 60_000.0, Some(now - 30_000.0), now) {
            if let Some(result) = read.result {
                prop_assert!(result.age_ms < 60_000.0 && result.at_ms - result.took_ms >= now - 30_000.0);
                // Its age counts from its stamp, never below 0, and the stamp is at most a
                // minute ahead (another instance's clock); `took` is capped.
                prop_assert_eq!(result.age_ms, (now - result.at_ms).max(0.0));
                prop_assert!(result.at_ms <= now + 60_000.0, "{} ahead", result.at_ms - now);
                prop_assert!(result.took_ms <= stored::MAX_TOOK_MS);
                // The text served is the stored body, unchanged.
                prop_assert!(value.ends_with(result.text));
                if !edited {
                    prop_assert_eq!(result.text, body.as_str());
                    prop_assert_eq!((result.at_ms, result.took_ms), ((now - age).round(), (took as f64).min(stored::MAX_TOOK_MS)));
                }
            }
            prop_assert!(read.rate_limited_until.is_none_or(|u| u > now && u - now <= 3_600_000.0));
            prop_assert!(read.refreshing_until.is_none_or(|u| u > now && u - now <= stored::MAX_MARKER_MS));
        }
    }

    /// What an instance writes is read back by the next as written, whenever its body passes
    /// the checks (a body that fails them makes the value invalid): the accepted branch of the
    /// property above, reached in every case with a checked body rather than now and then.
    #[test]
    fn a_value_written_with_a_checked_body_is_read_back_as_written(
        body in shaped_body(), age in -59_000.0f64..59_000.0, took in 0u64..100_000,
        window in prop::option::of(-10_000.0f64..3_599_000.0), marker in prop::option::of(-10_000.0f64..60_000.0),
        by in any::<u32>(), now in 1e12f64..4e12,
    ) {
        let digest = "0".repeat(64);
        let head = Head {
            rate_limited_until: window.map(|w| now + w),
            refreshing_until: marker.map(|m| now + m),
            refreshing_by: by,
            result: Some((now - age, took as f64)),
        };
        let value = format!("{}{body}", head.text(&digest));
        // Revoked well before any request here was sent (at most 59 s + 60 s ago).
        let read = stored::read(Some(&value), &digest, 60_000.0, Some(now - 120_000.0), now);
        match body::decode_me(body.as_bytes()) {
            Err(_) => prop_assert_eq!(read, Err(stored::Invalid)),
            Ok(checked) => {
                let (at_ms, took_ms) = ((now - age).round(), (took as f64).min(stored::MAX_TOOK_MS));
                let ahead = |until: Option<f64>| until.map(f64::round).filter(|u| *u > now);
                let expected = stored::Stored {
                    rate_limited_until: ahead(head.rate_limited_until),
                    refreshing_until: ahead(head.refreshing_until).map(|u| u.min(now + stored::MAX_MARKER_MS)),
                    refreshing_by: if marker.is_some() { by } else { 0 },
                    result: Some(stored::StoredResult { body: checked, text: &body, at_ms, took_ms, age_ms: (now - at_ms).max(0.0) }),
                };
                prop_assert_eq!(read, Ok(expected));
            }
        }
    }
}
