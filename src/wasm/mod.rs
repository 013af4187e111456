//! The JavaScript boundary: the exported functions and what they need from JS. Each submodule
//! touches one JS facility; decisions are made by the pure core.

mod deadline;
mod errors;
mod fetch;
mod options;
mod result;
mod runtime;

pub use errors::error_class;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::attempt::{self, Step};
use crate::config::{self, Config, OptionValue};
use crate::error::{ClientError, ErrorCode};
use crate::messages;
use fetch::{Attempt, Fetch, FromJs};

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
    let env = runtime::environment(args.raw.api_key == OptionValue::Absent, args.raw.base_url == OptionValue::Absent);
    let config = config::resolve(args.raw, env).map_err(|e| errors::to_js(&e, None))?;
    run(&config, &args.fetch, args.signal.as_ref(), connections_only).await
}

/// The retry loop: perform an attempt, let the core settle it, wait or stop.
async fn run(config: &Config, fetch: &Fetch, signal: Option<&AbortSignal>, connections_only: bool) -> Result<JsValue, JsValue> {
    let aborted = |attempts| Err(errors::to_js(&attempt::aborted(config, attempts), None));
    let mut attempts = 0u32;
    loop {
        if signal.is_some_and(|s| s.aborted()) {
            return aborted(attempts);
        }
        attempts += 1;
        let (outcome, from_js) = match fetch::attempt(fetch, config, signal).await {
            Attempt::Done { outcome, from_js } => (outcome, from_js),
            Attempt::Aborted => return aborted(attempts),
        };
        match (attempt::settle(outcome, config, attempts, js_sys::Date::now(), js_sys::Math::random()), from_js) {
            (Step::Done(body), from_js) => {
                let bytes = match &from_js {
                    FromJs::Body(bytes) => Some(bytes),
                    _ => None,
                };
                return result::to_js(body, bytes, connections_only).map_err(|cause| {
                    // Not reached: the core checked the body. If an engine disagrees, it is reported.
                    let mut error = ClientError::new(ErrorCode::InvalidResponse, messages::invalid_response("JavaScript could not build the result"));
                    error.attempts = attempts;
                    errors::to_js(&error, Some(&cause))
                });
            }
            (Step::Fail(error), FromJs::Cause(cause)) => return Err(errors::to_js(&error, Some(&cause))),
            (Step::Fail(error), _) => return Err(errors::to_js(&error, None)),
            (Step::Retry { wait_ms }, _) => {
                if fetch::sleep(wait_ms, signal).await.is_err() {
                    return aborted(attempts);
                }
            }
        }
    }
}
