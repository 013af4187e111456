//! Reading what a call is given: the argument of the exported functions (a key string, or an
//! options object) and the environment variables it leaves to the runtime. The `fetch` and
//! `cacheStore` options come out as they were given: their rooms read them
//! (`request::js_fetch`, `cache::js_store`).

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};
use crate::js_runtime::{self as runtime, Var};
use crate::options::config::{self, Environment, OptionValue, RawOptions, OPTION_NAMES};
use crate::options::js_value::field;

pub struct CallArgs {
    /// The options as given; `cache_store`'s shape is the store reader's to fill in.
    pub raw: RawOptions,
    /// The `fetch` option as given (`Fetch::from_option` reads it).
    pub fetch: JsValue,
    pub signal: Option<AbortSignal>,
    /// The `logger` option, checked to have the four methods; `None` logs to `console`.
    pub logger: Option<JsValue>,
    /// The `cacheStore` option as given (`Store::read` reads it).
    pub cache_store: JsValue,
}

pub fn read(arg: &JsValue) -> Result<CallArgs, ClientError> {
    let mut raw = RawOptions::default();
    let [mut fetch, mut signal, mut logger, mut cache_store_given] = [JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED];
    if let Some(key) = arg.as_string() {
        raw.api_key = OptionValue::Str(key);
    } else if arg.is_object() && !js_sys::Array::is_array(arg) {
        refuse_unknown_names(arg)?;
        // In OPTION_NAMES's order.
        let [api_key, base_url, timeout_ms, max_retries, cache_ttl_ms, cache_store, stale_if_error_ms, log_level, log_to, fetch_with, signal_from, allow_browser] =
            read_all(arg)?;
        raw = RawOptions {
            api_key: field(api_key),
            base_url: field(base_url),
            timeout_ms: field(timeout_ms),
            max_retries: field(max_retries),
            cache_ttl_ms: field(cache_ttl_ms),
            cache_store: config::StoreShape::Absent,
            stale_if_error_ms: field(stale_if_error_ms),
            log_level: field(log_level),
            dangerously_allow_browser: field(allow_browser),
        };
        (fetch, signal, logger, cache_store_given) = (fetch_with, signal_from, log_to, cache_store);
    } else if !arg.is_undefined() && !arg.is_null() {
        return Err(config::invalid("options", messages::EXPECTED_OPTIONS, &field(arg.clone())));
    }
    Ok(CallArgs { raw, fetch, signal: abort_signal(signal)?, logger: log_target(logger)?, cache_store: cache_store_given })
}

/// Reads only the variables the caller did not give as options: `process.env` is slow to read
/// in Node, and a key given is a key that needs no lookup.
pub fn environment(need_key: bool, need_base_url: bool, need_log_level: bool) -> Environment {
    Environment {
        api_key: if need_key { runtime::env_var(Var::ApiKey) } else { None },
        base_url: if need_base_url { runtime::env_var(Var::BaseUrl) } else { None },
        log_level: if need_log_level { runtime::env_var(Var::Log) } else { None },
        is_browser_page: runtime::is_browser_page(),
    }
}

/// Every option, read in `OPTION_NAMES`'s order with one `Reflect.get` (a getter may have
/// effects, or throw): one call site rather than a binding per option, and on a throw one drop
/// of what was read rather than a copy of the drops per option.
fn read_all(options: &JsValue) -> Result<[JsValue; OPTION_NAMES.len()], ClientError> {
    let mut values: [JsValue; OPTION_NAMES.len()] = Default::default();
    for (i, value) in values.iter_mut().enumerate() {
        *value = NAME_VALUES
            .with(|names| Reflect::get(options, &names[i]))
            .map_err(|_| refused(OPTION_NAMES[i], messages::EXPECTED_READABLE, messages::GOT_THROWING_GETTER))?;
    }
    Ok(values)
}

thread_local! {
    /// `OPTION_NAMES` as JS strings, and as a JS array, made once: options are read, and keys
    /// looked up, without a name crossing from wasm memory.
    static NAME_VALUES: [JsValue; OPTION_NAMES.len()] = OPTION_NAMES.map(JsValue::from_str);
    static NAMES: js_sys::Array = NAME_VALUES.with(|names| names.iter().collect());
}

/// Every own property that is not an option, unless its value is `undefined` (not given).
fn refuse_unknown_names(options: &JsValue) -> Result<(), ClientError> {
    let keys = object_keys(options).map_err(|_| refused("options", messages::EXPECTED_LISTABLE, messages::GOT_THROWING_KEYS))?;
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
        Err(config::invalid("logger", messages::EXPECTED_LOGGER, &field(value)))
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
        Err(config::invalid("signal", messages::EXPECTED_SIGNAL, &field(value)))
    }
}

#[wasm_bindgen]
extern "C" {
    /// `catch`: a Proxy's `ownKeys` may throw (js-sys's `Object::keys` does not catch).
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(object: &JsValue) -> Result<js_sys::Array, JsValue>;

}

/// An options object the boundary could not read at all (no value to name).
fn refused(name: &str, expected: &str, got: &str) -> ClientError {
    ClientError::new(ErrorCode::InvalidOption, messages::invalid_option(name, expected, got))
}
