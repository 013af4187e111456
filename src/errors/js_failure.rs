//! `ClientError` to an instance of the JS class in `js/errors.js`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::errors::ClientError;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(class_name: &str, message: &str, details: &Object) -> JsValue;
    #[wasm_bindgen(js_name = errorClass)]
    fn error_class_js(class_name: &str) -> JsValue;
}

/// The class object for a class name, so Rust tests can check `instanceof` against the very
/// classes the package exports.
pub fn error_class(class_name: &str) -> JsValue {
    error_class_js(class_name)
}

/// Out of line: a call that succeeds never runs (so never compiles) it.
#[cold]
#[inline(never)]
pub fn to_js(error: &ClientError, cause: Option<&JsValue>) -> JsValue {
    let details = Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = Reflect::set(&details, &name.into(), &value);
    };
    let opt_str = |v: &Option<String>| v.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
    set("code", error.code.as_str().into());
    set("status", error.status.map_or(JsValue::UNDEFINED, JsValue::from));
    set("retryable", error.code.retryable().into());
    set("attempts", error.attempts.into());
    set("serverMessage", opt_str(&error.server_message));
    set("requestId", opt_str(&error.request_id));
    set("retryAfter", error.retry_after.map_or(JsValue::UNDEFINED, JsValue::from_f64));
    set("keyHint", opt_str(&error.key_hint));
    // Only on the errors they describe (unauthorized, invalid_response).
    if let Some(maybe) = error.maybe_platform_key {
        set("maybePlatformKey", maybe.into());
    }
    if error.problem.is_some() {
        set("problem", opt_str(&error.problem));
    }
    if let Some(cause) = cause {
        set("cause", cause.clone());
    }
    create_error(error.kind().class_name(), &error.message, &details)
}

/// A call's error before it becomes a JS object: one `Failure` of a shared request becomes a
/// separate error object for each caller waiting on it.
#[derive(Clone)]
pub struct Failure {
    pub error: ClientError,
    /// The JS error behind it (`err.cause`), if any.
    pub cause: Option<JsValue>,
}

impl Failure {
    pub fn to_js(&self) -> JsValue {
        to_js(&self.error, self.cause.as_ref())
    }
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        Failure { error, cause: None }
    }
}
