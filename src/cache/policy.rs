//! The opt-in result cache (`cacheTtlMs`): what a base URL and key last got from `/me`, and
//! until when the server asked that key to wait. The boundary shares requests in flight and
//! builds each caller's copy; what is remembered, for how long and what is dropped is here.

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};
use crate::options::config::{Slot, MAX_TTL_MS};
use crate::options::key::ApiKey;

/// At most this many base URL and key pairs are remembered; the least recently used goes first.
pub const MAX_ENTRIES: usize = 100;

#[derive(Debug)]
enum Remembered<V> {
    Result { stored_ms: f64, value: V },
    RateLimited { until_ms: f64 },
}

#[derive(Debug)]
struct Entry<V> {
    remembered: Remembered<V>,
    /// For least-recently-used eviction.
    used: u64,
}

#[derive(Debug, PartialEq)]
pub enum Lookup<'a, V> {
    /// A result younger than the caller's TTL, stored `age_ms` ago.
    Hit {
        value: &'a V,
        age_ms: f64,
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
        let usable = match &self.entries[at].1.remembered {
            Remembered::Result { stored_ms, .. } => now_ms - stored_ms < MAX_TTL_MS,
            Remembered::RateLimited { until_ms } => now_ms < *until_ms,
        };
        if !usable {
            self.entries.swap_remove(at);
            return Lookup::Miss;
        }
        let entry = &mut self.entries[at].1;
        match &entry.remembered {
            Remembered::Result { stored_ms, value } => {
                let age_ms = (now_ms - stored_ms).max(0.0);
                if age_ms >= ttl_ms {
                    return Lookup::Miss;
                }
                entry.used = tick;
                Lookup::Hit { value, age_ms }
            }
            Remembered::RateLimited { until_ms } => {
                entry.used = tick;
                Lookup::RateLimited { seconds_left: ((until_ms - now_ms) / 1000.0).ceil() }
            }
        }
    }

    pub fn store(&mut self, slot: Slot, value: V, now_ms: f64) {
        self.put(slot, Remembered::Result { stored_ms: now_ms, value });
    }

    /// What a call's final error means for the slot: a 429 with `Retry-After` holds back every
    /// call until then (so the account's limit is not spent further); a rejected key or one
    /// without API access loses its result. Errors themselves are never remembered.
    pub fn failed(&mut self, slot: &Slot, error: &ClientError, now_ms: f64) {
        match (error.code, error.retry_after) {
            (ErrorCode::RateLimited, Some(seconds)) if seconds > 0.0 => {
                self.put(slot.clone(), Remembered::RateLimited { until_ms: now_ms + seconds * 1000.0 });
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

    fn put(&mut self, slot: Slot, remembered: Remembered<V>) {
        let used = self.tick();
        if let Some(at) = self.entries.iter().position(|(s, _)| *s == slot) {
            self.entries[at].1 = Entry { remembered, used };
            return;
        }
        if self.entries.len() >= MAX_ENTRIES {
            if let Some(oldest) = self.entries.iter().enumerate().min_by_key(|(_, (_, e))| e.used).map(|(i, _)| i) {
                self.entries.swap_remove(oldest);
            }
        }
        self.entries.push((slot, Entry { remembered, used }));
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
        cache.store(slot("osapi_test_cache_a_0001"), 7, 1_000.0);
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 500.0, 1_499.0)), Some(7));
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 500.0, 1_500.0)), None);
        // Another caller's longer TTL does not stretch this one's.
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 100.0, 1_200.0)), None);
        assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), MAX_TTL_MS, 1_200.0)), Some(7));
    }

    #[test]
    fn keys_and_urls_do_not_share() {
        let mut cache = Cache::default();
        cache.store(slot("osapi_test_cache_a_0001"), 1, 0.0);
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
            cache.store(slot("osapi_test_cache_a_0001"), 1, 0.0);
            cache.failed(&slot("osapi_test_cache_a_0001"), &ClientError::new(code, "x"), 1.0);
            assert_eq!(hit(cache.lookup(&slot("osapi_test_cache_a_0001"), 1e6, 2.0)), Some(1), "{code:?}");
        }
        for code in [ErrorCode::Unauthorized, ErrorCode::ApiAccessDisabled] {
            cache.store(slot("osapi_test_cache_a_0001"), 1, 0.0);
            cache.failed(&slot("osapi_test_cache_a_0001"), &ClientError::new(code, "x"), 1.0);
            assert_eq!(cache.lookup(&slot("osapi_test_cache_a_0001"), 1e6, 2.0), Lookup::Miss, "{code:?}");
        }
    }

    #[test]
    fn at_most_a_hundred_entries_and_the_least_recently_used_goes() {
        let mut cache = Cache::default();
        let key = |i: usize| format!("osapi_test_cache_{i:04}");
        for i in 0..MAX_ENTRIES {
            cache.store(slot(&key(i)), i, 0.0);
        }
        assert_eq!(hit(cache.lookup(&slot(&key(0)), 1e6, 1.0)), Some(0)); // 0 is now the newest
        cache.store(slot(&key(MAX_ENTRIES)), MAX_ENTRIES, 1.0);
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert_eq!(cache.lookup(&slot(&key(1)), 1e6, 2.0), Lookup::Miss);
        assert_eq!(hit(cache.lookup(&slot(&key(0)), 1e6, 2.0)), Some(0));
        assert_eq!(hit(cache.lookup(&slot(&key(MAX_ENTRIES)), 1e6, 2.0)), Some(MAX_ENTRIES));
        // Storing again under a known slot replaces, never evicts.
        cache.store(slot(&key(0)), 0, 3.0);
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert_eq!(hit(cache.lookup(&slot(&key(2)), 1e6, 4.0)), Some(2));
    }

    #[test]
    fn nothing_in_the_cache_prints_the_key() {
        let mut cache = Cache::default();
        cache.store(slot("osapi_test_cache_secret_9999"), 1, 0.0);
        let shown = format!("{cache:?} {:?}", slot("osapi_test_cache_secret_9999"));
        assert!(!shown.contains("osapi_test_cache_secret"), "{shown}");
        assert!(shown.contains("osapi_…9999"), "{shown}");
    }
}
