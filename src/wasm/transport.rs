//! The one place that calls `fetch`, and the timers around it.
//!
//! The request init sets only method, headers, redirect and signal: workerd throws on
//! unsupported `cache` values and on `redirect: 'error'`, so redirects are refused with
//! `'manual'` (Node then returns the real 3xx, browsers an `opaqueredirect` with status 0).
//! Timers and listeners are bound JS functions, not Rust closures, so nothing Rust-owned can be
//! called after it is dropped.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Array, Function, JsString, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::attempt::Outcome;
use crate::config::Config;
use crate::status;

use super::runtime::{clear_timeout, set_timeout};

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

/// Cancels the timer and detaches from the caller's signal however the attempt ends.
struct Cleanup<'a> {
    timer: Option<JsValue>,
    listener: Option<(&'a AbortSignal, Function)>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            let _ = clear_timeout(&timer);
        }
        if let Some((signal, listener)) = self.listener.take() {
            on_abort_remove(signal, &listener);
        }
    }
}

pub async fn attempt(fetch: &Function, config: &Config, signal: Option<&AbortSignal>) -> Attempt {
    let controller = match AbortController::new() {
        Ok(c) => c,
        Err(e) => return failed(Some("AbortController is unavailable".into()), e),
    };
    let abort = match controller.unchecked_ref::<Controller>().abort_method() {
        Ok(f) => f.bind0(&controller),
        Err(e) => return failed(Some("AbortController.abort is unavailable".into()), e),
    };
    let mut cleanup = Cleanup { timer: None, listener: None };
    if let Some(signal) = signal {
        if on_abort(signal, &abort).is_ok() {
            cleanup.listener = Some((signal, abort.clone()));
        }
    }
    cleanup.timer = set_timeout(&abort, config.timeout_ms).ok();

    // Settles when the controller aborts, so a timeout or the caller's signal ends the attempt
    // even when a custom fetch (or a body stream) ignores the signal.
    let gate = Promise::new(&mut |resolve, _reject| {
        let _ = on_abort(&controller.signal(), &resolve);
    });
    let rejected = |error: JsValue| classify_rejection(error, &controller, signal);
    let request = fetch.call2(&js_sys::global(), &config.me_url.as_str().into(), &request_init(config, &controller.signal()));
    let response = match request {
        Ok(value) => match until_aborted(value, &gate, &controller).await {
            Ok(response) => response,
            Err(error) => return rejected(error),
        },
        Err(error) => return rejected(error),
    };
    let response: ResponseLike = response.unchecked_into();
    let Some(status) = status_of(&response) else {
        return failed(Some("fetch did not resolve to a Response".into()), response.into());
    };
    let headers = response.headers().ok();
    let request_id = headers.as_ref().and_then(|h| X_REQUEST_ID.with(|name| h.get(name).ok()?.as_string()));
    let retry_after = headers.as_ref().and_then(|h| RETRY_AFTER.with(|name| h.get(name).ok()?.as_string()));
    // A redirect's body is never read: it is not ours to trust, and browsers hide it anyway.
    let (body, from_js) = if status::is_redirect(status) {
        (String::new(), FromJs::Nothing)
    } else {
        match read_body(&response, &gate, &controller).await {
            Ok((body, bytes)) => (body, FromJs::Body(bytes)),
            Err(error) => return rejected(error),
        }
    };
    Attempt::Done { outcome: Outcome::Response { status, body, request_id, retry_after }, from_js }
}

/// Waits `ms`, or less if the caller's signal fires (then `Err`).
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), ()> {
    let mut cleanup = Cleanup { timer: None, listener: None };
    let wait = Promise::new(&mut |resolve, _reject| {
        cleanup.timer = set_timeout(&resolve, ms).ok();
        if cleanup.timer.is_none() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
        if let Some(signal) = signal {
            if on_abort(signal, &resolve).is_ok() {
                cleanup.listener = Some((signal, resolve));
            }
        }
    });
    let _ = JsFuture::from(wait).await;
    drop(cleanup);
    if signal.is_some_and(|s| s.aborted()) {
        Err(())
    } else {
        Ok(())
    }
}

// The request init and the response, through typed accessors and strings created once in
// JS: building and reading them costs no property-name crossings per call.
#[wasm_bindgen]
extern "C" {
    type Init;
    #[wasm_bindgen(method, setter = method)]
    fn set_method(this: &Init, value: &JsString);
    #[wasm_bindgen(method, setter = headers)]
    fn set_headers(this: &Init, value: &Headers);
    #[wasm_bindgen(method, setter = redirect)]
    fn set_redirect(this: &Init, value: &JsString);
    #[wasm_bindgen(method, setter = signal)]
    fn set_signal(this: &Init, value: &AbortSignal);

    type Headers;
    #[wasm_bindgen(method, setter = Authorization)]
    fn set_authorization(this: &Headers, value: &str);
    #[wasm_bindgen(method, setter = Accept)]
    fn set_accept(this: &Headers, value: &JsString);

    type ResponseLike;
    #[wasm_bindgen(method, getter, catch)]
    fn status(this: &ResponseLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn headers(this: &ResponseLike) -> Result<ResponseHeaders, JsValue>;
    #[wasm_bindgen(method, js_name = arrayBuffer, catch)]
    fn array_buffer(this: &ResponseLike) -> Result<JsValue, JsValue>;

    type ResponseHeaders;
    #[wasm_bindgen(method, catch)]
    fn get(this: &ResponseHeaders, name: &JsString) -> Result<JsValue, JsValue>;

    type Controller;
    #[wasm_bindgen(method, getter = abort, catch)]
    fn abort_method(this: &Controller) -> Result<Function, JsValue>;

    /// An AbortSignal as an event target, with the event name passed as a JS string.
    type Target;
    #[wasm_bindgen(method, js_name = addEventListener, catch)]
    fn add_listener(this: &Target, kind: &JsString, listener: &Function) -> Result<(), JsValue>;
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_listener(this: &Target, kind: &JsString, listener: &Function);

    #[wasm_bindgen(thread_local_v2, static_string)]
    static ABORT: JsString = "abort";
    #[wasm_bindgen(thread_local_v2, static_string)]
    static GET: JsString = "GET";
    #[wasm_bindgen(thread_local_v2, static_string)]
    static MANUAL: JsString = "manual";
    #[wasm_bindgen(thread_local_v2, static_string)]
    static APPLICATION_JSON: JsString = "application/json";
    #[wasm_bindgen(thread_local_v2, static_string)]
    static X_REQUEST_ID: JsString = "x-request-id";
    #[wasm_bindgen(thread_local_v2, static_string)]
    static RETRY_AFTER: JsString = "retry-after";
}

fn on_abort(signal: &AbortSignal, listener: &Function) -> Result<(), JsValue> {
    ABORT.with(|name| signal.unchecked_ref::<Target>().add_listener(name, listener))
}

fn on_abort_remove(signal: &AbortSignal, listener: &Function) {
    ABORT.with(|name| signal.unchecked_ref::<Target>().remove_listener(name, listener));
}

fn request_init(config: &Config, signal: &AbortSignal) -> Init {
    let headers: Headers = Object::new().unchecked_into();
    headers.set_authorization(&["Bearer ", config.key.expose()].concat());
    APPLICATION_JSON.with(|v| headers.set_accept(v));
    let init: Init = Object::new().unchecked_into();
    GET.with(|v| init.set_method(v));
    init.set_headers(&headers);
    MANUAL.with(|v| init.set_redirect(v));
    init.set_signal(signal);
    init
}

fn classify_rejection(error: JsValue, controller: &AbortController, signal: Option<&AbortSignal>) -> Attempt {
    if signal.is_some_and(|s| s.aborted()) {
        Attempt::Aborted
    } else if controller.signal().aborted() {
        Attempt::Done { outcome: Outcome::TimedOut, from_js: FromJs::Nothing }
    } else {
        failed(describe(&error), error)
    }
}

fn failed(detail: Option<String>, cause: JsValue) -> Attempt {
    let from_js = if cause.is_undefined() { FromJs::Nothing } else { FromJs::Cause(cause) };
    Attempt::Done { outcome: Outcome::NetworkFailure { detail }, from_js }
}

/// A short description of a fetch rejection: Node's is always "fetch failed" and hides the
/// useful part in `cause` (`ECONNREFUSED`, "bad port"); browsers only give a message.
fn describe(error: &JsValue) -> Option<String> {
    let get = |v: &JsValue, k: &str| Reflect::get(v, &k.into()).ok().and_then(|x| x.as_string());
    let cause = Reflect::get(error, &"cause".into()).ok().filter(JsValue::is_object);
    let text = cause
        .as_ref()
        .and_then(|c| get(c, "code").or_else(|| get(c, "message")))
        .or_else(|| get(error, "message"))?;
    let short: String = text.chars().filter(|c| !c.is_control()).take(120).collect();
    (!short.is_empty()).then_some(short)
}

fn status_of(response: &ResponseLike) -> Option<u16> {
    let status = response.status().ok()?.as_f64()?;
    ((0.0..=999.0).contains(&status) && status == f64::from(status as u16)).then_some(status as u16)
}

/// The body as a Rust string (to check) and as the bytes it came from (for JS to decode and
/// parse when the body is used as it is). Bytes rather than `text()`: one memory copy into
/// wasm instead of a string re-encoded character by character. A body that is not UTF-8 reads
/// as a lone U+FFFD: no JSON, no server message (a lossy decode would cost 4 KB of wasm).
async fn read_body(response: &ResponseLike, gate: &Promise, controller: &AbortController) -> Result<(String, Uint8Array), JsValue> {
    let buffer = until_aborted(response.array_buffer()?, gate, controller).await?;
    let bytes = Uint8Array::new(&buffer);
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| String::from("\u{FFFD}"));
    Ok((text, bytes))
}

/// Awaits `work` unless the controller aborts first; after an abort the result is ignored.
async fn until_aborted(work: JsValue, gate: &Promise, controller: &AbortController) -> Result<JsValue, JsValue> {
    let raced = Promise::race(&Array::of2(&Promise::resolve(&work), gate));
    let result = JsFuture::from(raced).await;
    if controller.signal().aborted() {
        return Err(result.err().unwrap_or(JsValue::UNDEFINED));
    }
    result
}
