//! The shared store (`cacheStore`): what one instance leaves for the others in a store the user
//! runs (a Keyv instance, a Cloudflare KV namespace, cache-manager, lru-cache, unstorage), under
//! which key, for how long, and what a value read back means. The boundary only calls the
//! store's own get and set.
//!
//! A store is shared with other code and other machines, so it is untrusted: its keys never
//! hold the API key (a SHA-256 digest of the base URL and the key does), every value names the
//! digest it was written for (a value copied under another key is ignored), and a result read
//! back goes through the same checks as a server's body; anything else is ignored and replaced.
//!
//! A value is a first line naming its digest, then any of these lines, each at most once:
//!   `rate_limited <ms the window ends>`: an instance got a 429; nobody sends before then.
//!   `refreshing <ms> <owner>`: an instance (a random number) is fetching a new result; others
//!   wait for it until then. Of instances that write markers at once, the last write wins.
//!   `result <ms the answer came> <ms the request took>` and, after it, the body (always last).
//! A 401 or 403 writes a separate entry (`revoked_key`): `revoked <ms>` under the same first
//! line. A result whose request was sent (answer time less took) before then is never served, even when an instance
//! writes it after the revocation (its request was in flight when another got the 401).

use sha2::{Digest, Sha256};

use crate::body::{self, CheckedBody};
use crate::options::config::Slot;

/// Versioned: a later format gets a new prefix, so old and new instances never misread each other.
pub const KEY_PREFIX: &str = "outboundsync:v2:";
const REVOKED_SUFFIX: &str = ":revoked";
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
/// The longest a `refreshing` marker holds other instances back, whatever it says.
pub const MAX_MARKER_MS: f64 = 5_000.0;
/// A revocation is kept for as long as any caller could serve a result fetched before it.
pub const REVOCATION_TTL_MS: f64 = crate::options::config::MAX_USE_MS;
/// A request that took longer than this is recorded as taking this long (a stored `took` is
/// untrusted, and it decides how early the next refresh starts).
pub const MAX_TOOK_MS: f64 = 60_000.0;

const HEAD: &str = "outboundsync ";
const RESULT: &str = "result ";
const RATE_LIMITED: &str = "rate_limited ";
const REFRESHING: &str = "refreshing ";
const REVOKED: &str = "revoked ";

/// The hex SHA-256 of the `/me` URL and the key. A newline joins them: neither can hold one,
/// so no two pairs share a digest input.
pub fn digest(slot: &Slot) -> String {
    let digest = Sha256::new().chain_update(slot.me_url.as_bytes()).chain_update(b"\n").chain_update(slot.key.expose().as_bytes()).finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The store key of a digest's value.
pub fn key(digest: &str) -> String {
    [KEY_PREFIX, digest].concat()
}

/// The store key of a digest's revocation.
pub fn revoked_key(digest: &str) -> String {
    [KEY_PREFIX, digest, REVOKED_SUFFIX].concat()
}

/// What a store's `get` returned, before it is read.
pub enum Got {
    Nothing,
    Text(String),
    /// Neither a string nor null or undefined (a Buffer, an object): ignored, with a warning.
    NotText,
}

/// A result as stored: `text` is the body, checked.
#[derive(Debug, PartialEq)]
pub struct StoredResult<'a> {
    pub body: CheckedBody,
    pub text: &'a str,
    /// When its answer came (its age counts from then); its request was sent `took_ms` before.
    pub at_ms: f64,
    pub took_ms: f64,
    pub age_ms: f64,
}

/// What a value read from the store holds for a call. Windows and markers that have passed
/// are left out, and so is a result too old for `cacheTtlMs + staleIfErrorMs` or fetched
/// before the key's revocation.
#[derive(Debug, Default, PartialEq)]
pub struct Stored<'a> {
    pub rate_limited_until: Option<f64>,
    pub refreshing_until: Option<f64>,
    /// The instance whose marker it is.
    pub refreshing_by: u32,
    pub result: Option<StoredResult<'a>>,
}

/// A value not written by this package for this digest, or a result that fails the body checks:
/// ignored (with a warning), and replaced by what the call gets.
#[derive(Debug, PartialEq)]
pub struct Invalid;

/// `value` is what the store's `get` returned, if it was a string (`None`: nothing stored).
/// `keep_ms` is the caller's `cacheTtlMs + staleIfErrorMs`; `revoked_ms` when the key was
/// last revoked (`revoked_at`).
pub fn read<'a>(value: Option<&'a str>, digest: &str, keep_ms: f64, revoked_ms: Option<f64>, now_ms: f64) -> Result<Stored<'a>, Invalid> {
    let mut stored = Stored::default();
    let Some(value) = value else { return Ok(stored) };
    let mut rest = own_value(value, digest)?;
    let (mut seen_window, mut seen_marker) = (false, false);
    while !rest.is_empty() {
        let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
        if let Some(until) = line.strip_prefix(RATE_LIMITED) {
            let until_ms = milliseconds(until).ok_or(Invalid)?;
            if std::mem::replace(&mut seen_window, true) || until_ms - now_ms > MAX_WINDOW_MS {
                return Err(Invalid);
            }
            stored.rate_limited_until = (until_ms > now_ms).then_some(until_ms);
        } else if let Some(marker) = line.strip_prefix(REFRESHING) {
            let (until, by) = marker.split_once(' ').ok_or(Invalid)?;
            let until_ms = milliseconds(until).ok_or(Invalid)?;
            stored.refreshing_by = by.parse().map_err(|_| Invalid)?;
            if std::mem::replace(&mut seen_marker, true) {
                return Err(Invalid);
            }
            stored.refreshing_until = Some(until_ms.min(now_ms + MAX_MARKER_MS)).filter(|until| *until > now_ms);
        } else if let Some(stamps) = line.strip_prefix(RESULT) {
            let (sent, took) = stamps.split_once(' ').ok_or(Invalid)?;
            let (at_ms, took_ms) = (milliseconds(sent).ok_or(Invalid)?, milliseconds(took).ok_or(Invalid)?.min(MAX_TOOK_MS));
            let age_ms = now_ms - at_ms;
            if age_ms < -CLOCK_SKEW_MS {
                return Err(Invalid);
            }
            // Checked only when it would be used: the body checks cost more than the stamps'.
            if age_ms < keep_ms && revoked_ms.is_none_or(|revoked| at_ms - took_ms >= revoked) {
                let body = body::decode_me(after.as_bytes()).map_err(|_| Invalid)?;
                stored.result = Some(StoredResult { body, text: after, at_ms, took_ms, age_ms: age_ms.max(0.0) });
            }
            return Ok(stored);
        } else {
            return Err(Invalid);
        }
        rest = after;
    }
    Ok(stored)
}

/// When the key was revoked, from the value under `revoked_key` (`None`: never, or too long ago
/// to matter).
pub fn revoked_at(value: Option<&str>, digest: &str) -> Result<Option<f64>, Invalid> {
    let Some(value) = value else { return Ok(None) };
    let at = own_value(value, digest)?.strip_prefix(REVOKED).and_then(milliseconds).ok_or(Invalid)?;
    Ok(Some(at))
}

/// The rest of a value after its first line, if that line names `digest`.
fn own_value<'a>(value: &'a str, digest: &str) -> Result<&'a str, Invalid> {
    let (head, rest) = value.split_once('\n').unwrap_or((value, ""));
    (head.strip_prefix(HEAD) == Some(digest)).then_some(rest).ok_or(Invalid)
}

/// What a value written says, but the body (which follows it when `result` is given).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Head {
    pub rate_limited_until: Option<f64>,
    pub refreshing_until: Option<f64>,
    /// The marker's owner (`Stored::refreshing_by`).
    pub refreshing_by: u32,
    /// When the answer came, and how long the request took.
    pub result: Option<(f64, f64)>,
}

impl Head {
    /// The value's text up to the body.
    pub fn text(&self, digest: &str) -> String {
        let mut text = [HEAD, digest].concat();
        if let Some(until) = self.rate_limited_until {
            text.extend(["\n", RATE_LIMITED, &stamp(until)]);
        }
        if let Some(until) = self.refreshing_until {
            text.extend(["\n", REFRESHING, &stamp(until), " ", &self.refreshing_by.to_string()]);
        }
        if let Some((at_ms, took_ms)) = self.result {
            text.extend(["\n", RESULT, &stamp(at_ms), " ", &stamp(took_ms.clamp(0.0, MAX_TOOK_MS)), "\n"]);
        }
        text
    }

    /// How long the store should keep the value: until its result is too old for `keep_ms`
    /// (`cacheTtlMs + staleIfErrorMs`), and at least until its window or marker ends.
    pub fn ttl_ms(&self, keep_ms: f64, now_ms: f64) -> f64 {
        let result_until = self.result.map_or(0.0, |(at_ms, _)| at_ms + keep_ms);
        let until = [result_until, self.rate_limited_until.unwrap_or(0.0), self.refreshing_until.unwrap_or(0.0)].into_iter().fold(0.0, f64::max);
        (until - now_ms).ceil().max(1.0)
    }
}

/// The value recording a revocation at `now_ms` (under `revoked_key`, kept `REVOCATION_TTL_MS`).
pub fn revocation(digest: &str, now_ms: f64) -> String {
    [HEAD, digest, "\n", REVOKED, &stamp(now_ms)].concat()
}

/// KV's `expirationTtl` for a value to live `ttl_ms`: whole seconds, at least KV's minute.
/// Living longer is harmless: a reader judges a value by its own stamps.
pub fn kv_expiration_ttl(ttl_ms: f64) -> f64 {
    (ttl_ms / 1000.0).ceil().max(KV_MIN_TTL_SECONDS)
}

fn stamp(ms: f64) -> String {
    crate::errors::messages::number(ms.max(0.0).round())
}

/// Whole milliseconds, as `stamp` writes them: digits only.
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
    const URL: &str = "https://app.outboundsync.com/api/v1/me";

    fn slot(url: &str, key: &str) -> Slot {
        Slot { me_url: url.into(), key: ApiKey::parse(Some(key), KeySource::Argument).unwrap() }
    }

    fn d() -> String {
        digest(&slot(URL, KEY))
    }

    fn result_value(at_ms: f64, body: &str) -> String {
        format!("{}{body}", Head { result: Some((at_ms, 300.0)), ..Head::default() }.text(&d()))
    }

    #[test]
    fn the_store_keys_are_a_digest_of_the_url_and_the_key_under_the_versioned_prefix() {
        let k = key(&d());
        // sha256("https://app.outboundsync.com/api/v1/me\nosapi_test_store_key_0001"), by sha256sum.
        assert_eq!(k, "outboundsync:v2:339ce3c52db45f60d86abe009747ba68c7b746aeb87c7be9ced483741d4bf951");
        assert_eq!(revoked_key(&d()), format!("{k}:revoked"));
        for part in (8..=KEY.len()).map(|n| &KEY[..n]) {
            assert!(!k.contains(part), "{k}");
        }
        assert_ne!(digest(&slot(URL, "osapi_test_store_key_0002")), d());
        assert_ne!(digest(&slot("http://127.0.0.1:9/api/v1/me", KEY)), d());
    }

    #[test]
    fn a_stored_result_is_read_with_its_stamps_after_the_body_checks() {
        let value = result_value(NOW - 1_000.0, BODY);
        assert!(value.starts_with(&format!("outboundsync {}\nresult {} 300\n{{", d(), NOW - 1_000.0)), "{value}");
        let stored = read(Some(&value), &d(), 5_000.0, None, NOW).unwrap();
        assert_eq!(stored.result, Some(StoredResult { body: CheckedBody::Exact, text: BODY, at_ms: NOW - 1_000.0, took_ms: 300.0, age_ms: 1_000.0 }));
        assert_eq!(read(Some(&value), &d(), 1_000.0, None, NOW).unwrap().result, None, "too old to keep");
        // A body with extra fields is read into the model, as a server's would be.
        let extra = BODY.replace(r#""id":7,"#, r#""id":7,"refreshToken":"t","#);
        assert!(matches!(
            read(Some(&result_value(NOW, &extra)), &d(), 5_000.0, None, NOW).unwrap().result,
            Some(StoredResult { body: CheckedBody::Read(_), .. })
        ));
        // Another instance's clock a little ahead: age 0, not negative.
        assert_eq!(read(Some(&result_value(NOW + 5_000.0, BODY)), &d(), 5_000.0, None, NOW).unwrap().result.unwrap().age_ms, 0.0);
        assert_eq!(read(None, &d(), 5_000.0, None, NOW), Ok(Stored::default()));
    }

    #[test]
    fn a_value_written_for_another_key_is_invalid() {
        let other = digest(&slot(URL, "osapi_test_store_key_0002"));
        let copied = format!("{}{BODY}", Head { result: Some((NOW, 1.0)), ..Head::default() }.text(&other));
        assert_eq!(read(Some(&copied), &d(), 5_000.0, None, NOW), Err(Invalid));
        assert!(read(Some(&copied), &other, 5_000.0, None, NOW).unwrap().result.is_some());
        assert_eq!(revoked_at(Some(&revocation(&other, NOW)), &d()), Err(Invalid));
    }

    #[test]
    fn anything_this_package_did_not_write_is_invalid_and_never_returned() {
        let head = format!("outboundsync {}\n", d());
        let tampered = [
            result_value(NOW, &BODY.replace(r#""id":42"#, r#""id":"42""#)),
            result_value(NOW, r#"{"account":{"id":1}}"#),
            result_value(NOW, "<html>"),
            result_value(NOW, &format!("{BODY} trailing")),
            result_value(NOW + CLOCK_SKEW_MS + 1.0, BODY),
            format!("{head}result -1 1\n{BODY}"),
            format!("{head}result 1.5 1\n{BODY}"),
            format!("{head}result {NOW} \n{BODY}"),
            format!("{head}result {NOW}\n{BODY}"),
            format!("{head}Result {NOW:.0} 1\n{BODY}"),
            format!("result {NOW:.0} 1\n{BODY}"),
            BODY.to_owned(),
            format!("{head}rate_limited soon"),
            format!("{head}rate_limited {:.0}", NOW + MAX_WINDOW_MS + 1.0),
            format!("{head}rate_limited 99999999999999999"),
            format!("{head}rate_limited 1\nrate_limited 1"),
            format!("{head}refreshing 1 1\nrefreshing 1 1"),
            format!("{head}refreshing 1"),
            format!("{head}refreshing 1 x"),
            format!("{head}refreshing 1 99999999999"),
            format!("{head}dropped"),
            String::new(),
            "outboundsync ".into(),
            format!("outboundsync {}", &d()[1..]),
        ];
        for value in tampered {
            assert_eq!(read(Some(&value), &d(), 86_400_000.0, None, NOW), Err(Invalid), "{value}");
        }
        for value in ["", "revoked", "revoked x", &format!("outboundsync {}\nrevoked", d()), &format!("outboundsync {}\nresult 1 1", d())] {
            assert_eq!(revoked_at(Some(value), &d()), Err(Invalid), "{value}");
        }
    }

    #[test]
    fn a_window_and_a_marker_are_read_until_they_end_beside_the_result_they_keep() {
        let head = Head { rate_limited_until: Some(NOW + 30_000.0), result: Some((NOW - 1_000.0, 250.0)), ..Head::default() };
        let value = format!("{}{BODY}", head.text(&d()));
        let stored = read(Some(&value), &d(), 60_000.0, None, NOW).unwrap();
        assert_eq!(stored.rate_limited_until, Some(NOW + 30_000.0));
        assert_eq!(stored.result.unwrap().took_ms, 250.0);
        assert_eq!(read(Some(&value), &d(), 60_000.0, None, NOW + 30_000.0).unwrap().rate_limited_until, None, "the window has passed");
        let marker = Head { refreshing_until: Some(NOW + 2_000.0), refreshing_by: 77, ..Head::default() }.text(&d());
        assert!(marker.ends_with(&format!("\nrefreshing {} 77", NOW + 2_000.0)), "{marker}");
        assert_eq!(
            read(Some(&marker), &d(), 1.0, None, NOW).unwrap(),
            Stored { refreshing_until: Some(NOW + 2_000.0), refreshing_by: 77, ..Stored::default() }
        );
        assert_eq!(read(Some(&marker), &d(), 1.0, None, NOW + 2_000.0).unwrap(), Stored { refreshing_by: 77, ..Stored::default() });
        // A marker claiming an hour holds others back at most MAX_MARKER_MS.
        let long = Head { refreshing_until: Some(NOW + 3_600_000.0), ..Head::default() }.text(&d());
        assert_eq!(read(Some(&long), &d(), 1.0, None, NOW).unwrap().refreshing_until, Some(NOW + MAX_MARKER_MS));
    }

    #[test]
    fn a_result_sent_before_the_revocation_is_never_read_even_when_written_after_it() {
        let revoked = revoked_at(Some(&revocation(&d(), NOW)), &d()).unwrap();
        assert_eq!(revoked, Some(NOW));
        // Sent 300 ms before its answer: before the 401 although it came after it, and was
        // written later still.
        let late = result_value(NOW + 100.0, BODY);
        assert_eq!(read(Some(&late), &d(), 60_000.0, revoked, NOW + 500.0).unwrap().result, None);
        let after = result_value(NOW + 300.0, BODY);
        assert!(read(Some(&after), &d(), 60_000.0, revoked, NOW + 500.0).unwrap().result.is_some());
        assert_eq!(revoked_at(None, &d()), Ok(None));
    }

    #[test]
    fn a_value_lives_as_long_as_its_result_window_or_marker() {
        let result = Head { result: Some((NOW, 300.0)), ..Head::default() };
        assert_eq!(result.ttl_ms(60_000.0, NOW), 60_000.0);
        assert_eq!(result.ttl_ms(60_000.0, NOW + 59_999.5), 1.0);
        let window = Head { rate_limited_until: Some(NOW + 90_000.0), ..result };
        assert_eq!(window.ttl_ms(60_000.0, NOW), 90_000.0);
        assert_eq!(Head { refreshing_until: Some(NOW + 2_000.0), ..Head::default() }.ttl_ms(60_000.0, NOW), 2_000.0);
        assert_eq!(Head::default().ttl_ms(60_000.0, NOW), 1.0);
    }

    #[test]
    fn kv_gets_whole_seconds_and_at_least_a_minute() {
        assert_eq!(kv_expiration_ttl(1.0), 60.0);
        assert_eq!(kv_expiration_ttl(60_000.0), 60.0);
        assert_eq!(kv_expiration_ttl(90_500.0), 91.0);
        assert_eq!(kv_expiration_ttl(86_400_000.0), 86_400.0);
    }
}
