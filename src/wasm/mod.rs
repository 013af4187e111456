//! The JavaScript boundary: the exported functions and the glue they need. Each submodule
//! touches one JS facility; decisions are made by the pure core.

mod errors;
mod options;
mod runtime;
mod transport;

pub use errors::error_class;

use wasm_bindgen::prelude::*;

use crate::attempt::{self, Step};
use crate::config::{self, Config};
use crate::error::{ClientError, ErrorCode};
use crate::messages;
use crate::model::Me;

/// `GET /api/v1/me`: the account, the key's metadata and the connections it can reach.
#[wasm_bindgen(js_name = getOutboundSyncMe, skip_typescript)]
pub async fn get_outbound_sync_me(options: JsValue) -> Result<JsValue, JsValue> {
    let me = call(&options).await?;
    to_js(&me)
}

/// The connections the key can reach: `getOutboundSyncMe(...).connections`.
#[wasm_bindgen(js_name = getOutboundSyncConnections, skip_typescript)]
pub async fn get_outbound_sync_connections(options: JsValue) -> Result<JsValue, JsValue> {
    let me = call(&options).await?;
    to_js(&me.connections)
}

async fn call(options: &JsValue) -> Result<Me, JsValue> {
    let args = options::read(options).map_err(|e| errors::to_js(&e, None))?;
    let config = config::resolve(args.raw, runtime::environment()).map_err(|e| errors::to_js(&e, None))?;
    run(&config, &args.fetch, args.signal.as_ref()).await
}

/// The retry loop: perform an attempt, let the core settle it, wait or stop.
async fn run(config: &Config, fetch: &js_sys::Function, signal: Option<&web_sys::AbortSignal>) -> Result<Me, JsValue> {
    let mut attempts = 0u32;
    loop {
        if signal.is_some_and(|s| s.aborted()) {
            return Err(errors::to_js(&attempt::aborted(Some(config), attempts), None));
        }
        attempts += 1;
        let (outcome, cause) = match transport::attempt(fetch, config, signal).await {
            transport::Attempt::Done(outcome, cause) => (outcome, cause),
            transport::Attempt::Aborted => return Err(errors::to_js(&attempt::aborted(Some(config), attempts), None)),
        };
        match attempt::settle(outcome, config, attempts, js_sys::Date::now(), js_sys::Math::random()) {
            Step::Done(me) => return Ok(me),
            Step::Fail(error) => return Err(errors::to_js(&error, cause.as_ref())),
            Step::Retry { wait_ms } => {
                if transport::sleep(wait_ms, signal).await.is_err() {
                    return Err(errors::to_js(&attempt::aborted(Some(config), attempts), None));
                }
            }
        }
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|_| {
        let detail = "its fields could not be converted to JavaScript values";
        errors::to_js(&ClientError::new(ErrorCode::InvalidResponse, messages::invalid_response(detail)), None)
    })
}
