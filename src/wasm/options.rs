//! Reading the argument of the exported functions: a key string, or an options object.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::config::{self, OptionValue, RawOptions, OPTION_NAMES};
use crate::error::{ClientError, ErrorCode};
use crate::messages;

use super::fetch::Fetch;
use super::runtime;

pub struct CallArgs {
    pub raw: RawOptions,
    pub fetch: Fetch,
    pub signal: Option<AbortSignal>,
    /// The `logger` option, checked to have the four methods; `None` logs to `console`.
    pub logger: Option<JsValue>,
}

pub fn read(arg: &JsValue) -> Result<CallArgs, ClientError> {
    let mut raw = RawOptions::default();
    let mut fetch = JsValue::UNDEFINED;
    let mut signal = JsValue::UNDEFINED;
    let mut logger = JsValue::UNDEFINED;
    if let Some(key) = arg.as_string() {
        raw.api_key = OptionValue::Str(key);
    } else if arg.is_object() && !js_sys::Array::is_array(arg) {
        refuse_unknown_names(arg)?;
        let options: &Options = arg.unchecked_ref();
        raw.api_key = field(options.api_key(), "apiKey")?;
        raw.base_url = field(options.base_url(), "baseUrl")?;
        raw.timeout_ms = field(options.timeout_ms(), "timeoutMs")?;
        raw.max_retries = field(options.max_retries(), "maxRetries")?;
        raw.cache_ttl_ms = field(options.cache_ttl_ms(), "cacheTtlMs")?;
        raw.log_level = field(options.log_level(), "logLevel")?;
        logger = property(options.logger(), "logger")?;
        raw.dangerously_allow_browser = field(options.dangerously_allow_browser(), "dangerouslyAllowBrowser")?;
        fetch = property(options.fetch(), "fetch")?;
        signal = property(options.signal(), "signal")?;
    } else if !arg.is_undefined() && !arg.is_null() {
        return Err(invalid("options", "an API key string or an options object", &type_name(arg)));
    }
    Ok(CallArgs { raw, fetch: fetch_function(fetch)?, signal: abort_signal(signal)?, logger: log_target(logger)? })
}

thread_local! {
    /// `OPTION_NAMES` as a JS array, made once: a key is looked up in it without crossing into
    /// wasm memory.
    static NAMES: js_sys::Array = OPTION_NAMES.iter().map(|name| JsValue::from_str(name)).collect();
}

/// Every own property that is not an option, unless its value is `undefined` (not given).
fn refuse_unknown_names(options: &JsValue) -> Result<(), ClientError> {
    let keys = object_keys(options).map_err(|_| invalid("options", "an object whose keys can be listed", "one that threw"))?;
    for key in keys.iter() {
        if NAMES.with(|names| names.includes(&key, 0)) {
            continue;
        }
        if !Reflect::get(options, &key).is_ok_and(|v| v.is_undefined()) {
            return Err(config::unknown_option(&key.as_string().unwrap_or_default()));
        }
    }
    Ok(())
}

fn fetch_function(value: JsValue) -> Result<Fetch, ClientError> {
    if value.is_undefined() || value.is_null() {
        return if runtime::has_global_fetch() {
            Ok(Fetch::Global)
        } else {
            Err(invalid("fetch", "a fetch function, since this runtime has no global fetch", "undefined"))
        };
    }
    let shown = type_name(&value);
    value.dyn_into::<Function>().map(Fetch::Custom).map_err(|_| invalid("fetch", "a function", &shown))
}

/// Anything with the four methods (console, pino, winston, a test's recorder).
fn log_target(value: JsValue) -> Result<Option<JsValue>, ClientError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let has_methods = (value.is_object() || value.is_function())
        && ["debug", "info", "warn", "error"].iter().all(|m| Reflect::get(&value, &JsValue::from_str(m)).is_ok_and(|f| f.is_function()));
    if has_methods {
        Ok(Some(value))
    } else {
        Err(invalid("logger", "an object with debug, info, warn and error methods, such as console", &type_name(&value)))
    }
}

/// Duck-typed rather than `instanceof`, so signals from another realm or a polyfill work.
fn abort_signal(value: JsValue) -> Result<Option<AbortSignal>, ClientError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let looks_right = Reflect::get(&value, &"aborted".into()).is_ok_and(|a| a.as_bool().is_some())
        && Reflect::get(&value, &"addEventListener".into()).is_ok_and(|f| f.is_function());
    if looks_right {
        Ok(Some(value.unchecked_into()))
    } else {
        Err(invalid("signal", "an AbortSignal", &type_name(&value)))
    }
}

// Typed getters: the property names live in the generated JS, so reading an option costs no
// string crossing from wasm memory. `catch`: a getter may throw.
#[wasm_bindgen]
extern "C" {
    /// `catch`: a Proxy's `ownKeys` may throw (js-sys's `Object::keys` does not catch).
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(object: &JsValue) -> Result<js_sys::Array, JsValue>;

    type Options;
    #[wasm_bindgen(method, getter = apiKey, catch)]
    fn api_key(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = baseUrl, catch)]
    fn base_url(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = timeoutMs, catch)]
    fn timeout_ms(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = maxRetries, catch)]
    fn max_retries(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = cacheTtlMs, catch)]
    fn cache_ttl_ms(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = logLevel, catch)]
    fn log_level(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn logger(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = dangerouslyAllowBrowser, catch)]
    fn dangerously_allow_browser(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn fetch(this: &Options) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn signal(this: &Options) -> Result<JsValue, JsValue>;
}

fn property(read: Result<JsValue, JsValue>, name: &str) -> Result<JsValue, ClientError> {
    read.map_err(|_| invalid(name, "readable", "a getter that threw"))
}

/// `null` counts as not given, like `undefined`.
fn field(read: Result<JsValue, JsValue>, name: &str) -> Result<OptionValue, ClientError> {
    let value = property(read, name)?;
    Ok(if value.is_undefined() || value.is_null() {
        OptionValue::Absent
    } else if let Some(s) = value.as_string() {
        OptionValue::Str(s)
    } else if let Some(n) = value.as_f64() {
        OptionValue::Number(n)
    } else if let Some(b) = value.as_bool() {
        OptionValue::Bool(b)
    } else {
        OptionValue::Other(static_type_name(&value))
    })
}

fn static_type_name(value: &JsValue) -> &'static str {
    if value.is_function() {
        "a function"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_object() {
        "an object"
    } else if value.is_bigint() {
        "a bigint"
    } else if value.is_symbol() {
        "a symbol"
    } else {
        "an unsupported value"
    }
}

fn type_name(value: &JsValue) -> String {
    match value {
        v if v.as_string().is_some() => "a string".into(),
        v if v.as_f64().is_some() => "a number".into(),
        v if v.as_bool().is_some() => "a boolean".into(),
        v => static_type_name(v).into(),
    }
}

fn invalid(name: &str, expected: &str, got: &str) -> ClientError {
    ClientError::new(ErrorCode::InvalidOption, messages::invalid_option(name, expected, got))
}
