//! A shared request's work with a `cacheStore`, so that a fleet sends about one request per
//! window: read the store (the value and the key's revocation, at once); use a result fresh for
//! this call if it is newer than the one this instance keeps; hold back inside a stored 429
//! window; wait (bounded) while another instance's `refreshing` marker says it is fetching;
//! otherwise leave a marker, ask the API, and write what it answered. What the values mean is
//! `crate::cache::stored`'s.

// In the browser build (no `fleet` feature) `Store` has no values, so rustc sees everything after
// a store call as unreachable and the values made for it as unused: this module is dead code there.
#![cfg_attr(not(feature = "fleet"), allow(unused))]

use std::rc::Rc;

use js_sys::JsString;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortSignal;

use crate::body::js_result::ResultForJs;
use crate::cache::js_store::Store;
use crate::cache::policy as cache;
use crate::cache::stored::{self, Got, Head, Invalid, Stored};
use crate::errors::js_failure::Failure;
use crate::errors::{ClientError, ErrorCode};
use crate::log::js_logger::Log;
use crate::log::lines::{self as log, Level};
use crate::options::config::Config;
use crate::request::js_deadline;
use crate::request::js_fetch::Fetch;

/// What a call settles with, from the API or from the store; shared by the calls that joined it.
pub type Outcome = Result<Rc<ResultForJs>, Failure>;

/// How often a call waiting on another instance's marker reads the store again.
const POLL_MS: f64 = 50.0;
/// How long after writing its marker an instance reads it back (instances that missed together
/// have written theirs by then).
const CONFIRM_MS: f64 = 10.0;

/// A result and when it came (`at_ms`) after `took_ms`.
pub struct Kept {
    pub result: Rc<ResultForJs>,
    pub at_ms: f64,
    pub took_ms: f64,
}

/// What the shared request got, and what it leaves to do.
pub struct Fetched {
    pub outcome: Outcome,
    /// For a result: when it came and how long its request took (from the store, the writer's).
    pub at_ms: f64,
    pub took_ms: f64,
    /// Whether the result was read from the store (its age is the store's, not 0).
    pub from_store: bool,
    /// An older result the store held (for `staleIfErrorMs`), for the memory cache.
    pub stale: Option<Kept>,
    /// When the key was last revoked, per the store.
    pub revoked_ms: Option<f64>,
    /// The store write, done after the callers have their result (or before, in workerd).
    pub write: Option<Write>,
}

pub struct Write {
    store: Store,
    key: String,
    value: JsString,
    ttl_ms: f64,
}

impl Write {
    pub async fn run(self, log: &Log) {
        self.store.set(&self.key, &self.value, self.ttl_ms, log).await;
    }
}

/// `kept` is when this instance's own result came, if it has one (a refresh before expiry);
/// `on_limited` is called at a 429's first sight, before its `Retry-After` is waited out.
pub async fn call(
    store: &Store,
    config: &Config,
    fetch: &Fetch,
    signal: &AbortSignal,
    log: &Log,
    kept: Option<f64>,
    on_limited: &dyn Fn(&ClientError),
) -> Fetched {
    let digest = stored::digest(&config.slot());
    let key = stored::key(&digest);
    let hint = config.key.hint();
    let keep_ms = config.cache_ttl_ms + config.stale_if_error_ms;
    let mut fetched = Fetched {
        outcome: Err(crate::request::attempt::aborted(config, 0).into()),
        at_ms: 0.0,
        took_ms: 0.0,
        from_store: false,
        stale: None,
        revoked_ms: None,
        write: None,
    };
    let mut keep_text: Option<(JsString, f64, f64)> = None;
    let mut waited = false;
    let started = js_sys::Date::now();
    let (mine, mut marked) = ((js_sys::Math::random() * f64::from(u32::MAX)) as u32 | 1, false);
    let written = |head: Head, body: Option<&JsString>| {
        let now = js_sys::Date::now();
        let mut value = JsString::from(head.text(&digest));
        if let Some(body) = body {
            value = value.concat(body);
        }
        Write { store: store.clone(), key: key.clone(), value, ttl_ms: head.ttl_ms(keep_ms, now) }
    };
    let reachable = loop {
        let Some((value, revocation)) = store.get_two(&key, &stored::revoked_key(&digest), log).await else { break false };
        let now = js_sys::Date::now();
        let invalid = || log.write(Level::Warn, || log::store_invalid(hint.as_deref()));
        let revoked_ms = match revocation {
            Got::Nothing => None,
            Got::Text(text) => stored::revoked_at(Some(&text), &digest).unwrap_or_else(|Invalid| {
                invalid();
                None
            }),
            Got::NotText => {
                invalid();
                None
            }
        };
        fetched.revoked_ms = revoked_ms;
        let text = match value {
            Got::Text(text) => Some(text),
            Got::Nothing => None,
            Got::NotText => {
                invalid();
                None
            }
        };
        let read = stored::read(text.as_deref(), &digest, keep_ms, revoked_ms, now).unwrap_or_else(|Invalid| {
            invalid();
            Stored::default()
        });
        if let Some(result) = read.result {
            let fresh = result.age_ms < config.cache_ttl_ms;
            let newer = kept.is_none_or(|kept| result.at_ms > kept);
            let me = Rc::new(ResultForJs::stored(result.body, result.text));
            keep_text = Some((JsString::from(result.text), result.at_ms, result.took_ms));
            if fresh && (newer || (read.refreshing_until.is_some() && read.refreshing_by != mine)) {
                log.write(Level::Info, || log::store_hit(hint.as_deref(), result.age_ms));
                return Fetched { outcome: Ok(me), at_ms: result.at_ms, took_ms: result.took_ms, from_store: true, ..fetched };
            }
            if !fresh {
                fetched.stale = Some(Kept { result: me, at_ms: result.at_ms, took_ms: result.took_ms });
            }
        }
        if let Some(until_ms) = read.rate_limited_until {
            let seconds_left = ((until_ms - now) / 1000.0).ceil();
            log.write(Level::Info, || log::held_back(hint.as_deref(), seconds_left));
            return Fetched { outcome: Err(cache::held_back(&config.key, seconds_left).into()), ..fetched };
        }
        // Another instance is fetching: wait for its result, at most `MAX_MARKER_MS` in all.
        // Without a marker, leave one, then read it back: of instances that missed together,
        // the last write wins, and the others wait for its result.
        let waited_enough = now - started >= stored::MAX_MARKER_MS;
        match read.refreshing_until {
            Some(_) if read.refreshing_by == mine => break true,
            Some(until_ms) if !waited_enough => {
                if !std::mem::replace(&mut waited, true) {
                    log.write(Level::Info, || log::waiting_for_instance(hint.as_deref()));
                }
                if js_deadline::sleep(POLL_MS.min(until_ms - now), Some(signal)).await.is_err() {
                    return fetched;
                }
            }
            _ if store.takes_markers() && !marked && !waited_enough => {
                marked = true;
                let until = now + config.timeout_ms.min(stored::MAX_MARKER_MS);
                let kept_result = keep_text.as_ref().map(|(_, at, took)| (*at, *took));
                let marker = Head { refreshing_until: Some(until), refreshing_by: mine, result: kept_result, ..Head::default() };
                written(marker, keep_text.as_ref().map(|(text, ..)| text)).run(log).await;
                if js_deadline::sleep(CONFIRM_MS, Some(signal)).await.is_err() {
                    return fetched;
                }
            }
            _ => break true,
        }
    };
    let kept_result = keep_text.as_ref().map(|(_, at, took)| (*at, *took));
    let kept_body = keep_text.as_ref().map(|(text, ..)| text);
    let window = |error: &ClientError, now: f64| match (error.code, error.retry_after) {
        (ErrorCode::RateLimited, Some(seconds)) if seconds > 0.0 => Some(now + seconds * 1000.0),
        _ => None,
    };
    let at_first_sight = |error: &ClientError| {
        on_limited(error);
        if let (true, Some(until)) = (reachable, window(error, js_sys::Date::now())) {
            let write = written(Head { rate_limited_until: Some(until), result: kept_result, ..Head::default() }, kept_body);
            let log = log.clone();
            spawn_local(async move { write.run(&log).await });
        }
    };
    let sent = js_sys::Date::now();
    let outcome = crate::request::js_retry_loop::run(config, fetch, Some(signal), log, Some(&at_first_sight)).await.map(Rc::new);
    let now = js_sys::Date::now();
    let took = now - sent;
    fetched.write = match (&outcome, reachable) {
        (_, false) => None,
        (Ok(me), true) => me.stored_text().ok().map(|text| written(Head { result: Some((now, took)), ..Head::default() }, Some(&text))),
        (Err(failure), true) => match failure.error.code {
            ErrorCode::Unauthorized | ErrorCode::ApiAccessDisabled => Some(Write {
                store: store.clone(),
                key: stored::revoked_key(&digest),
                value: JsString::from(stored::revocation(&digest, now)),
                ttl_ms: stored::REVOCATION_TTL_MS,
            }),
            // A 429's window; after another failure, this instance's marker is taken back (with the
            // result it kept), so others do not wait for a result that is not coming.
            _ => match window(&failure.error, now) {
                Some(until) => Some(written(Head { rate_limited_until: Some(until), result: kept_result, ..Head::default() }, kept_body)),
                None => marked.then(|| written(Head { result: kept_result, ..Head::default() }, kept_body)),
            },
        },
    };
    Fetched { outcome, at_ms: now, took_ms: took, ..fetched }
}
