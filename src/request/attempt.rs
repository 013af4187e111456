//! What one HTTP attempt's outcome means for the whole call: a result, a retry after a pause,
//! or a final error. The boundary performs attempts; this decides, without a JS engine.

use crate::body;
use crate::body::CheckedBody;
use crate::errors::messages;
use crate::errors::text;
use crate::errors::{ClientError, ErrorCode};
use crate::options::config::Config;
use crate::request::retry::{self, Decision};
use crate::request::retry_after;
use crate::request::status::{self, FailedResponse};

/// A fetch error's description is cut to this many characters.
const MAX_DETAIL_CHARS: usize = 120;

/// What the attempt saw (`request::js_fetch`). Header values are raw; parsing happens here.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Response {
        status: u16,
        /// Empty for redirects, whose bodies are never read, and for a body that could not be.
        body: Vec<u8>,
        request_id: Option<String>,
        retry_after: Option<String>,
        /// Why the body could not be read, if it could not: the status still says what happened.
        unread: Option<Unread>,
    },
    /// fetch (or reading the body) rejected. `detail` is the error's own description, raw.
    NetworkFailure {
        detail: Option<String>,
    },
    TimedOut,
}

/// Why a response's body could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum Unread {
    /// The `Response` had been read before the attempt got it: no fetch returns one, but a mock
    /// that hands one `Response` to every call does.
    AlreadyRead,
    /// Reading it failed (the connection closed mid-body). `detail` is the error's own description, raw.
    Failed { detail: Option<String> },
}

#[derive(Debug, PartialEq)]
pub enum Step {
    /// The result.
    Done(CheckedBody),
    /// Wait this long, then try again; `error` is what this attempt failed with (for the log).
    Retry {
        wait_ms: f64,
        error: ClientError,
    },
    Fail(ClientError),
}

/// `attempts` counts HTTP attempts made so far, including this one; `now_ms` is the epoch
/// time (for `Retry-After` dates); `jitter` is random in [0, 1).
pub fn settle(outcome: Outcome, config: &Config, attempts: u32, now_ms: f64, jitter: f64) -> Step {
    let invalid = match &outcome {
        Outcome::Response { status, body, unread: None, .. } if status::is_success(*status) => match body::decode_me(body) {
            Ok(me) => return Step::Done(me),
            Err(err) => Some(err),
        },
        _ => None,
    };
    failed(outcome, invalid, config, attempts, now_ms, jitter)
}

/// Everything but a good 200, out of line: V8 compiles a wasm function whole the first time it
/// runs, so a first call that succeeds compiles none of this (BENCHMARKS.md, the first call).
/// `invalid` is the error of a 200 whose body is not the documented JSON.
#[cold]
#[inline(never)]
fn failed(outcome: Outcome, invalid: Option<ClientError>, config: &Config, attempts: u32, now_ms: f64, jitter: f64) -> Step {
    let mut error = match outcome {
        Outcome::Response { status, body, request_id, retry_after, unread } => {
            // Server text, like a message: a confused server could echo the key in it.
            let request_id = request_id.map(|id| config.key.redact(id));
            if let Some(mut err) = invalid {
                err.status = Some(status);
                err.request_id = request_id;
                err
            } else if let (true, Some(unread)) = (status::is_success(status), unread) {
                // A success without its body is no result: the connection failed while it came
                // (retried as any network failure), or a mock reused its Response. Any other
                // status means what it says without a body.
                let message = match unread {
                    Unread::AlreadyRead => messages::body_already_read(config.origin(), status, attempts),
                    Unread::Failed { detail } => messages::body_unreadable(config.origin(), status, cleaned(detail, config).as_deref(), attempts),
                };
                let mut err = ClientError::new(ErrorCode::NetworkError, message);
                err.status = Some(status);
                err.request_id = request_id;
                err
            } else {
                let response = FailedResponse {
                    status,
                    server_message: body::server_message(&body, |m| config.key.redact(m)),
                    request_id,
                    retry_after: retry_after.as_deref().and_then(|v| retry_after::parse(v, now_ms)),
                };
                status::classify(response, config.key.has_prefix(), attempts)
            }
        }
        Outcome::NetworkFailure { detail } => {
            ClientError::new(ErrorCode::NetworkError, messages::network_error(config.origin(), cleaned(detail, config).as_deref(), attempts))
        }
        Outcome::TimedOut => ClientError::new(ErrorCode::Timeout, messages::timeout(config.timeout_ms, attempts)),
    };
    error.attempts = attempts;
    error.key_hint = config.key.hint();
    match retry::decide(error.code, attempts.saturating_sub(1), config.max_retries, error.retry_after, jitter) {
        Decision::RetryAfterMs(wait_ms) => Step::Retry { wait_ms, error },
        Decision::GiveUp => Step::Fail(error),
    }
}

/// A JS error's own description, fit to quote: the key redacted, control characters dropped, cut.
fn cleaned(detail: Option<String>, config: &Config) -> Option<String> {
    detail.and_then(|d| text::clean(&config.key.redact(d), MAX_DETAIL_CHARS))
}

/// The error for a wait between attempts that the caller's signal cut short, or for a signal
/// that had fired before the first attempt.
pub fn aborted(config: &Config, attempts: u32) -> ClientError {
    let mut error = ClientError::new(ErrorCode::Aborted, messages::aborted());
    error.attempts = attempts;
    error.key_hint = config.key.hint();
    error
}

/// The error for a body the core checked but the JS engine could not turn into the result
/// (`cause` is the engine's error). Not reached; if an engine disagrees, it is reported.
pub fn engine_refused(attempts: u32) -> ClientError {
    let mut error = body::invalid_response("JavaScript could not build the result");
    error.attempts = attempts;
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::config::{resolve, Environment, OptionValue, RawOptions};

    const KEY: &str = "osapi_test_attempt_key_0001";

    fn config(max_retries: f64) -> Config {
        resolve(
            RawOptions { api_key: OptionValue::Str(KEY.into()), max_retries: OptionValue::Number(max_retries), ..Default::default() },
            Environment::default(),
        )
        .unwrap()
    }

    fn response(status: u16, body: &str, retry_after: Option<&str>) -> Outcome {
        Outcome::Response { status, body: body.into(), request_id: Some("req_9".into()), retry_after: retry_after.map(Into::into), unread: None }
    }

    fn failure(step: Step) -> ClientError {
        match step {
            Step::Fail(e) => e,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_200_is_done() {
        let body = r#"{"account":{"id":1,"email":null},"apiKey":{"name":"k","scopes":["read"],"connectionScope":"account"},"connections":[]}"#;
        assert!(matches!(settle(response(200, body, None), &config(2.0), 1, 0.0, 0.0), Step::Done(_)));
    }

    #[test]
    fn an_invalid_200_fails_at_once_with_status_and_request_id() {
        let err = failure(settle(response(200, "<html>", None), &config(2.0), 1, 0.0, 0.0));
        assert_eq!(err.code, ErrorCode::InvalidResponse);
        assert_eq!(err.status, Some(200));
        assert_eq!(err.request_id.as_deref(), Some("req_9"));
        assert_eq!(err.attempts, 1);
        assert!(err.problem.as_deref().is_some_and(|p| p.contains("HTML")), "{:?}", err.problem);
    }

    #[test]
    fn a_body_the_engine_refuses_is_an_invalid_response_naming_the_problem() {
        let err = engine_refused(2);
        assert_eq!((err.code, err.attempts), (ErrorCode::InvalidResponse, 2));
        assert_eq!(err.problem.as_deref(), Some("JavaScript could not build the result"));
        assert!(err.message.ends_with("is not the documented JSON: JavaScript could not build the result."), "{}", err.message);
    }

    #[test]
    fn transient_failures_retry_until_the_limit_then_fail_with_the_attempt_count() {
        let c = config(2.0);
        let outcomes = || [response(500, "", None), response(429, "", None), Outcome::TimedOut, Outcome::NetworkFailure { detail: None }];
        for outcome in outcomes() {
            assert!(matches!(settle(outcome, &c, 1, 0.0, 0.0), Step::Retry { wait_ms, .. } if wait_ms == 500.0));
        }
        for outcome in outcomes() {
            assert!(matches!(settle(outcome, &c, 2, 0.0, 0.0), Step::Retry { wait_ms, .. } if wait_ms == 1000.0));
        }
        for outcome in outcomes() {
            let err = failure(settle(outcome, &c, 3, 0.0, 0.0));
            assert_eq!(err.attempts, 3);
            assert!(err.message.contains("after 3 attempts"), "{}", err.message);
        }
    }

    #[test]
    fn retry_after_over_sixty_seconds_fails_at_once_with_retry_after_set() {
        let err = failure(settle(response(429, "", Some("120")), &config(2.0), 1, 0.0, 0.0));
        assert_eq!(err.code, ErrorCode::RateLimited);
        assert_eq!(err.retry_after, Some(120.0));
        assert!(matches!(
            settle(response(429, "", Some("2")), &config(2.0), 1, 0.0, 0.0),
            Step::Retry { wait_ms, .. } if wait_ms == 2000.0
        ));
    }

    #[test]
    fn auth_errors_are_final_and_carry_a_hint_not_the_key() {
        let body = format!(r#"{{"statusCode":401,"message":"Invalid API key {KEY}","error":"Unauthorized"}}"#);
        let err = failure(settle(response(401, &body, None), &config(2.0), 1, 0.0, 0.0));
        assert_eq!(err.code, ErrorCode::Unauthorized);
        assert_eq!(err.maybe_platform_key, Some(false));
        assert_eq!(err.key_hint.as_deref(), Some("osapi_…0001"));
        let shown = format!("{err:?} {err} {:?}", err.server_message);
        assert!(!shown.contains(KEY), "{shown}");
        assert!(err.server_message.unwrap().contains("[redacted]"));
    }

    #[test]
    fn a_request_id_echoing_the_key_is_redacted() {
        let echoed = Outcome::Response { status: 500, body: Vec::new(), request_id: Some(format!("id-{KEY}")), retry_after: None, unread: None };
        let err = failure(settle(echoed, &config(0.0), 1, 0.0, 0.0));
        assert_eq!(err.request_id.as_deref(), Some("id-[redacted]"));
    }

    #[test]
    fn network_detail_is_quoted_without_the_key() {
        let err = failure(settle(Outcome::NetworkFailure { detail: Some(format!("ECONNREFUSED {KEY}")) }, &config(0.0), 1, 0.0, 0.0));
        assert_eq!(err.code, ErrorCode::NetworkError);
        assert!(err.message.contains("ECONNREFUSED"));
        assert!(!err.message.contains(KEY));
    }

    fn unread(status: u16, unread: Unread) -> Outcome {
        Outcome::Response { status, body: Vec::new(), request_id: Some("req_9".into()), retry_after: None, unread: Some(unread) }
    }

    #[test]
    fn a_status_whose_body_could_not_be_read_keeps_its_meaning() {
        for why in [Unread::AlreadyRead, Unread::Failed { detail: Some("Body is unusable".into()) }] {
            let err = failure(settle(unread(503, why.clone()), &config(0.0), 1, 0.0, 0.0));
            assert_eq!((err.code, err.status, err.request_id.as_deref()), (ErrorCode::ServerError, Some(503), Some("req_9")));
            let err = failure(settle(unread(401, why), &config(0.0), 1, 0.0, 0.0));
            assert_eq!((err.code, err.status), (ErrorCode::Unauthorized, Some(401)));
        }
    }

    #[test]
    fn a_200_whose_body_could_not_be_read_says_so_and_is_retried() {
        let cut = unread(200, Unread::Failed { detail: Some(format!("terminated {KEY}")) });
        let Step::Retry { error, .. } = settle(cut.clone(), &config(2.0), 1, 0.0, 0.0) else { panic!("a body cut off is retried") };
        assert_eq!((error.code, error.status, error.request_id.as_deref()), (ErrorCode::NetworkError, Some(200), Some("req_9")));
        let err = failure(settle(cut, &config(0.0), 1, 0.0, 0.0));
        assert!(
            err.message.starts_with("OutboundSync answered HTTP 200 at https://app.outboundsync.com but its body could not be read (terminated [redacted])"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("before any response"), "{}", err.message);
        let err = failure(settle(unread(200, Unread::AlreadyRead), &config(0.0), 1, 0.0, 0.0));
        assert!(err.message.contains("had been read already"), "{}", err.message);
        assert!(err.message.contains("a new Response for each call"), "{}", err.message);
    }

    #[test]
    fn a_key_at_the_cut_is_redacted_whole() {
        let detail = format!("{}{KEY}", "x".repeat(110));
        let err = failure(settle(Outcome::NetworkFailure { detail: Some(detail) }, &config(0.0), 1, 0.0, 0.0));
        assert!(!err.message.contains("osapi_test"), "{}", err.message);
        let body = format!(r#"{{"message":"{}{KEY}"}}"#, "y".repeat(290));
        let err = failure(settle(response(500, &body, None), &config(0.0), 1, 0.0, 0.0));
        assert!(!err.server_message.unwrap().contains("osapi_test"));
        assert!(!err.message.contains("osapi_test"), "{}", err.message);
    }
}
