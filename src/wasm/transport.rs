//! One HTTP attempt, performed by `js/transport.js` (the one place that calls `fetch`) and
//! turned into the core's `Outcome`. The attempt crosses into JS once and comes back as one
//! reply object, read through typed getters.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::attempt::Outcome;
use crate::config::Config;

pub enum Attempt {
    /// The outcome, with the JS values behind it.
    Done { outcome: Outcome, from_js: FromJs },
    /// The caller's signal fired.
    Aborted,
}

/// The JS side of an outcome: the error behind a failure (for `cause`), or the body's bytes
/// (for JS to decode and parse without a copy out of wasm). Never both.
pub enum FromJs {
    Nothing,
    Cause(JsValue),
    Body(Uint8Array),
}

// The reply kinds of js/transport.js.
const RESPONSE: u32 = 0;
const FAILED: u32 = 1;
const TIMED_OUT: u32 = 2;

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// Every ending of the request is a `Reply`; it rejects only if setting up threw.
    fn send(fetch: &Function, url: &str, authorization: &str, timeout_ms: f64, signal: Option<&AbortSignal>) -> Promise;
    /// Resolves after `ms`, or when the signal fires.
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_js(ms: f64, signal: Option<&AbortSignal>) -> Promise;
    #[wasm_bindgen(js_name = parseJsonBytes, catch)]
    pub fn parse_json_bytes(bytes: &Uint8Array) -> Result<JsValue, JsValue>;

    type Reply;
    #[wasm_bindgen(method, getter)]
    fn kind(this: &Reply) -> u32;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Reply) -> u16;
    #[wasm_bindgen(method, getter = requestId)]
    fn request_id(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter = retryAfter)]
    fn retry_after(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Reply) -> Option<Uint8Array>;
    #[wasm_bindgen(method, getter)]
    fn cause(this: &Reply) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn detail(this: &Reply) -> Option<String>;
}

pub async fn attempt(fetch: &Function, config: &Config, signal: Option<&AbortSignal>) -> Attempt {
    let authorization = ["Bearer ", config.key.expose()].concat();
    let sent = send(fetch, &config.me_url, &authorization, config.timeout_ms, signal);
    let reply: Reply = match JsFuture::from(sent).await {
        Ok(reply) => reply.unchecked_into(),
        // Only if setting the attempt up threw (a runtime without AbortController, a signal
        // whose addEventListener throws): a failure like any other fetch error.
        Err(cause) => return Attempt::Done { outcome: Outcome::NetworkFailure { detail: None }, from_js: FromJs::Cause(cause) },
    };
    let (outcome, from_js) = match reply.kind() {
        RESPONSE => {
            let bytes = reply.body();
            // Not UTF-8 reads as a lone U+FFFD: no JSON, no server message (a lossy decode
            // would cost 4 KB of wasm).
            let body = bytes.as_ref().map_or_else(String::new, |b| String::from_utf8(b.to_vec()).unwrap_or_else(|_| "\u{FFFD}".into()));
            let outcome = Outcome::Response { status: reply.status(), body, request_id: reply.request_id(), retry_after: reply.retry_after() };
            (outcome, bytes.map_or(FromJs::Nothing, FromJs::Body))
        }
        FAILED => {
            let cause = reply.cause();
            let from_js = if cause.is_undefined() { FromJs::Nothing } else { FromJs::Cause(cause) };
            (Outcome::NetworkFailure { detail: reply.detail() }, from_js)
        }
        TIMED_OUT => (Outcome::TimedOut, FromJs::Nothing),
        _ => return Attempt::Aborted,
    };
    Attempt::Done { outcome, from_js }
}

/// Waits `ms`, or less if the caller's signal fires (then `Err`).
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), ()> {
    let _ = JsFuture::from(sleep_js(ms, signal)).await;
    if signal.is_some_and(|s| s.aborted()) {
        Err(())
    } else {
        Ok(())
    }
}
