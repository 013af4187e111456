//! The opt-in result cache (`cacheTtlMs`): what a base URL and key last got from `/me`, and
//! until when the server asked that key to wait. The boundary shares requests in flight and
//! builds each caller's copy; what is remembered, for how long and what is dropped is here.

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};
use crate::options::config::{Slot, MAX_USE_MS};
use crate::options::key::ApiKey;

/// At most this many base URL and key pairs are remembered; the least recently used goes first.
pub const MAX_ENTRIES: usize = 100;

/// A result kept: when its answer came (its age counts from then) and how long its request
/// took (it was sent `took_ms` before).
#[derive(Debug)]
struct Kept<V> {
    at_ms: f64,
    took_ms: f64,
    value: V,
}

#[derive(Debug)]
struct Entry<V> {
    /// The last good result, kept while some caller could still use it, fresh or (with
    /// `staleIfErrorMs`) stale.
    result: Option<Kept<V>>,
    /// The end of a 429's `Retry-After`: no request before then.
    limited_until: Option<f64>,
    /// For least-recently-used eviction.
    used: u64,
}

#[derive(Debug, PartialEq)]
pub enum Lookup<'a, V> {
    /// A result younger than the caller's TTL, whose answer came `age_ms` ago after
    /// `took_ms`; `limited` inside a 429's window (no refresh may start).
    Hit {
        value: &'a V,
        age_ms: f64,
        took_ms: f64,
        limited: bool,
    },
    /// The server asked to wait; this many whole seconds are left.
    RateLimited {
        seconds_left: f64,
    },
    Miss,
}

/// A list, not a map: at most a hundred entries, and a scan of them costs less code (measured:
/// 4.5 KB of `.wasm`) than hashing a URL and a key.
#[derive(Debug)]
pub struct Cache<V> {
    entries: Vec<(Slot, Entry<V>)>,
    clock: u64,
}

impl<V> Default for Cache<V> {
    fn default() -> Self {
        Cache { entries: Vec::new(), clock: 0 }
    }
}

impl<V> Cache<V> {
    /// Freshness is the caller's: a result stored by a call with a longer TTL is not served to
    /// a call that asked for a shorter one. An entry nobody can use any more is dropped.
    pub fn lookup(&mut self, slot: &Slot, ttl_ms: f64, now_ms: f64) -> Lookup<'_, V> {
        let tick = self.tick();
        let Some(at) = self.entries.iter().position(|(s, _)| s == slot) else { return Lookup::Miss };
        let usable = {
            let entry = &mut self.entries[at].1;
            entry.limited_until = entry.limited_until.filter(|until| now_ms < *until);
            if entry.result.as_ref().is_some_and(|kept| now_ms - kept.at_ms >= MAX_USE_MS) {
                entry.result = None;
            }
            entry.result.is_some() || entry.limited_until.is_some()
        };
        if !usable {
            self.entries.swap_remove(at);
            return Lookup::Miss;
        }
        let entry = &mut self.entries[at].1;
        entry.used = tick;
        // A fresh result is served inside a 429's window too (without an early refresh).
        match (&entry.result, entry.limited_until) {
            (Some(Kept { at_ms, took_ms, value }), limited) if now_ms - at_ms < ttl_ms => {
                Lookup::Hit { value, age_ms: (now_ms - at_ms).max(0.0), took_ms: *took_ms, limited: limited.is_some() }
            }
            (_, Some(until_ms)) => Lookup::RateLimited { seconds_left: ((until_ms - now_ms) / 1000.0).ceil() },
            _ => Lookup::Miss,
        }
    }

    /// The last good result if it is younger than `keep_ms` (`cacheTtlMs + staleIfErrorMs`),
    /// fresh or not, with its age: what a call gets instead of a 429 or an outage.
    pub fn stale(&self, slot: &Slot, keep_ms: f64, now_ms: f64) -> Option<(&V, f64)> {
        let kept = self.entries.iter().find(|(s, _)| s == slot)?.1.result.as_ref()?;
        let age_ms = (now_ms - kept.at_ms).max(0.0);
        (age_ms < keep_ms).then_some((&kept.value, age_ms))
    }

    /// When the slot's result came, and how long its request took, if there is one.
    pub fn kept(&self, slot: &Slot) -> Option<(f64, f64)> {
        self.entries.iter().find(|(s, _)| s == slot)?.1.result.as_ref().map(|kept| (kept.at_ms, kept.took_ms))
    }

    /// A result that came at `at_ms` after `took_ms`. An older one than the result already kept
    /// (another instance's, read from the store) does not replace it; a result ends the slot's
    /// rate-limit window.
    pub fn store(&mut self, slot: Slot, value: V, at_ms: f64, took_ms: f64) {
        let newer = self.kept(&slot).is_none_or(|(kept, _)| at_ms >= kept);
        if newer {
            self.put(slot, |entry| {
                entry.result = Some(Kept { at_ms, took_ms, value });
                entry.limited_until = None;
            });
        }
    }

    /// The result whose request was sent before a key's revocation is dropped.
    pub fn revoked(&mut self, slot: &Slot, revoked_ms: f64) {
        if self.kept(slot).is_some_and(|(at, took)| at - took < revoked_ms) {
            self.entries.retain(|(s, _)| s != slot);
        }
    }

    /// What a call's error means for the slot: a 429 with `Retry-After` holds back every
    /// call until then (so the account's limit is not spent further), keeping the last result
    /// for `staleIfErrorMs`; a rejected key or one without API access loses its result.
    /// Errors themselves are never remembered.
    pub fn failed(&mut self, slot: &Slot, error: &ClientError, now_ms: f64) {
        match (error.code, error.retry_after) {
            (ErrorCode::RateLimited, Some(seconds)) if seconds > 0.0 => {
                self.put(slot.clone(), |entry| entry.limited_until = Some(now_ms + seconds * 1000.0));
            }
            (ErrorCode::Unauthorized | ErrorCode::ApiAccessDisabled, _) => {
                self.entries.retain(|(s, _)| s != slot);
            }
            _ => {}
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn put(&mut self, slot: Slot, change: impl FnOnce(&mut Entry<V>)) {
        let used = self.tick();
        if let Some(at) = self.entries.iter().position(|(s, _)| *s == slot) {
            let entry = &mut self.entries[at].1;
            entry.used = used;
            change(entry);
            return;
        }
        if self.entries.len() >= MAX_ENTRIES {
            if let Some(oldest) = self.entries.iter().enumerate().min_by_key(|(_, (_, e))| e.used).map(|(i, _)| i) {
                self.entries.swap_remove(oldest);
            }
        }
        let mut entry = Entry { result: None, limited_until: None, used };
        change(&mut entry);
        self.entries.push((slot, entry));
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

/// The error for a call held back by a remembered 429 (`Lookup::RateLimited`): no request was
/// sent, and `retryAfter` is what is left of the wait.
pub fn held_back(key: &ApiKey, seconds_left: f64) -> ClientError {
    let mut error = ClientError::new(ErrorCode::RateLimited, messages::rate_limit_remembered(seconds_left));
    error.retry_after = Some(seconds_left);
    error.key_hint = key.hint();
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::config::MAX_TTL_MS;
    use crate::options::key::KeySource;

    fn slot(key: &str) -> Slot {
        Slot { me_url: "http://127.0.0.1:9/api/v1/me".into(), key: ApiKey::parse(Some(key), KeySource::Argument).unwrap() }
    }

    fn hit<V: Copy>(lookup: Lookup<'_, V>) -> Option<V> {
        match lookup {
            Lookup::Hit { value, .. } => Some(*value),
            _ => None,
        }
    }

    #[test]
    fn a_result_is_served_for_the_callers_ttl_and_no_longer() {
        let mut cache = Cache::default();
        cache.store(slot("osapi_test_cache_a_0001"), 7, 1_000.0, 0.0);
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 500.0, 1_499.0)), Some(7));
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 500.0, 1_500.0)), None);
        // Another caller's longer TTL does not stretch this one's.
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 100.0, 1_200.0)), None);
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), MAX_TTL_MS, 1_200.0)), Some(7));
    }

    #[test]
    fn keys_and_urls_do_not_share() {
        let mut cache = Cache::default();
        cache.store(slot("osapi_test_cache_a_0001"), 1, 0.0, 0.0);
        assert_eq!(cache.lookup(&slot("osapi_test_cache_b_0002"), 1e6, 1.0), Lookup::Miss);
        let other_url = Slot { me_url: "http://127.0.0.1:10/api/v1/me".into(), ..slot("osapi_test_cache_a_0001") };
        assert_eq!(cache.lookup(&other_url, 1e6, 1.0), Lookup::Miss);
    }

    #[test]
    fn a_rate_limit_holds_back_calls_until_retry_after_with_the_whole_seconds_left() {
        let mut cache: Cache<u32> = Cache::default();
        let mut error = ClientError::new(ErrorCode::RateLimited, "limited");
        error.retry_after = Some(42.0);
        cache.failed(&slot("osapi_test_cache_a_0001"), &error, 10_000.0);
        assert_eq!(cache.lookup(&slot("osapi_test_cache_a_0001"), 1.0, 10_000.0), Lookup::RateLimited { seconds_left: 42.0 });
        assert_eq!(cache.lookup(&slot("osapi_test_cache_a_0001"), 1.0, 30_500.0), Lookup::RateLimited { seconds_left: 22.0 });
        assert_eq!(cache.lookup(&slot("osapi_test_cache_a_0001"), 1.0, 52_000.0), Lookup::Miss);
        assert!(cache.is_empty());
        // Without a Retry-After there is nothing to hold back until.
        error.retry_after = None;
        cache.failed(&slot("osapi_test_cache_a_0001"), &error, 0.0);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_call_held_back_gets_a_rate_limit_error_with_the_seconds_left_and_no_attempt() {
        let err = held_back(&slot("osapi_test_cache_a_0001").key, 42.0);
        assert_eq!((err.code, err.attempts, err.retry_after), (ErrorCode::RateLimited, 0, Some(42.0)));
        assert_eq!(err.key_hint.as_deref(), Some("osapi_…0001"));
        assert!(err.message.contains("no request was sent") && err.message.contains("Retry after 42 seconds"), "{}", err.message);
        assert!(!err.message.contains("osapi_test_cache"), "{}", err.message);
    }

    #[test]
    fn a_rejected_key_loses_its_result_and_other_errors_change_nothing() {
        let mut cache = Cache::default();
        for code in [ErrorCode::ServerError, ErrorCode::Timeout, ErrorCode::NetworkError, ErrorCode::InvalidResponse] {
            cache.store(slot("osapi_test_cache_a_0001"), 1, 0.0, 0.0);
            cache.failed(&slot("osapi_test_cache_a_0001"), &ClientError::new(code, "x"), 1.0);
            assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 1e6, 2.0)), Some(1), "{code:?}");
        }
        for code in [ErrorCode::Unauthorized, ErrorCode::ApiAccessDisabled] {
            cache.store(slot("osapi_test_cache_a_0001"), 1, 0.0, 0.0);
            cache.failed(&slot("osapi_test_cache_a_0001"), &ClientError::new(code, "x"), 1.0);
            assert_eq!(cache.lookup(&slot("osapi_test_cache_a_0001"), 1e6, 2.0), Lookup::Miss, "{code:?}");
        }
    }

    #[test]
    fn at_most_a_hundred_entries_and_the_least_recently_used_goes() {
        let mut cache = Cache::default();
        let key = |i: usize| format!("osapi_test_cache_{i:04}");
        for i in 0..MAX_ENTRIES {
            cache.store(slot(&key(i)), i, 0.0, 0.0);
        }
        assert_eq!(hit(cache.lookup(&slot(&key(0)), 1e6, 1.0)), Some(0)); // 0 is now the newest
        cache.store(slot(&key(MAX_ENTRIES)), MAX_ENTRIES, 1.0, 0.0);
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert_eq!(cache.lookup(&slot(&key(1)), 1e6, 2.0), Lookup::Miss);
        assert_eq!(hit(cache.lookup(&slot(&key(0)), 1e6, 2.0)), Some(0));
        assert_eq!(hit(cache.lookup(&slot(&key(MAX_ENTRIES)), 1e6, 2.0)), Some(MAX_ENTRIES));
        // Storing again under a known slot replaces, never evicts.
        cache.store(slot(&key(0)), 0, 3.0, 0.0);
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert_eq!(hit(cache.lookup(&slot(&key(2)), 1e6, 4.0)), Some(2));
    }

    #[test]
    fn a_window_keeps_the_last_result_for_stale_if_error_within_its_bound() {
        let mut cache = Cache::default();
        let a = slot("osapi_test_cache_a_0001");
        cache.store(a.clone(), 7, 1_000.0, 300.0);
        let mut error = ClientError::new(ErrorCode::RateLimited, "limited");
        error.retry_after = Some(30.0);
        cache.failed(&a, &error, 2_000.0);
        assert_eq!(cache.lookup(&a, 60_000.0, 2_000.0), Lookup::Hit { value: &7, age_ms: 1_000.0, took_ms: 300.0, limited: true }, "still fresh");
        assert_eq!(cache.lookup(&a, 1_000.0, 2_000.0), Lookup::RateLimited { seconds_left: 30.0 });
        assert_eq!(cache.stale(&a, 60_000.0, 2_000.0), Some((&7, 1_000.0)));
        assert_eq!(cache.stale(&a, 60_000.0 + 10_000.0, 70_999.0), Some((&7, 69_999.0)));
        assert_eq!(cache.stale(&a, 60_000.0 + 10_000.0, 71_000.0), None, "older than cacheTtlMs + staleIfErrorMs");
        // A new result ends the window.
        cache.store(a.clone(), 8, 40_000.0, 300.0);
        assert_eq!(cache.lookup(&a, 60_000.0, 40_001.0), Lookup::Hit { value: &8, age_ms: 1.0, took_ms: 300.0, limited: false });
    }

    #[test]
    fn an_older_result_never_replaces_a_newer_one_and_a_revocation_drops_what_was_sent_before_it() {
        let mut cache = Cache::default();
        let a = slot("osapi_test_cache_a_0001");
        cache.store(a.clone(), 2, 2_000.0, 0.0);
        cache.store(a.clone(), 1, 1_000.0, 0.0);
        assert_eq!(hit(cache.lookup(&a, 60_000.0, 3_000.0)), Some(2));
        cache.revoked(&a, 1_500.0);
        assert_eq!(hit(cache.lookup(&a, 60_000.0, 3_000.0)), Some(2), "sent after the revocation");
        cache.revoked(&a, 2_500.0);
        assert_eq!(cache.lookup(&a, 60_000.0, 3_000.0), Lookup::Miss);
        assert_eq!(cache.stale(&a, 1e9, 3_000.0), None);
    }

    #[test]
    fn nothing_in_the_cache_prints_the_key() {
        let mut cache = Cache::default();
        cache.store(slot("osapi_test_cache_secret_9999"), 1, 0.0, 0.0);
        let shown = format!("{cache:?} {:?}", slot("osapi_test_cache_secret_9999"));
        assert!(!shown.contains("osapi_test_cache_secret"), "{shown}");
        assert!(shown.contains("osapi_…9999"), "{shown}");
    }
}
