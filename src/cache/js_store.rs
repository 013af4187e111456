//! The `cacheStore` calls: `get`, and `set` or KV's `put`, each bounded by
//! `store::TIMEOUT_MS`, and the shared request's work with a store around it. What a value
//! means and what is written is `crate::cache::stored`'s; a store that throws, rejects or does not
//! answer in time is skipped, never an outage, and warned about once until it works again.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::body::js_result::ResultForJs;
use crate::cache::js_cache::Outcome;
use crate::cache::policy as cache;
use crate::cache::stored::{self as store, Stored};
use crate::errors::messages;
use crate::log::js_logger::Log;
use crate::log::lines::{self as log, Level, StoreFailure};
use crate::options::config::Slot;
use crate::options::config::{Config, StoreShape};
use crate::request::js_deadline::{Deadline, Stop};
use crate::request::js_fetch::Fetch;

/// The `cacheStore` option: the user's object and which of the two shapes it has.
#[derive(Clone)]
pub struct Store {
    target: JsValue,
    shape: StoreShape,
}

thread_local! {
    /// Whether this module instance has warned that its store fails (reset once it works).
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

impl Store {
    /// The shape of `value` (for `config::resolve` to judge), and the store if it is one.
    pub fn read(value: JsValue) -> (StoreShape, Option<Store>) {
        if value.is_undefined() || value.is_null() {
            return (StoreShape::Absent, None);
        }
        if !value.is_object() && !value.is_function() {
            return (StoreShape::NotAnObject(crate::options::js_value::field(value)), None);
        }
        let has = |name: &str| Reflect::get(&value, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
        let shape = match (has("get"), has("set"), has("put")) {
            (true, true, _) => StoreShape::GetSet,
            (true, false, true) => StoreShape::Kv,
            (false, _, _) => StoreShape::Other(messages::STORE_WITHOUT_GET),
            (true, false, false) => StoreShape::Other(messages::STORE_WITHOUT_SET),
        };
        let store = matches!(shape, StoreShape::GetSet | StoreShape::Kv).then(|| Store { target: value, shape: shape.clone() });
        (shape, store)
    }

    async fn get(&self, key: &str) -> Result<JsValue, StoreFailure> {
        self.call("get", &[JsValue::from_str(key)]).await
    }

    /// `set(key, value, ttlMs)`, or KV's `put(key, value, { expirationTtl })`.
    async fn set(&self, key: &str, value: &JsString, ttl_ms: f64) -> Result<(), StoreFailure> {
        let key = JsValue::from_str(key);
        let written = match self.shape {
            StoreShape::Kv => {
                let options = Object::new();
                let _ = Reflect::set(&options, &JsValue::from_str("expirationTtl"), &JsValue::from_f64(store::kv_expiration_ttl(ttl_ms)));
                self.call("put", &[key, value.into(), options.into()]).await
            }
            _ => self.call("set", &[key, value.into(), JsValue::from_f64(ttl_ms)]).await,
        };
        written.map(drop)
    }

    /// Calls a method of the store and waits for its value or promise, at most `TIMEOUT_MS`.
    async fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue, StoreFailure> {
        let function = Reflect::get(&self.target, &JsValue::from_str(method)).map_err(|_| StoreFailure::Threw)?;
        let function = function.dyn_into::<Function>().map_err(|_| StoreFailure::Threw)?;
        let args: Array = args.iter().collect();
        let returned = function.apply(&self.target, &args).map_err(|_| StoreFailure::Threw)?;
        let deadline = Deadline::start(store::TIMEOUT_MS, None, None);
        let answered = JsFuture::from(Promise::race(&Array::of2(&Promise::resolve(&returned), deadline.stopped()))).await;
        match (deadline.stop(), answered) {
            (Some(Stop::Elapsed), _) => Err(StoreFailure::TimedOut(store::TIMEOUT_MS)),
            (_, Ok(value)) => Ok(value),
            (_, Err(_)) => Err(StoreFailure::Threw),
        }
    }
}

/// Reports how a store call went: the first failure is warned about (to `warn`, whatever the
/// level: a store silently gone multiplies requests to the API), then nothing until it works.
fn note<T>(result: Result<T, StoreFailure>, log: &Log) -> Option<T> {
    match result {
        Ok(value) => {
            WARNED.with(|warned| warned.set(false));
            Some(value)
        }
        Err(failure) => {
            if !WARNED.with(|warned| warned.replace(true)) {
                log.warn_anyway(&log::store_failed(failure));
            }
            None
        }
    }
}

/// The shared request's work with a store: its value if it holds one for this call, else the
/// API's answer, which is then written for the other instances (unless the read just failed:
/// a store that is down costs a call one timeout, not two). Also returns when the result
/// dates from, for the memory cache.
pub async fn call(store: &Store, slot: &Slot, config: &Config, fetch: &Fetch, signal: &AbortSignal, log: &Log) -> (Outcome, f64) {
    let key = store::key(slot);
    let hint = config.key.hint();
    let read = note(store.get(&key).await, log);
    if let Some(value) = &read {
        let text = value.as_string();
        let now = js_sys::Date::now();
        match store::read(text.as_deref(), config.cache_ttl_ms, now) {
            Stored::Result { body, text, stored_ms, age_ms } => {
                log.write(Level::Info, || log::store_hit(hint.as_deref(), age_ms));
                return (Ok(Rc::new(ResultForJs::stored(body, text))), stored_ms);
            }
            Stored::RateLimited { until_ms } => {
                let seconds_left = ((until_ms - now) / 1000.0).ceil();
                log.write(Level::Info, || log::held_back(hint.as_deref(), seconds_left));
                return (Err(cache::held_back(&config.key, seconds_left).into()), now);
            }
            Stored::Invalid => log.write(Level::Warn, || log::store_invalid(hint.as_deref())),
            Stored::Miss => {}
        }
    }
    let outcome = crate::request::js_retry_loop::run(config, fetch, Some(signal), log).await.map(Rc::new);
    let now = js_sys::Date::now();
    if read.is_some() {
        let write = match &outcome {
            Ok(me) => me.stored_text().ok().map(|text| (JsString::from(store::result_head(now)).concat(&text), config.cache_ttl_ms)),
            Err(failure) => store::after_failure(&failure.error, config.cache_ttl_ms, now).map(|(value, ttl)| (JsString::from(value), ttl)),
        };
        if let Some((value, ttl_ms)) = write {
            note(store.set(&key, &value, ttl_ms).await, log);
        }
    }
    (outcome, now)
}
