//! One HTTP attempt through web-sys's fetch types: a `RequestInit` (method, headers, redirect,
//! signal, and nothing else: workerd throws on options it does not support), the global `fetch`
//! or the caller's, and the `Response` read for its status, two headers and the body's bytes,
//! all of it raced once against the attempt's `Deadline`. The core settles what came back.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, RequestRedirect, Response};

use crate::errors::{messages, ClientError};
use crate::js_runtime::{self as runtime, property as get};
use crate::options::config::{self, Config, OptionValue};
use crate::options::js_value::field;
use crate::request::attempt::{Outcome, Unread};
use crate::request::js_deadline::{Deadline, Stop};
use crate::request::status;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, bound as reqwest's wasm backend binds it: Node, Deno, Bun, workers
    /// and edge runtimes have no `window`. `catch`: fetch may throw instead of rejecting.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;

    /// Whatever fetch resolved to, before it is known to be a `Response`. `catch`: reading a
    /// property of `undefined` throws.
    type Resolved;
    #[wasm_bindgen(method, getter, catch)]
    fn status(this: &Resolved) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn body(this: &Resolved) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = bodyUsed, catch)]
    fn body_used(this: &Resolved) -> Result<JsValue, JsValue>;

    /// A response's body stream, only ever cancelled here.
    type Body;
    #[wasm_bindgen(method, catch)]
    fn cancel(this: &Body) -> Result<JsValue, JsValue>;

    /// `Headers#get` and `RequestInit`'s method, given JS strings made once (`NAMES`): web-sys's
    /// take `&str`, decoded from wasm memory on every attempt.
    type ResponseHeaders;
    #[wasm_bindgen(method, catch)]
    fn get(this: &ResponseHeaders, name: &JsValue) -> Result<Option<String>, JsValue>;
    type Init;
    #[wasm_bindgen(method, setter)]
    fn set_method(this: &Init, method: &JsValue);
}

/// The JS value behind an outcome, never both: the error behind a failure, or the body.
pub enum FromJs {
    Nothing,
    Cause(JsValue),
    Body(Uint8Array),
}

impl FromJs {
    /// A rejection's value as the error's `cause`; `undefined` is none.
    fn cause(value: JsValue) -> FromJs {
        if value.is_undefined() {
            FromJs::Nothing
        } else {
            FromJs::Cause(value)
        }
    }
}

/// Which `fetch` performs the request.
#[derive(Clone)]
pub enum Fetch {
    Global,
    /// The caller's `fetch` option, called with the same two arguments.
    Custom(Function),
}

impl Fetch {
    /// The `fetch` option: a function, or the global `fetch` when not given.
    pub fn from_option(value: JsValue) -> Result<Fetch, ClientError> {
        if value.is_undefined() || value.is_null() {
            return if runtime::has_global_fetch() {
                Ok(Fetch::Global)
            } else {
                Err(config::invalid("fetch", messages::EXPECTED_FETCH_WITHOUT_GLOBAL, &OptionValue::Absent))
            };
        }
        let shown = field(value.clone());
        value.dyn_into::<Function>().map(Fetch::Custom).map_err(|_| config::invalid("fetch", messages::EXPECTED_FETCH, &shown))
    }

    fn send(&self, url: &str, init: &RequestInit) -> Result<Promise, JsValue> {
        match self {
            Fetch::Global => global_fetch(url, init),
            // `resolve`: a custom fetch may return a value or a thenable rather than a Promise.
            Fetch::Custom(f) => f.call2(&js_sys::global(), &JsValue::from_str(url), init).map(|v| Promise::resolve(&v)),
        }
    }
}

pub enum Attempt {
    /// What the core settles, with the JS values behind it: the error behind a failure (for
    /// `cause`), the body's bytes as JavaScript holds them (for `JSON.parse`).
    Done { outcome: Outcome, from_js: FromJs },
    /// The caller's signal fired.
    Aborted,
}

/// One `AbortController` per attempt, never reused: workerd binds a signal to the request that
/// made it, and a later request's fetch with a reused one hangs (BENCHMARKS.md).
pub async fn attempt(fetch: &Fetch, config: &Config, signal: Option<&AbortSignal>) -> Attempt {
    let controller = match AbortController::new() {
        Ok(controller) => controller,
        Err(cause) => return failed(cause, None),
    };
    let init = request_init(config, &controller.signal());
    let mut deadline = Deadline::start(config.timeout_ms, signal, Some(controller));
    let sent = match fetch.send(&config.me_url, &init) {
        Ok(sent) => sent,
        Err(cause) => return failed(cause, None),
    };
    // One promise for headers and body, so the attempt awaits (and races its deadline) once.
    let with_body: Promise = WITH_BODY.with(|read| sent.then_map(read).unchecked_into());
    let pair: Array = match finish(with_body, &deadline).await {
        Ok(pair) => pair.unchecked_into(),
        Err(ended) => return ended,
    };
    deadline.finished();
    let (response, buffer) = (pair.get(0), pair.get(1));
    let Some(status) = status_of(&response) else {
        return failed(response, Some("fetch did not resolve to a Response".into()));
    };
    let response: Response = response.unchecked_into();
    let headers: ResponseHeaders = response.headers().unchecked_into();
    let (request_id, retry_after) =
        NAMES.with(|names| (header(&headers, &names[Name::RequestId as usize]), header(&headers, &names[Name::RetryAfter as usize])));
    let (body, unread, from_js) = if buffer.is_undefined() {
        (Vec::new(), None, FromJs::Nothing)
    } else if Array::is_array(&buffer) {
        unread_body(buffer.unchecked_into())
    } else {
        let bytes = Uint8Array::new(&buffer);
        (bytes.to_vec(), None, FromJs::Body(bytes))
    };
    Attempt::Done { outcome: Outcome::Response { status, body, request_id, retry_after, unread }, from_js }
}

/// WITH_BODY's word for a body it could not read: `[]` for one read before, `[error]` for a read
/// that failed (whose error becomes the `cause`).
#[cold]
fn unread_body(marker: Array) -> (Vec<u8>, Option<Unread>, FromJs) {
    if marker.length() == 0 {
        return (Vec::new(), Some(Unread::AlreadyRead), FromJs::Nothing);
    }
    let cause = marker.get(0);
    (Vec::new(), Some(Unread::Failed { detail: describe(&cause) }), FromJs::cause(cause))
}

thread_local! {
    /// Chained after every fetch: `[what fetch resolved to, its body as an ArrayBuffer]`. A
    /// redirect's body is never read (it is not ours to trust, and browsers hide it) but
    /// cancelled, so the connection is let go now rather than when the response is collected
    /// (undici); anything that is not a response has no body. Those come with `undefined`. A body
    /// that cannot be read comes as an array (`unread_body`), so the status that did arrive is
    /// kept. One callback for every attempt: a closure per attempt costs more than the chaining
    /// saves.
    static WITH_BODY: Closure<dyn FnMut(JsValue) -> Result<JsValue, JsError>> = Closure::new(|resolved: JsValue| {
        let body = match status_of(&resolved) {
            None => JsValue::UNDEFINED,
            Some(status) if status::is_redirect(status) => {
                cancel_body(&resolved);
                JsValue::UNDEFINED
            }
            Some(_) if resolved.unchecked_ref::<Resolved>().body_used().ok().and_then(|used| used.as_bool()) == Some(true) => Array::new().into(),
            Some(_) => match resolved.unchecked_ref::<Response>().array_buffer() {
                Ok(read) => UNREADABLE.with(|unreadable| read.catch_map(unreadable)).into(),
                Err(error) => Array::of1(&error).into(),
            },
        };
        Ok(Promise::all(&Array::of2(&resolved, &body)).into())
    });

    /// A body read that rejected: its error, wrapped for `unread_body`.
    static UNREADABLE: Closure<dyn FnMut(JsValue) -> Result<JsValue, JsError>> = Closure::new(|error: JsValue| Ok(Array::of1(&error).into()));
    /// Handles a cancelled body's promise, which nothing else awaits: a rejection (a stream
    /// already locked) is nothing to report.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

/// Cancels the body of a response that is not read. A `null` body (an `opaqueredirect`), or one
/// that is not a stream, has nothing to cancel.
fn cancel_body(response: &JsValue) {
    let Ok(body) = response.unchecked_ref::<Resolved>().body() else { return };
    if !body.is_object() {
        return;
    }
    if let Ok(cancelled) = body.unchecked_ref::<Body>().cancel() {
        // `resolve`: a duck-typed body's `cancel` may return anything.
        IGNORE.with(|ignore| {
            let _ = Promise::resolve(&cancelled).catch(ignore);
        });
    }
}

/// The strings every attempt passes to JS, by their index in `NAMES`.
enum Name {
    Authorization,
    Accept,
    Json,
    Get,
    RequestId,
    RetryAfter,
}

thread_local! {
    /// Made once: each would otherwise be decoded from wasm memory on every attempt.
    static NAMES: [JsValue; 6] = ["Authorization", "Accept", "application/json", "GET", "x-request-id", "retry-after"].map(JsValue::from_str);
}

fn request_init(config: &Config, signal: &AbortSignal) -> RequestInit {
    // A plain object, not `Headers`: what a custom fetch receives reads like any fetch call.
    let headers = Object::new();
    let authorization = ["Bearer ", config.key.expose()].concat();
    let init = RequestInit::new();
    NAMES.with(|names| {
        let _ = Reflect::set(&headers, &names[Name::Authorization as usize], &authorization.into());
        let _ = Reflect::set(&headers, &names[Name::Accept as usize], &names[Name::Json as usize]);
        init.unchecked_ref::<Init>().set_method(&names[Name::Get as usize]);
    });
    init.set_headers(&headers);
    // Refused redirects without `redirect: 'error'`, which workerd and Vercel Edge throw on:
    // Node then returns the real 3xx, browsers an `opaqueredirect` with status 0.
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(signal));
    init
}

/// The promise's value, unless the deadline stopped first.
async fn finish(promise: Promise, deadline: &Deadline) -> Result<JsValue, Attempt> {
    let settled = JsFuture::from(Promise::race(&Array::of2(&promise, deadline.stopped()))).await;
    match (deadline.stop(), settled) {
        (Some(Stop::Aborted), _) => Err(Attempt::Aborted),
        (Some(Stop::Elapsed), _) => Err(Attempt::Done { outcome: Outcome::TimedOut, from_js: FromJs::Nothing }),
        (None, Ok(value)) => Ok(value),
        (None, Err(cause)) => Err(failed(cause, None)),
    }
}

fn failed(cause: JsValue, detail: Option<String>) -> Attempt {
    let detail = detail.or_else(|| describe(&cause));
    Attempt::Done { outcome: Outcome::NetworkFailure { detail }, from_js: FromJs::cause(cause) }
}

/// Duck-typed, so a polyfilled or cross-realm `Response` works; anything without a status in
/// 0..=999 is not a response.
fn status_of(response: &JsValue) -> Option<u16> {
    let status = response.unchecked_ref::<Resolved>().status().ok()?.as_f64()?;
    (status.fract() == 0.0 && (0.0..=999.0).contains(&status)).then_some(status as u16)
}

fn header(headers: &ResponseHeaders, name: &JsValue) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// Node's fetch rejects with "fetch failed" and keeps the useful part in `cause` (ECONNREFUSED,
/// "bad port"); browsers only give a message. The core cleans and redacts it.
fn describe(error: &JsValue) -> Option<String> {
    let text = |v: Option<JsValue>| v.and_then(|v| v.as_string());
    let from_cause = get(error, "cause").filter(JsValue::is_object).and_then(|c| text(get(&c, "code")).or_else(|| text(get(&c, "message"))));
    from_cause.or_else(|| text(get(error, "message")))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::pin;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};

    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::options::config::{self, Environment, OptionValue, RawOptions};

    /// Cancellation follows ownership: a call's future dropped while its fetch is pending (a
    /// `select`, a timeout around it) aborts that fetch rather than leaving it running.
    #[wasm_bindgen_test]
    fn a_dropped_attempt_aborts_its_fetch() {
        let seen: Rc<RefCell<Option<AbortSignal>>> = Rc::default();
        let keep = Rc::clone(&seen);
        let never_answers = Closure::<dyn FnMut(JsValue, JsValue) -> Promise>::new(move |_url: JsValue, init: JsValue| {
            *keep.borrow_mut() = Reflect::get(&init, &"signal".into()).ok().map(JsCast::unchecked_into);
            Promise::new(&mut |_, _| {})
        });
        let fetch = Fetch::Custom(never_answers.as_ref().unchecked_ref::<Function>().clone());
        let raw = RawOptions {
            api_key: OptionValue::Str("osapi_test_dropped_attempt".into()),
            base_url: OptionValue::Str("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        let config = config::resolve(raw, Environment::default()).unwrap();
        {
            let mut pending = pin!(attempt(&fetch, &config, None));
            assert!(matches!(pending.as_mut().poll(&mut Context::from_waker(Waker::noop())), Poll::Pending));
        }
        let signal = seen.borrow().clone().expect("the fetch was called with a signal");
        assert!(signal.aborted(), "the dropped attempt left its fetch running");
    }
}
