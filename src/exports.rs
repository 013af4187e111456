//! The exported functions: read the options, resolve them, and run the call through the cache
//! or straight through the retry loop. Each room's `js_*` module touches one JS facility; the
//! decisions are the core's.

pub use crate::errors::js_failure::error_class;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::cache::js_store::Store;
use crate::cache::{js_cache, js_fleet};
use crate::errors::ClientError;
use crate::log::js_logger::Log;
use crate::log::lines::{self, Level};
use crate::options::config::{self, LogChoice, OptionValue};
use crate::options::js_options;
use crate::request::js_fetch::Fetch;
use crate::request::js_retry_loop::{engine_refused, run};

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
    let refused = |e: ClientError| crate::errors::js_failure::to_js(&e, None);
    let mut args = js_options::read(options).map_err(refused)?;
    let fetch = Fetch::from_option(std::mem::take(&mut args.fetch)).map_err(refused)?;
    let store;
    (args.raw.cache_store, store) = Store::read(std::mem::take(&mut args.cache_store));
    let raw = &args.raw;
    let env = js_options::environment(raw.api_key == OptionValue::Absent, raw.base_url == OptionValue::Absent, raw.log_level == OptionValue::Absent);
    let choice = config::log_level(&raw.log_level, env.log_level.as_deref());
    let log = Log::new(choice.as_ref().map_or(Level::Off, |c| c.level), args.logger.clone(), choice.as_ref().is_ok_and(|c| c.silenced));
    if let Ok(LogChoice { warning: Some(line), .. }) = &choice {
        log.warn_once(line);
    }
    let outcome = match choice.and_then(|_| config::resolve(args.raw, env)) {
        Ok(config) if config.cache_ttl_ms > 0.0 => {
            // Boxed, so the cache's code is a function of its own that only calls using it compile.
            let cached: Pin<Box<dyn Future<Output = js_fleet::Outcome> + '_>> =
                Box::pin(js_cache::call(&config, &fetch, store.as_ref(), args.signal.as_ref(), &log));
            cached.await
        }
        Ok(config) => run(&config, &fetch, args.signal.as_ref(), &log, None).await.map(Rc::new).inspect_err(|f| js_cache::learn(&config, &f.error)),
        Err(error) => Err(error.into()),
    };
    let result = outcome.and_then(|me| me.to_js(connections_only).map_err(|cause| engine_refused(cause, 0)));
    result.map_err(|failure| {
        log.write(Level::Error, || lines::failed(&failure.error));
        failure.to_js()
    })
}
