//! When to try again, and how long to wait first.

use crate::errors::ErrorCode;

/// A server asking for a longer pause than this is not waited for: the call fails at once with
/// `retryAfter` set, so an unattended caller is not stuck for minutes inside one await.
pub const MAX_RETRY_AFTER_SECONDS: f64 = 60.0;
const INITIAL_BACKOFF_MS: f64 = 500.0;
const MAX_BACKOFF_MS: f64 = 8_000.0;
/// Up to this share of each backoff is taken off at random, so clients that failed together
/// do not retry together.
const JITTER_SHARE: f64 = 0.25;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    RetryAfterMs(f64),
    GiveUp,
}

/// `retries_done` counts retries already made (0 after the first attempt); `jitter` is a
/// random number in [0, 1).
pub fn decide(code: ErrorCode, retries_done: u32, max_retries: u32, retry_after: Option<f64>, jitter: f64) -> Decision {
    if !code.retryable() || retries_done >= max_retries {
        return Decision::GiveUp;
    }
    match retry_after {
        Some(seconds) if seconds > MAX_RETRY_AFTER_SECONDS => Decision::GiveUp,
        Some(seconds) => Decision::RetryAfterMs(seconds.max(0.0) * 1000.0),
        None => Decision::RetryAfterMs(backoff_ms(retries_done, jitter)),
    }
}

/// 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s, ... less up to a quarter at random.
pub fn backoff_ms(retries_done: u32, jitter: f64) -> f64 {
    let base = INITIAL_BACKOFF_MS * f64::from(1u32 << retries_done.min(16));
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    base.min(MAX_BACKOFF_MS) * (1.0 - JITTER_SHARE * jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight() {
        let schedule: Vec<f64> = (0..7).map(|n| backoff_ms(n, 0.0)).collect();
        assert_eq!(schedule, [500.0, 1000.0, 2000.0, 4000.0, 8000.0, 8000.0, 8000.0]);
        assert_eq!(backoff_ms(u32::MAX, 0.0), 8000.0);
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        assert_eq!(backoff_ms(0, 0.999_999), 500.0 * (1.0 - 0.25 * 0.999_999));
        assert_eq!(backoff_ms(2, 0.5), 1750.0);
        assert_eq!(backoff_ms(0, f64::NAN), 500.0);
        assert_eq!(backoff_ms(0, 7.0), 375.0);
    }

    #[test]
    fn retries_only_transient_failures_up_to_the_limit() {
        for code in [ErrorCode::RateLimited, ErrorCode::ServerError, ErrorCode::NetworkError, ErrorCode::Timeout] {
            assert_eq!(decide(code, 0, 2, None, 0.0), Decision::RetryAfterMs(500.0));
            assert_eq!(decide(code, 1, 2, None, 0.0), Decision::RetryAfterMs(1000.0));
            assert_eq!(decide(code, 2, 2, None, 0.0), Decision::GiveUp);
            assert_eq!(decide(code, 0, 0, None, 0.0), Decision::GiveUp);
        }
        for code in [
            ErrorCode::Unauthorized,
            ErrorCode::ApiAccessDisabled,
            ErrorCode::UnexpectedStatus,
            ErrorCode::UnexpectedRedirect,
            ErrorCode::InvalidResponse,
            ErrorCode::Aborted,
        ] {
            assert_eq!(decide(code, 0, 2, None, 0.0), Decision::GiveUp, "{code:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_sixty_seconds() {
        assert_eq!(decide(ErrorCode::RateLimited, 0, 2, Some(3.0), 0.9), Decision::RetryAfterMs(3000.0));
        assert_eq!(decide(ErrorCode::RateLimited, 0, 2, Some(0.0), 0.9), Decision::RetryAfterMs(0.0));
        assert_eq!(decide(ErrorCode::RateLimited, 0, 2, Some(60.0), 0.9), Decision::RetryAfterMs(60_000.0));
        assert_eq!(decide(ErrorCode::RateLimited, 0, 2, Some(60.5), 0.0), Decision::GiveUp);
        assert_eq!(decide(ErrorCode::ServerError, 0, 2, Some(3600.0), 0.0), Decision::GiveUp);
    }
}
