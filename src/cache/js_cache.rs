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

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, AbortSignal};

use crate::body::js_result::ResultForJs;
#[cfg(feature = "fleet")]
use crate::cache::js_fleet;
use crate::cache::js_fleet::{Fetched, Outcome};
#[cfg(feature = "request-bound")]
use crate::cache::js_heartbeat::Heartbeat;
use crate::cache::js_store::Store;
use crate::cache::policy::{self as cache, Cache, Lookup};
use crate::cache::xfetch;
use crate::errors::js_failure::Failure;
use crate::errors::{ClientError, ErrorCode};
use crate::log::js_logger::Log;
use crate::log::lines::{self as log, Level};
use crate::options::config::Config;
use crate::options::config::Slot;
use crate::request::attempt;
use crate::request::js_deadline::{Deadline, Stop};
use crate::request::js_fetch::Fetch;

/// How often a caller sharing a request checks on it (its heartbeat, and its signal). A check
/// that sees no beat since the last one gives up on the request (at worst a second request is
/// sent, never a hang).
const CHECK_MS: f64 = 1_000.0;

struct Flight {
    /// Resolves (never rejects) once `outcome` is set.
    done: Promise,
    outcome: RefCell<Option<Outcome>>,
    /// Resolves at a 429's first sight: calls that joined, but the one that started the request,
    /// stop waiting for it (they get the window's error, or the stale result).
    limited: Promise,
    /// When the 429's window ends (0: no 429 yet).
    limited_until: Cell<f64>,
    /// Whether the outcome came from the store (its age is the writer's: checked per caller).
    from_store: Cell<bool>,
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
            Lookup::Hit { value, age_ms, took_ms, limited } => Some(Ok((Rc::clone(value), age_ms, if limited { 0.0 } else { took_ms }))),
            Lookup::RateLimited { seconds_left } => Some(Err(seconds_left)),
            Lookup::Miss => None,
        });
        match found {
            Some(Ok((me, age_ms, took_ms))) => {
                log.write(Level::Info, || log::cache_hit(hint.as_deref(), age_ms));
                // XFetch: a busy instance refreshes before expiry, while callers keep this result
                // (inside a 429's window `took_ms` is 0: never before expiry). Only with a store,
                // which the browser build has none of, and not where the refresh would die with
                // this call's request (workerd, Vercel Edge), leaving a dead flight for the next
                // miss to wait on.
                if let (true, Some(store)) = (cfg!(feature = "fleet"), store) {
                    let expiry = now - age_ms + config.cache_ttl_ms;
                    if xfetch::refresh_early(now, expiry, took_ms, js_sys::Math::random())
                        && listed(&slot).is_none()
                        && !crate::js_runtime::ends_work_with_request()
                    {
                        start(&slot, config, fetch, Some(store), log);
                    }
                }
                return Ok(me);
            }
            Some(Err(seconds_left)) => {
                let error = cache::held_back(&config.key, seconds_left);
                log.write(Level::Info, || log::held_back(hint.as_deref(), seconds_left));
                return stale_or(config, &slot, error.into(), log);
            }
            None => {}
        }
        let (flight, started) = match listed(&slot) {
            Some(flight) => {
                log.write(Level::Info, || log::shared(hint.as_deref()));
                (flight, false)
            }
            None => match start(&slot, config, fetch, store, log) {
                Some(flight) => (flight, true),
                // No AbortController to share a request under: this call sends its own.
                None => return crate::request::js_retry_loop::run(config, fetch, signal, log, None).await.map(Rc::new),
            },
        };
        let _waiter = Waiter::join(&slot, &flight);
        match wait(&flight, signal, !started, || log.write(Level::Debug, || log::shared_alive(hint.as_deref()))).await {
            Waited::Done => {
                let outcome = flight.outcome.borrow().clone();
                let outcome = outcome.unwrap_or_else(|| Err(attempt::aborted(config, 0).into()));
                // A stored result is as old as its writer says: too old for this caller's TTL,
                // the call looks again (and starts a request of its own).
                let fresh_for_me = || CACHE.with(|c| matches!(c.borrow_mut().lookup(&slot, config.cache_ttl_ms, js_sys::Date::now()), Lookup::Hit { .. }));
                if outcome.is_ok() && flight.from_store.get() && !fresh_for_me() {
                    continue;
                }
                return match outcome {
                    Err(failure) => stale_or(config, &slot, failure, log),
                    ok => ok,
                };
            }
            Waited::Aborted => return Err(attempt::aborted(config, 0).into()),
            // The window is in memory now: the next lookup answers.
            Waited::Limited => {}
            Waited::Lost => {
                log.write(Level::Info, || log::shared_lost(hint.as_deref()));
                forget(&slot, &flight);
            }
        }
    }
}

/// The flight listed for `slot`, if any.
fn listed(slot: &Slot) -> Option<Rc<Flight>> {
    FLIGHTS.with(|flights| flights.borrow().iter().find(|(s, _)| s == slot).map(|(_, f)| Rc::clone(f)))
}

/// `staleIfErrorMs`: after a 429, a 5xx, a timeout or an unreachable API, the last good result
/// no older than `cacheTtlMs + staleIfErrorMs`, with one warning; otherwise the failure.
fn stale_or(config: &Config, slot: &Slot, failure: Failure, log: &Log) -> Outcome {
    let eligible = matches!(failure.error.code, ErrorCode::RateLimited | ErrorCode::ServerError | ErrorCode::Timeout | ErrorCode::NetworkError);
    // `cfg!`: the browser build refuses staleIfErrorMs, and this leaves its .wasm.
    if cfg!(feature = "fleet") && config.stale_if_error_ms > 0.0 && eligible {
        let keep_ms = config.cache_ttl_ms + config.stale_if_error_ms;
        if let Some((me, age_ms)) = CACHE.with(|cache| cache.borrow().stale(slot, keep_ms, js_sys::Date::now()).map(|(me, age)| (Rc::clone(me), age))) {
            let hint = config.key.hint();
            log.write(Level::Warn, || log::stale_served(hint.as_deref(), age_ms, &failure.error));
            return Ok(me);
        }
    }
    Err(failure)
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

/// Starts the shared request for `slot`, as the call that found none (or a refresh before
/// expiry, which nobody waits for). With a store, the store is read inside it: concurrent calls
/// in one instance make one store read.
fn start(slot: &Slot, config: &Config, fetch: &Fetch, store: Option<&Store>, log: &Log) -> Option<Rc<Flight>> {
    let controller = AbortController::new().ok()?;
    let (mut resolve, mut release) = (None, None);
    let done = Promise::new(&mut |res, _| resolve = Some(res));
    let limited = Promise::new(&mut |res, _| release = Some(res));
    let flight = Rc::new(Flight {
        done,
        outcome: RefCell::new(None),
        limited,
        limited_until: Cell::new(0.0),
        from_store: Cell::new(false),
        waiting: Cell::new(0),
        controller,
        beats: Rc::new(Cell::new(0)),
    });
    FLIGHTS.with(|flights| flights.borrow_mut().push((slot.clone(), Rc::clone(&flight))));
    let (slot, config, fetch, store, log, running) = (slot.clone(), config.clone(), fetch.clone(), store.cloned(), log.clone(), Rc::clone(&flight));
    spawn_local(async move {
        #[cfg(feature = "request-bound")]
        let heartbeat = Heartbeat::start(Rc::clone(&running.beats));
        let signal = running.controller.signal();
        // A 429's window goes to memory at first sight, and the calls that joined stop waiting.
        let on_limited = |error: &ClientError| {
            let now = js_sys::Date::now();
            CACHE.with(|cache| cache.borrow_mut().failed(&slot, error, now));
            running.limited_until.set(now + error.retry_after.unwrap_or(0.0) * 1000.0);
            if let Some(release) = &release {
                let _ = release.call0(&JsValue::UNDEFINED);
            }
        };
        let fetched = match &store {
            #[cfg(feature = "fleet")]
            Some(store) => {
                let kept = CACHE.with(|cache| cache.borrow().kept(&slot).map(|(at, _)| at));
                js_fleet::call(store, &config, &fetch, &signal, &log, kept, &on_limited).await
            }
            // The browser build's `Store` has no values; said outright, since LLVM kept the
            // fleet's code behind this arm otherwise (14 KB).
            #[cfg(not(feature = "fleet"))]
            Some(store) => match *store {},
            None => {
                let sent = js_sys::Date::now();
                let outcome = crate::request::js_retry_loop::run(&config, &fetch, Some(&signal), &log, Some(&on_limited)).await.map(Rc::new);
                let now = js_sys::Date::now();
                Fetched { outcome, at_ms: now, took_ms: now - sent, from_store: false, stale: None, revoked_ms: None, write: None }
            }
        };
        #[cfg(feature = "request-bound")]
        drop(heartbeat);
        let Fetched { outcome, at_ms, took_ms, from_store, stale, revoked_ms, write } = fetched;
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(revoked_ms) = revoked_ms {
                cache.revoked(&slot, revoked_ms);
            }
            if let Some(stale) = stale {
                cache.store(slot.clone(), stale.result, stale.at_ms, stale.took_ms);
            }
            match &outcome {
                Ok(me) => cache.store(slot.clone(), Rc::clone(me), at_ms, took_ms),
                Err(failure) => cache.failed(&slot, &failure.error, js_sys::Date::now()),
            }
        });
        // In workerd the write stays on the callers' path: their request's end would cancel it.
        // Writes are the fleet's (`cfg!`: the browser build has none, and drops the check).
        let awaited = cfg!(feature = "fleet") && write.is_some() && crate::js_runtime::ends_work_with_request();
        let mut write = write;
        if awaited {
            if let Some(write) = write.take() {
                write.run(&log).await;
            }
        }
        running.from_store.set(from_store);
        *running.outcome.borrow_mut() = Some(outcome);
        forget(&slot, &running);
        if let Some(resolve) = resolve {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
        if let Some(write) = write {
            write.run(&log).await;
        }
    });
    Some(flight)
}

enum Waited {
    Done,
    /// The caller's signal fired.
    Aborted,
    /// The request got a 429 and waits out its `Retry-After` (only for calls that joined it).
    Limited,
    /// The request's heartbeat stopped: its starter's request ended (workerd).
    Lost,
}

/// Waits for the flight's outcome. A call that `joined` it checks its heartbeat each `CHECK_MS`
/// and calls `alive` at each check that finds it beating (the call that started it runs in its
/// context, needs no check, and alone waits out a 429).
async fn wait(flight: &Flight, signal: Option<&AbortSignal>, joined: bool, alive: impl Fn()) -> Waited {
    let mut beats = flight.beats.get();
    loop {
        let deadline = Deadline::start(CHECK_MS, signal, None);
        // Once its window has passed, a 429 no longer ends a wait (the retry is under way).
        let until = flight.limited_until.get();
        let limited = joined && (until == 0.0 || js_sys::Date::now() < until);
        let racers = if limited { Array::of3(&flight.done, &flight.limited, deadline.stopped()) } else { Array::of2(&flight.done, deadline.stopped()) };
        let _ = JsFuture::from(Promise::race(&racers)).await;
        if flight.outcome.borrow().is_some() {
            return Waited::Done;
        }
        if limited && deadline.stop().is_none() {
            return Waited::Limited;
        }
        match deadline.stop() {
            Some(Stop::Aborted) => return Waited::Aborted,
            // Without `request-bound` nothing beats, and nothing ends a request but its own end.
            Some(Stop::Elapsed) if cfg!(feature = "request-bound") => {
                if joined {
                    if flight.beats.get() == beats {
                        return Waited::Lost;
                    }
                    alive();
                }
                beats = flight.beats.get();
            }
            _ => {}
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
