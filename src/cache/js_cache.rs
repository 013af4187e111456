//! Calls with `cacheTtlMs` above 0: the module instance's result cache (`crate::cache` decides)
//! and the sharing of requests in flight, one per base URL and key.
//!
//! A shared request runs detached from every caller, under a signal of its own that is aborted
//! when the last caller waiting on it has gone; each caller races it against its own signal.
//! In workerd (and Vercel Edge) a fetch belongs to the request that started it: when that
//! request ends, its fetch and timers are cancelled and a promise waiting on them never
//! settles. So the shared request beats a heartbeat timer in its starter's context, and every
//! other caller checks it from a timer in its own: a request whose heartbeat stopped is
//! abandoned and the caller sends its own.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, AbortSignal};

use crate::body::js_result::ResultForJs;
use crate::cache::js_store::{self as store, Store};
use crate::cache::policy::{self as cache, Cache, Lookup};
use crate::errors::js_failure::Failure;
use crate::errors::ClientError;
use crate::log::js_logger::Log;
use crate::log::lines::{self as log, Level};
use crate::options::config::Config;
use crate::options::config::Slot;
use crate::request::attempt;
use crate::request::js_deadline::{Deadline, Stop};
use crate::request::js_fetch::Fetch;

/// What a call settles with, from the API or from the store; shared by the calls that joined it.
pub type Outcome = Result<Rc<ResultForJs>, Failure>;

/// How often a shared request's heartbeat beats, and how often a caller sharing it checks.
/// A check that sees no beat since the last one gives up on the request (at worst a second
/// request is sent, never a hang).
const BEAT_MS: f64 = 250.0;
const CHECK_MS: f64 = 1_000.0;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(handle: &JsValue);
}

struct Flight {
    /// Resolves (never rejects) once `outcome` is set.
    done: Promise,
    outcome: RefCell<Option<Outcome>>,
    waiting: Cell<u32>,
    controller: AbortController,
    beats: Rc<Cell<u32>>,
}

thread_local! {
    static CACHE: RefCell<Cache<Rc<ResultForJs>>> = RefCell::new(Cache::default());
    static FLIGHTS: RefCell<Vec<(Slot, Rc<Flight>)>> = const { RefCell::new(Vec::new()) };
}

/// A call with `config.cache_ttl_ms > 0`.
pub async fn call(config: &Config, fetch: &Fetch, store: Option<&Store>, signal: Option<&AbortSignal>, log: &Log) -> Outcome {
    let slot = config.slot();
    let hint = config.key.hint();
    loop {
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(attempt::aborted(config, 0).into());
        }
        let now = js_sys::Date::now();
        let found = CACHE.with(|cache| match cache.borrow_mut().lookup(&slot, config.cache_ttl_ms, now) {
            Lookup::Hit { value, age_ms } => Some(Ok((Rc::clone(value), age_ms))),
            Lookup::RateLimited { seconds_left } => Some(Err(seconds_left)),
            Lookup::Miss => None,
        });
        match found {
            Some(Ok((me, age_ms))) => {
                log.write(Level::Info, || log::cache_hit(hint.as_deref(), age_ms));
                return Ok(me);
            }
            Some(Err(seconds_left)) => {
                log.write(Level::Info, || log::held_back(hint.as_deref(), seconds_left));
                return Err(cache::held_back(&config.key, seconds_left).into());
            }
            None => {}
        }
        let existing = FLIGHTS.with(|flights| flights.borrow().iter().find(|(s, _)| *s == slot).map(|(_, f)| Rc::clone(f)));
        let (flight, started) = match existing {
            Some(flight) => {
                log.write(Level::Info, || log::shared(hint.as_deref()));
                (flight, false)
            }
            None => match start(&slot, config, fetch, store, log) {
                Some(flight) => (flight, true),
                // No AbortController to share a request under: this call sends its own.
                None => return crate::request::js_retry_loop::run(config, fetch, signal, log).await.map(Rc::new),
            },
        };
        let _waiter = Waiter::join(&slot, &flight);
        let alive = || log.write(Level::Debug, || log::shared_alive(hint.as_deref()));
        match wait(&flight, signal, (!started).then_some(&alive as &dyn Fn())).await {
            Waited::Done => {
                let outcome = flight.outcome.borrow().clone();
                return outcome.unwrap_or_else(|| Err(attempt::aborted(config, 0).into()));
            }
            Waited::Aborted => return Err(attempt::aborted(config, 0).into()),
            Waited::Lost => {
                log.write(Level::Info, || log::shared_lost(hint.as_deref()));
                forget(&slot, &flight);
            }
        }
    }
}

/// What a call's final error teaches the cache, if this instance uses one: a call without
/// `cacheTtlMs` that sees a 401 still drops the key's cached result.
pub fn learn(config: &Config, error: &ClientError) {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.is_empty() {
            cache.failed(&config.slot(), error, js_sys::Date::now());
        }
    });
}

/// Starts the shared request for `slot`, as the call that found none. With a store, the store
/// is read inside it: concurrent calls in one instance make one store read.
fn start(slot: &Slot, config: &Config, fetch: &Fetch, store: Option<&Store>, log: &Log) -> Option<Rc<Flight>> {
    let controller = AbortController::new().ok()?;
    let mut resolve = None;
    let done = Promise::new(&mut |res, _| resolve = Some(res));
    let flight = Rc::new(Flight { done, outcome: RefCell::new(None), waiting: Cell::new(0), controller, beats: Rc::new(Cell::new(0)) });
    FLIGHTS.with(|flights| flights.borrow_mut().push((slot.clone(), Rc::clone(&flight))));
    let (slot, config, fetch, store, log, running) = (slot.clone(), config.clone(), fetch.clone(), store.cloned(), log.clone(), Rc::clone(&flight));
    spawn_local(async move {
        let heartbeat = Heartbeat::start(Rc::clone(&running.beats));
        let signal = running.controller.signal();
        let (outcome, as_of) = match &store {
            Some(store) => store::call(store, &slot, &config, &fetch, &signal, &log).await,
            None => (crate::request::js_retry_loop::run(&config, &fetch, Some(&signal), &log).await.map(Rc::new), js_sys::Date::now()),
        };
        drop(heartbeat);
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let now = js_sys::Date::now();
            match &outcome {
                // A result from the store is as old as the store says, not new.
                Ok(me) => cache.store(slot.clone(), Rc::clone(me), as_of),
                Err(failure) => cache.failed(&slot, &failure.error, now),
            }
        });
        *running.outcome.borrow_mut() = Some(outcome);
        forget(&slot, &running);
        if let Some(resolve) = resolve {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    Some(flight)
}

enum Waited {
    Done,
    /// The caller's signal fired.
    Aborted,
    /// The request's heartbeat stopped: its starter's request ended (workerd).
    Lost,
}

/// Waits for the flight's outcome, checking its heartbeat each `CHECK_MS` when given `alive`,
/// called at each check that finds it beating (the call that started it runs in its context,
/// and needs no check).
async fn wait(flight: &Flight, signal: Option<&AbortSignal>, alive: Option<&dyn Fn()>) -> Waited {
    let mut beats = flight.beats.get();
    loop {
        let deadline = Deadline::start(CHECK_MS, signal, None);
        let _ = JsFuture::from(Promise::race(&Array::of2(&flight.done, deadline.stopped()))).await;
        if flight.outcome.borrow().is_some() {
            return Waited::Done;
        }
        match deadline.stop() {
            Some(Stop::Aborted) => return Waited::Aborted,
            Some(Stop::Elapsed) if alive.is_some() && flight.beats.get() == beats => return Waited::Lost,
            stop => {
                if let (Some(Stop::Elapsed), Some(alive)) = (stop, alive) {
                    alive();
                }
                beats = flight.beats.get();
            }
        }
    }
}

/// A caller waiting on a flight, from `join` until dropped, whatever ends the wait (the outcome,
/// the caller's signal, a lost heartbeat, the call's future dropped). The last to leave a
/// request still listed (neither settled nor given up as lost) cancels it: nobody wants it.
struct Waiter<'a> {
    slot: &'a Slot,
    flight: &'a Rc<Flight>,
}

impl<'a> Waiter<'a> {
    fn join(slot: &'a Slot, flight: &'a Rc<Flight>) -> Waiter<'a> {
        flight.waiting.set(flight.waiting.get() + 1);
        Waiter { slot, flight }
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let waiting = self.flight.waiting.get().saturating_sub(1);
        self.flight.waiting.set(waiting);
        if waiting == 0 && forget(self.slot, self.flight) {
            self.flight.controller.abort();
        }
    }
}

/// New calls for `slot` no longer find this flight (unless another has taken its place).
/// Whether it was still listed.
fn forget(slot: &Slot, flight: &Rc<Flight>) -> bool {
    FLIGHTS.with(|flights| {
        let mut flights = flights.borrow_mut();
        let listed = flights.len();
        flights.retain(|(s, current)| s != slot || !Rc::ptr_eq(current, flight));
        flights.len() < listed
    })
}

/// Counts up every `BEAT_MS` until dropped.
struct Heartbeat {
    handle: JsValue,
    _beat: Closure<dyn FnMut()>,
}

impl Heartbeat {
    fn start(beats: Rc<Cell<u32>>) -> Heartbeat {
        let beat = Closure::<dyn FnMut()>::new(move || beats.set(beats.get().wrapping_add(1)));
        let handle = set_interval(beat.as_ref().unchecked_ref(), BEAT_MS);
        Heartbeat { handle, _beat: beat }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        clear_interval(&self.handle);
    }
}
