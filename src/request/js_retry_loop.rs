//! The retry loop: perform an attempt through `js_fetch`, let the core (`attempt`) settle it,
//! wait (`js_deadline`) or stop.

use web_sys::AbortSignal;

use crate::body::js_result::ResultForJs;
use crate::errors::js_failure::Failure;
use crate::errors::{ClientError, ErrorCode};
use crate::log::js_logger::Log;
use crate::log::lines::{self, Level, Seen};
use crate::options::config::Config;
use crate::request::attempt::{self, Outcome, Step};
use crate::request::js_deadline as deadline;
use crate::request::js_fetch::{self as fetch, Attempt, Fetch, FromJs};
use wasm_bindgen::JsValue;

/// The retry loop: perform an attempt, let the core settle it, wait or stop. `on_limited` hears
/// of a 429 with `Retry-After` before its wait (the cache shares the window at once).
pub async fn run(
    config: &Config,
    fetch: &Fetch,
    signal: Option<&AbortSignal>,
    log: &Log,
    on_limited: Option<&dyn Fn(&ClientError)>,
) -> Result<ResultForJs, Failure> {
    let aborted = |attempts| Err(attempt::aborted(config, attempts).into());
    let mut attempts = 0u32;
    loop {
        if signal.is_some_and(|s| s.aborted()) {
            return aborted(attempts);
        }
        attempts += 1;
        let started_ms = js_sys::Date::now();
        let (outcome, from_js) = match fetch::attempt(fetch, config, signal).await {
            Attempt::Done { outcome, from_js } => (outcome, from_js),
            Attempt::Aborted => return aborted(attempts),
        };
        log.write(Level::Debug, || {
            let request_id = match &outcome {
                Outcome::Response { request_id: Some(id), .. } => Some(config.key.redact(id.clone())),
                _ => None,
            };
            let seen = match &outcome {
                Outcome::Response { status, body, .. } => Seen::Response { status: *status, request_id: request_id.as_deref(), bytes: body.len() },
                Outcome::NetworkFailure { .. } => Seen::Failed,
                Outcome::TimedOut => Seen::TimedOut,
            };
            lines::attempt(&config.me_url, attempts, seen, js_sys::Date::now() - started_ms)
        });
        match (attempt::settle(outcome, config, attempts, js_sys::Date::now(), js_sys::Math::random()), from_js) {
            (Step::Done(body), from_js) => {
                let bytes = match &from_js {
                    FromJs::Body(bytes) => Some(bytes),
                    _ => None,
                };
                return ResultForJs::new(body, bytes).map_err(|cause| engine_refused(cause, attempts));
            }
            (Step::Fail(error), FromJs::Cause(cause)) => return Err(Failure { error, cause: Some(cause) }),
            (Step::Fail(error), _) => return Err(error.into()),
            (Step::Retry { wait_ms, error }, _) => {
                log.write(Level::Warn, || lines::retry(&error, wait_ms));
                // A window of 0 s holds nobody back: the joined callers keep waiting for the retry.
                if let (Some(on_limited), ErrorCode::RateLimited, Some(seconds)) = (on_limited, error.code, error.retry_after) {
                    if seconds > 0.0 {
                        on_limited(&error);
                    }
                }
                if deadline::sleep(wait_ms, signal).await.is_err() {
                    return aborted(attempts);
                }
            }
        }
    }
}

pub fn engine_refused(cause: JsValue, attempts: u32) -> Failure {
    Failure { error: attempt::engine_refused(attempts), cause: Some(cause) }
}
