//! The timer and the caller's signal around one attempt, or one wait between attempts
//! (`sleep`). Whichever comes first settles `stopped`, aborts the attempt's `AbortController`
//! (so fetch drops the request) and is remembered. Dropping a `Deadline` clears the timer, stops
//! listening and aborts the controller unless the attempt had `finished`, so cancellation
//! follows ownership as with reqwest's `AbortGuard`: an attempt dropped before it ends leaves no
//! fetch running.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::request::slab::Slab;

#[wasm_bindgen]
extern "C" {
    /// The global timers, bound directly: every runtime has them, not all have `window`. The
    /// timer's id travels as setTimeout's extra argument to one shared callback.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64, id: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The time ran out.
    Elapsed,
    /// The caller's signal fired.
    Aborted,
}

type Settle = Rc<dyn Fn(Stop)>;

thread_local! {
    /// One callback for every timer (a closure per timer costs more than the rest of an
    /// attempt's set-up in Node), and the deadlines whose timers are running, by handle. A
    /// handle is reused once its deadline is dropped, which clears its timer first: a cleared
    /// timer never fires, so a callback always finds its own deadline.
    static ON_TIMER: Closure<dyn FnMut(u32)> = Closure::new(|id| {
        let settle = RUNNING.with(|running| running.borrow().get(id).cloned());
        if let Some(settle) = settle {
            settle(Stop::Elapsed);
        }
    });
    static RUNNING: RefCell<Slab<Settle>> = const { RefCell::new(Slab::new()) };
}

pub struct Deadline {
    id: u32,
    stop: Rc<Cell<Option<Stop>>>,
    stopped: Promise,
    timer: JsValue,
    listening: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    controller: Option<AbortController>,
}

impl Deadline {
    /// Starts the timer and listens to `signal`. A signal whose `addEventListener` throws (a
    /// duck-typed one) is not listened to; the caller still checks its `aborted` between attempts.
    pub fn start(ms: f64, signal: Option<&AbortSignal>, controller: Option<AbortController>) -> Deadline {
        let stop = Rc::new(Cell::new(None));
        let mut resolve = None;
        let stopped = Promise::new(&mut |res, _| resolve = Some(res));
        let settle: Settle = {
            let stop = Rc::clone(&stop);
            let controller = controller.clone();
            Rc::new(move |why| {
                if stop.get().is_some() {
                    return;
                }
                stop.set(Some(why));
                if let Some(controller) = &controller {
                    controller.abort();
                }
                if let Some(resolve) = &resolve {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            })
        };
        let id = RUNNING.with(|running| running.borrow_mut().insert(Rc::clone(&settle)));
        let timer = ON_TIMER.with(|on_timer| set_timeout(on_timer.as_ref().unchecked_ref(), ms, id));
        // A signal that fired already fires no event: the deadline stops now.
        if signal.is_some_and(AbortSignal::aborted) {
            settle(Stop::Aborted);
        }
        let listening = signal.and_then(|signal| {
            let on_abort = Closure::<dyn FnMut()>::new(move || settle(Stop::Aborted));
            let added = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            added.is_ok().then(|| (signal.clone(), on_abort))
        });
        Deadline { id, stop, stopped, timer, listening, controller }
    }

    /// Resolves when the deadline stops; never rejects.
    pub fn stopped(&self) -> &Promise {
        &self.stopped
    }

    pub fn stop(&self) -> Option<Stop> {
        self.stop.get()
    }

    /// The attempt is over (its body read): dropping the deadline then has nothing to abort, and
    /// skips `abort()`, whose `AbortError` costs a stack trace on every call.
    pub fn finished(&mut self) {
        self.controller = None;
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        let _ = RUNNING.with(|running| running.borrow_mut().remove(self.id));
        if let Some((signal, on_abort)) = self.listening.take() {
            if signal.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref()).is_err() {
                // Still attached to a signal that refused to let go: it must stay callable.
                on_abort.forget();
            }
        }
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }
}

/// Waits `ms` (between attempts), or less if the caller's signal fires (then `Err`).
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), ()> {
    let deadline = Deadline::start(ms, signal, None);
    let _ = JsFuture::from(deadline.stopped().clone()).await;
    match deadline.stop() {
        Some(Stop::Aborted) => Err(()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn dropping_a_deadline_aborts_its_controller() {
        let controller = AbortController::new().unwrap();
        let deadline = Deadline::start(60_000.0, None, Some(controller.clone()));
        assert!(!controller.signal().aborted());
        drop(deadline);
        assert!(controller.signal().aborted());
    }

    #[wasm_bindgen_test]
    async fn a_signal_that_fired_already_stops_a_deadline_at_once() {
        let caller = AbortController::new().unwrap();
        caller.abort();
        let attempt = AbortController::new().unwrap();
        let deadline = Deadline::start(60_000.0, Some(&caller.signal()), Some(attempt.clone()));
        assert_eq!(deadline.stop(), Some(Stop::Aborted));
        assert!(attempt.signal().aborted());
        assert_eq!(sleep(60_000.0, Some(&caller.signal())).await, Err(()));
    }

    #[wasm_bindgen_test]
    fn dropping_a_finished_attempts_deadline_aborts_nothing() {
        let kept = AbortController::new().unwrap();
        let mut done = Deadline::start(60_000.0, None, Some(kept.clone()));
        done.finished();
        drop(done);
        assert!(!kept.signal().aborted());
    }

    #[wasm_bindgen_test]
    fn dropping_a_wait_forgets_its_timer_and_stops_listening() {
        // A wait between attempts: no controller, the caller's signal.
        let caller = AbortController::new().unwrap();
        let running = || RUNNING.with(|running| running.borrow().len());
        let before = running();
        let wait = Deadline::start(60_000.0, Some(&caller.signal()), None);
        assert_eq!(running(), before + 1);
        let stop = Rc::clone(&wait.stop);
        drop(wait);
        assert_eq!(running(), before, "the dropped wait is still listed for its timer");
        // Its listener is gone: the signal firing now settles nothing (and calls no dropped closure).
        caller.abort();
        assert_eq!(stop.get(), None);
    }
}
