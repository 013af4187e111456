//! Writing the call's log lines (`crate::log`) to the caller's `logger`, or to `console`. A
//! logger is the caller's code: whatever it throws or rejects with is dropped, so logging can
//! never change what a call returns.

use std::cell::Cell;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::log::lines::Level;

use crate::js_runtime as runtime;

#[derive(Clone)]
pub struct Log {
    level: Level,
    /// The `logger` option; `None` is `console`.
    logger: Option<JsValue>,
    /// `'off'` was asked for: `warn_anyway` writes nothing either.
    silenced: bool,
}

thread_local! {
    /// Attached to whatever an async logger returns, so its rejection is not unhandled.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
    /// Whether this module instance has written its set-up warning.
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

impl Log {
    pub fn new(level: Level, logger: Option<JsValue>, silenced: bool) -> Log {
        Log { level, logger, silenced }
    }

    /// `line` is only built when the level is on: with the log off a call pays one comparison,
    /// and the building, out of line, is never compiled (V8 compiles a function on its first run).
    #[inline(always)]
    pub fn write(&self, level: Level, line: impl FnOnce() -> String) {
        if level == Level::Off || level > self.level {
            return;
        }
        self.build_and_emit(level, line);
    }

    #[cold]
    #[inline(never)]
    fn build_and_emit(&self, level: Level, line: impl FnOnce() -> String) {
        self.emit(level, &line());
    }

    /// A warning about the set-up (`config::LogChoice`): to `warn` whatever the level, since
    /// the level may be what is wrong, and once per module instance, not on every call.
    pub fn warn_once(&self, line: &str) {
        if !WARNED.with(|warned| warned.replace(true)) {
            self.emit(Level::Warn, line);
        }
    }

    /// A warning about something outside the call (the `cacheStore` failing): to `warn`
    /// whatever the level, unless 'off' was asked for; the caller decides how often.
    pub fn warn_anyway(&self, line: &str) {
        if !self.silenced {
            self.emit(Level::Warn, line);
        }
    }

    /// Not generic, so the JS calls exist once rather than once per kind of line.
    #[inline(never)]
    fn emit(&self, level: Level, line: &str) {
        let Some(target) = self.logger.clone().or_else(|| runtime::property(&js_sys::global(), "console")) else { return };
        let Ok(method) = Reflect::get(&target, &JsValue::from_str(level.method())) else { return };
        let Some(method) = method.dyn_ref::<Function>() else { return };
        if let Ok(returned) = method.call1(&target, &JsValue::from_str(line)) {
            if returned.is_object() {
                IGNORE.with(|ignore| {
                    let _ = Promise::resolve(&returned).catch(ignore);
                });
            }
        }
    }
}
