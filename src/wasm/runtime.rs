//! What the runtime offers, found through `globalThis` only: Node, Deno, Bun, workers and edge
//! runtimes have no `window`. Every read may throw (a runtime denying access); that reads as
//! "not there".

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::Environment;

/// Reads only the variables the caller did not give as options: `process.env` is slow to read
/// in Node, and a key given is a key that needs no lookup.
pub fn environment(need_key: bool, need_base_url: bool, need_log_level: bool) -> Environment {
    Environment {
        api_key: if need_key { env_var("OUTBOUNDSYNC_API_KEY") } else { None },
        base_url: if need_base_url { env_var("OUTBOUNDSYNC_BASE_URL") } else { None },
        log_level: if need_log_level { env_var("OUTBOUNDSYNC_LOG") } else { None },
        is_browser_page: is_browser_page(),
    }
}

// Typed getters: the property names live in the generated JS, so no name crosses from wasm.
// `catch`: a runtime may deny access.
#[wasm_bindgen]
extern "C" {
    type Global;
    #[wasm_bindgen(method, getter, catch)]
    fn fetch(this: &Global) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = window, catch)]
    fn window_object(this: &Global) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = document, catch)]
    fn document_object(this: &Global) -> Result<JsValue, JsValue>;
}

fn global() -> Global {
    js_sys::global().unchecked_into()
}

fn is_set(read: Result<JsValue, JsValue>) -> bool {
    read.is_ok_and(|v| !v.is_undefined() && !v.is_null())
}

pub fn has_global_fetch() -> bool {
    global().fetch().is_ok_and(|f| f.is_function())
}

/// A property, if `target` is an object that has it (not null or undefined) and reading it
/// does not throw.
pub fn property(target: &JsValue, name: &str) -> Option<JsValue> {
    if !target.is_object() && !target.is_function() {
        return None;
    }
    Reflect::get(target, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// `process.env` (Node, Bun, Deno 2), then `Deno.env` (Deno without the Node globals).
fn env_var(name: &str) -> Option<String> {
    let global = js_sys::global();
    let from_process = property(&global, "process").and_then(|p| property(&p, "env")).and_then(|env| property(&env, name));
    if let Some(value) = from_process.and_then(|v| v.as_string()) {
        return Some(value);
    }
    let env = property(&global, "Deno").and_then(|deno| property(&deno, "env"))?;
    let get: Function = property(&env, "get")?.dyn_into().ok()?;
    get.call1(&env, &JsValue::from_str(name)).ok()?.as_string()
}

/// A browser page, where a key in the code is exposed to every visitor. Workers and edge
/// runtimes have no `window` and `document`; nothing is ever called on them.
fn is_browser_page() -> bool {
    let global = global();
    is_set(global.window_object()) && is_set(global.document_object())
}
