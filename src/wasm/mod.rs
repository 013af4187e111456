//! The JavaScript boundary: the exported functions and what they need from JS. Each submodule
//! touches one JS facility; decisions are made by the pure core.

mod cache;
mod deadline;
mod errors;
mod fetch;
mod log;
mod options;
mod result;
mod runtime;
mod store;

pub use errors::error_class;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::attempt::{self, Outcome, Step};
use crate::config::{self, Config, LogChoice, OptionValue};
use crate::log::{self as lines, Level, Seen};
use errors::Failure;
use fetch::{Attempt, Fetch, FromJs};
use log::Log;
use result::ResultForJs;

/// `GET /api/v1/me`: the account, the key's metadata and the connections it can reach.
#[wasm_bindgen(js_name = getOutboundSyncMe, skip_typescript)]
pub fn get_outbound_sync_me(options: JsValue) -> Promise {
    start(options, false)
}

/// The connections the key can reach: `getOutboundSyncMe(...).connections`.
#[wasm_bindgen(js_name = getOutboundSyncConnections, skip_typescript)]
pub fn get_outbound_sync_connections(options: JsValue) -> Promise {
    start(options, true)
}

/// One future type behind both exports (two `async fn` exports would each carry a copy of
/// the promise bridge).
fn start(options: JsValue, connections_only: bool) -> Promise {
    future_to_promise(async move { call(&options, connections_only).await })
}

async fn call(options: &JsValue, connections_only: bool) -> Result<JsValue, JsValue> {
    let args = options::read(options).map_err(|e| errors::to_js(&e, None))?;
    let raw = &args.raw;
    let env = runtime::environment(raw.api_key == OptionValue::Absent, raw.base_url == OptionValue::Absent, raw.log_level == OptionValue::Absent);
    let choice = config::log_level(&raw.log_level, env.log_level.as_deref());
    let log = Log::new(choice.as_ref().map_or(Level::Off, |c| c.level), args.logger.clone());
    if let Ok(LogChoice { warning: Some(line), .. }) = &choice {
        log.warn_once(line);
    }
    let outcome = match choice.and_then(|_| config::resolve(args.raw, env)) {
        Ok(config) if config.cache_ttl_ms > 0.0 => {
            // Boxed, so the cache's code is a function of its own that only calls using it compile.
            let cached: Pin<Box<dyn Future<Output = cache::Outcome> + '_>> =
                Box::pin(cache::call(&config, &args.fetch, args.store.as_ref(), args.signal.as_ref(), &log));
            cached.await
        }
        Ok(config) => run(&config, &args.fetch, args.signal.as_ref(), &log).await.map(Rc::new).inspect_err(|f| cache::learn(&config, &f.error)),
        Err(error) => Err(error.into()),
    };
    let result = outcome.and_then(|me| me.to_js(connections_only).map_err(|cause| engine_refused(cause, 0)));
    result.map_err(|failure| {
        log.write(Level::Error, || lines::failed(&failure.error));
        failure.to_js()
    })
}

/// The retry loop: perform an attempt, let the core settle it, wait or stop.
async fn run(config: &Config, fetch: &Fetch, signal: Option<&AbortSignal>, log: &Log) -> Result<ResultForJs, Failure> {
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
                if deadline::sleep(wait_ms, signal).await.is_err() {
                    return aborted(attempts);
                }
            }
        }
    }
}

fn engine_refused(cause: JsValue, attempts: u32) -> Failure {
    Failure { error: attempt::engine_refused(attempts), cause: Some(cause) }
}
