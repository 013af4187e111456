//! The JavaScript boundary: the exported functions and the glue they need. Each submodule
//! touches one JS facility; decisions are made by the pure core.

mod errors;
mod options;
mod runtime;
mod transport;

pub use errors::error_class;

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Function, Promise};
use wasm_bindgen_futures::future_to_promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::attempt::{self, Step};
use crate::body::MeJson;
use crate::config::{self, Config, OptionValue};
use crate::error::{ClientError, ErrorCode};
use crate::messages;
use transport::{Attempt, FromJs};

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
    future_to_promise(async move {
        let me = call(&options).await?;
        Ok(if connections_only { me.unchecked_into::<Me>().connections() } else { me })
    })
}

#[wasm_bindgen]
extern "C" {
    /// The parsed result; a typed getter reads `connections` with no key crossing from wasm.
    type Me;
    #[wasm_bindgen(method, getter)]
    fn connections(this: &Me) -> JsValue;
}

async fn call(options: &JsValue) -> Result<JsValue, JsValue> {
    let args = options::read(options).map_err(|e| errors::to_js(&e, None))?;
    let env = runtime::environment(args.raw.api_key == OptionValue::Absent, args.raw.base_url == OptionValue::Absent);
    let config = config::resolve(args.raw, env).map_err(|e| errors::to_js(&e, None))?;
    run(&config, &args.fetch, args.signal.as_ref()).await
}

/// The retry loop: perform an attempt, let the core settle it, wait or stop.
async fn run(config: &Config, fetch: &Function, signal: Option<&AbortSignal>) -> Result<JsValue, JsValue> {
    let aborted = |attempts| Err(errors::to_js(&attempt::aborted(config, attempts), None));
    let mut attempts = 0u32;
    loop {
        if signal.is_some_and(|s| s.aborted()) {
            return aborted(attempts);
        }
        attempts += 1;
        let (outcome, from_js) = match transport::attempt(fetch, config, signal).await {
            Attempt::Done { outcome, from_js } => (outcome, from_js),
            Attempt::Aborted => return aborted(attempts),
        };
        match (attempt::settle(outcome, config, attempts, js_sys::Date::now(), js_sys::Math::random()), from_js) {
            (Step::Done(MeJson::AsIs), FromJs::Body(bytes)) => return parsed(transport::parse_json_bytes(&bytes), attempts),
            // Not reached (a 200 always carries its body); if it were, JSON.parse reports it.
            (Step::Done(MeJson::AsIs), _) => return parsed(runtime::json_parse(&JsValue::UNDEFINED), attempts),
            (Step::Done(MeJson::Normalized(json)), _) => return parsed(runtime::json_parse(&JsValue::from_str(&json)), attempts),
            (Step::Fail(error), FromJs::Cause(cause)) => return Err(errors::to_js(&error, Some(&cause))),
            (Step::Fail(error), _) => return Err(errors::to_js(&error, None)),
            (Step::Retry { wait_ms }, _) => {
                if transport::sleep(wait_ms, signal).await.is_err() {
                    return aborted(attempts);
                }
            }
        }
    }
}

/// One `JSON.parse` builds the whole result. The text was checked already, so a failure here
/// means a JS engine that disagrees with us about JSON: reported, never a panic.
fn parsed(result: Result<JsValue, JsValue>, attempts: u32) -> Result<JsValue, JsValue> {
    result.map_err(|cause| {
        let mut error = ClientError::new(ErrorCode::InvalidResponse, messages::invalid_response("JSON.parse refused it"));
        error.attempts = attempts;
        errors::to_js(&error, Some(&cause))
    })
}
