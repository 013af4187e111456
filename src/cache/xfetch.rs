//! When a cached result is refreshed before it expires: XFetch (Vattani, Chierichetti and
//! Lowenstein, "Optimal Probabilistic Cache Stampede Prevention", VLDB 2015). A call that finds
//! a fresh result starts a refresh when `now - took * BETA * ln(random) >= expiry`, where `took`
//! is how long the request behind the result took: the nearer the expiry, and the slower the
//! request, the likelier. Busy instances each refresh at a moment of their own, so they do not
//! all miss at the result's expiry, and the first refresh usually lands before anyone misses.

/// The paper's default: refreshes start about one request's time before expiry, more often
/// with more callers.
pub const BETA: f64 = 1.0;

/// Whether a call at `now_ms` finding a result that expires at `expiry_ms` starts a refresh.
/// `random` is uniform in [0, 1) (0, or anything else out of range, reads as the smallest
/// positive number: a refresh is then all but certain, never a panic).
pub fn refresh_early(now_ms: f64, expiry_ms: f64, took_ms: f64, random: f64) -> bool {
    let random = if random > 0.0 && random <= 1.0 { random } else { f64::MIN_POSITIVE };
    let took_ms = if took_ms.is_finite() { took_ms.max(0.0) } else { 0.0 };
    now_ms - took_ms * BETA * random.ln() >= expiry_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chance_rises_as_expiry_nears() {
        // 300 ms requests; expiry at 10 000.
        let share = |now: f64| (1..1000).filter(|i| refresh_early(now, 10_000.0, 300.0, f64::from(*i) / 1000.0)).count();
        let shares: Vec<usize> = [8_000.0, 9_000.0, 9_500.0, 9_800.0, 9_950.0].into_iter().map(share).collect();
        assert!(shares.windows(2).all(|w| w[0] < w[1]), "{shares:?}");
        // P(refresh) = exp(-(expiry - now) / took): at one request's time before expiry, 1/e.
        assert!((share(9_700.0) as f64 / 999.0 - (-1.0f64).exp()).abs() < 0.01, "{}", share(9_700.0));
        assert_eq!(share(10_000.0), 999, "at expiry every call refreshes");
    }

    #[test]
    fn an_instant_request_is_refreshed_only_at_expiry_and_no_input_panics() {
        assert!(!refresh_early(9_999.0, 10_000.0, 0.0, 0.5));
        assert!(refresh_early(10_000.0, 10_000.0, 0.0, 0.5));
        for random in [0.0, -1.0, 2.0, f64::NAN, f64::INFINITY] {
            assert!(refresh_early(9_000.0, 10_000.0, 300.0, random), "{random}");
        }
        for took in [f64::NAN, f64::INFINITY, -5.0] {
            let _ = refresh_early(9_000.0, 10_000.0, took, 0.5);
        }
    }
}
