//! The `cacheStore` calls, each only as the store's own contract says (`crate::cache::clients`
//! decides which store it is), each bounded by `stored::TIMEOUT_MS`. A store that throws,
//! rejects or does not answer in time is skipped for a back-off (`crate::cache::backoff`), never
//! an outage, and warned about once per store and operation until it works again.

use std::cell::RefCell;

use js_sys::{Array, Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::cache::backoff::{self, BackOff, Gate};
use crate::cache::clients::{self, Driver, Recognised};
use crate::cache::stored::{self, Got};
use crate::errors::messages;
use crate::log::js_logger::Log;
use crate::log::lines::{self as log, StoreFailure, StoreOp};
use crate::options::config::StoreShape;
use crate::request::js_deadline::{Deadline, Stop};

/// The `cacheStore` option: the user's object and how it is driven.
#[derive(Clone)]
pub struct Store {
    target: JsValue,
    driver: Driver,
}

/// At most this many stores' back-offs are kept (one per store object an instance was given).
const MAX_STORES: usize = 16;

thread_local! {
    /// Each store's back-off, by identity.
    static BACK_OFFS: RefCell<Vec<(JsValue, BackOff)>> = const { RefCell::new(Vec::new()) };
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
        let has = |name: &str| Reflect::has(&value, &JsValue::from_str(name)).unwrap_or(false);
        let method = |name: &str| crate::js_runtime::property(&value, name).is_some_and(|m| m.is_function());
        match clients::recognise(has, method, value.is_instance_of::<js_sys::Map>()) {
            Recognised::Use(driver) => {
                let shape = if driver == Driver::Kv { StoreShape::Kv } else { StoreShape::GetSet };
                (shape, Some(Store { target: value, driver }))
            }
            Recognised::Refused(message) => (StoreShape::Refused(message), None),
            Recognised::WithoutGet => (StoreShape::Other(messages::STORE_WITHOUT_GET), None),
            Recognised::WithoutSet => (StoreShape::Other(messages::STORE_WITHOUT_SET), None),
        }
    }

    /// Whether `refreshing` markers are written: not to KV, which takes one write per second per
    /// key (the result's write would be refused) and shows it elsewhere only within a minute.
    pub fn takes_markers(&self) -> bool {
        self.driver != Driver::Kv
    }

    /// Reads both keys at once (one store round trip of waiting), unless the store is backing
    /// off: `None` then, or when either read failed.
    pub async fn get_two(&self, first: &str, second: &str, log: &Log) -> Option<(Got, Got)> {
        if self.gate() == Gate::Skip {
            return None;
        }
        let method = if self.driver == Driver::Unstorage { "getItem" } else { "get" };
        let both = Promise::all(&Array::of2(&self.start(method, &[JsValue::from_str(first)]), &self.start(method, &[JsValue::from_str(second)])));
        let answered = self.finish(StoreOp::Get, both, log).await?;
        let got = |value: JsValue| match value.as_string() {
            Some(text) => Got::Text(text),
            None if value.is_undefined() || value.is_null() => Got::Nothing,
            None => Got::NotText,
        };
        let answered: Array = answered.dyn_into().ok()?;
        Some((got(answered.get(0)), got(answered.get(1))))
    }

    /// Writes `value` to live `ttl_ms`, the way the store takes a TTL. Skipped while the store
    /// backs off.
    pub async fn set(&self, key: &str, value: &JsString, ttl_ms: f64, log: &Log) {
        if self.gate() == Gate::Skip {
            return;
        }
        let key = JsValue::from_str(key);
        let options = Object::new();
        let ttl = |name: &str, amount: f64| {
            let _ = Reflect::set(&options, &JsValue::from_str(name), &JsValue::from_f64(amount));
            JsValue::from(&options)
        };
        let returned = match self.driver {
            Driver::GetSet => self.start("set", &[key, value.into(), JsValue::from_f64(ttl_ms)]),
            Driver::Kv => self.start("put", &[key, value.into(), ttl("expirationTtl", stored::kv_expiration_ttl(ttl_ms))]),
            Driver::Lru => self.start("set", &[key, value.into(), ttl("ttl", ttl_ms.ceil())]),
            Driver::Unstorage => self.start("setItem", &[key, value.into(), ttl("ttl", (ttl_ms / 1000.0).ceil())]),
        };
        self.finish(StoreOp::Set, returned, log).await;
    }

    /// Calls a method of the store: what it returned, or a rejected promise if it threw.
    fn start(&self, method: &str, args: &[JsValue]) -> Promise {
        let called = Reflect::get(&self.target, &JsValue::from_str(method))
            .and_then(|f| f.dyn_into::<Function>())
            .and_then(|f| f.apply(&self.target, &args.iter().collect()));
        match called {
            Ok(returned) => Promise::resolve(&returned),
            Err(thrown) => Promise::reject(&thrown),
        }
    }

    /// Waits for a call's answer, at most `TIMEOUT_MS`, and notes how it went.
    async fn finish(&self, op: StoreOp, returned: Promise, log: &Log) -> Option<JsValue> {
        let deadline = Deadline::start(stored::TIMEOUT_MS, None, None);
        let answered = JsFuture::from(Promise::race(&Array::of2(&returned, deadline.stopped()))).await;
        let failure = match (deadline.stop(), answered) {
            (Some(Stop::Elapsed), _) => StoreFailure::TimedOut(stored::TIMEOUT_MS),
            (_, Ok(value)) => {
                self.with_back_off(|b| b.worked(op));
                return Some(value);
            }
            // KV allows one write per second per key: a put refused for that is not a failure
            // (another isolate wrote the same key just now).
            (_, Err(error)) if op == StoreOp::Set && self.driver == Driver::Kv && too_many_writes(&error) => return None,
            (_, Err(_)) => StoreFailure::Threw,
        };
        if self.with_back_off(|b| b.failed(op, js_sys::Date::now())) {
            log.warn_anyway(&log::store_failed(op, failure, backoff::BACK_OFF_MS / 1000.0));
        }
        None
    }

    fn gate(&self) -> Gate {
        self.with_back_off(|b| b.gate(js_sys::Date::now()))
    }

    fn with_back_off<T>(&self, act: impl FnOnce(&mut BackOff) -> T) -> T {
        BACK_OFFS.with(|all| {
            let mut all = all.borrow_mut();
            let at = match all.iter().position(|(target, _)| *target == self.target) {
                Some(at) => at,
                None => {
                    if all.len() >= MAX_STORES {
                        all.remove(0);
                    }
                    all.push((self.target.clone(), BackOff::default()));
                    all.len() - 1
                }
            };
            act(&mut all[at].1)
        })
    }
}

/// KV's answer to a second write of a key within a second: an error whose message names 429.
fn too_many_writes(error: &JsValue) -> bool {
    let message = Reflect::get(error, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()).unwrap_or_default();
    message.contains("429") || message.to_ascii_lowercase().contains("too many requests")
}
