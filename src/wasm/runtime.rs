//! What the runtime offers, found through `globalThis` only: Node, Deno, Bun, workers and
//! edge runtimes have no `window`.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::Environment;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout, catch)]
    pub fn set_timeout(handler: &Function, ms: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = clearTimeout, catch)]
    pub fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;
    /// Takes a JS string, so text decoded in JS is parsed without passing through wasm.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    /// Decodes as `Response.text()` would: UTF-8, invalid bytes replaced.
    pub type TextDecoder;
    #[wasm_bindgen(constructor, catch)]
    pub fn new() -> Result<TextDecoder, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub fn decode(this: &TextDecoder, bytes: &js_sys::Uint8Array) -> Result<JsValue, JsValue>;

    /// `globalThis`, read through typed getters: no property name crosses from wasm memory.
    type Global;
    /// `globalThis.window`, read only to tell a browser page (where the key would be exposed)
    /// from everything else; nothing is ever called on it.
    #[wasm_bindgen(method, getter = window, catch)]
    fn window_object(this: &Global) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = document, catch)]
    fn document_object(this: &Global) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn fetch(this: &Global) -> Result<JsValue, JsValue>;
}

fn global() -> Global {
    js_sys::global().unchecked_into()
}

fn present(read: Result<JsValue, JsValue>) -> Option<JsValue> {
    read.ok().filter(|v| !v.is_undefined() && !v.is_null())
}

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    if !target.is_object() && !target.is_function() {
        return None;
    }
    Reflect::get(target, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

pub fn global_fetch() -> Option<Function> {
    present(global().fetch())?.dyn_into().ok()
}

/// Reads only the variables the caller did not give as options: `process.env` is slow to read
/// in Node, and a key given is a key that needs no lookup.
pub fn environment(need_key: bool, need_base_url: bool) -> Environment {
    let global_object: JsValue = js_sys::global().into();
    Environment {
        api_key: if need_key { env_var(&global_object, "OUTBOUNDSYNC_API_KEY") } else { None },
        base_url: if need_base_url { env_var(&global_object, "OUTBOUNDSYNC_BASE_URL") } else { None },
        is_browser_page: present(global().window_object()).is_some() && present(global().document_object()).is_some(),
    }
}

/// `process.env` (Node, Bun, Deno 2), then `Deno.env` (Deno without the Node globals). Either
/// may throw when the runtime denies access; that reads as "not set".
fn env_var(global: &JsValue, name: &str) -> Option<String> {
    let from_process = get(global, "process").and_then(|p| get(&p, "env")).and_then(|env| get(&env, name));
    if let Some(value) = from_process.and_then(|v| v.as_string()) {
        return Some(value);
    }
    let deno_env = get(global, "Deno").and_then(|d| get(&d, "env"))?;
    let getter: Function = get(&deno_env, "get")?.dyn_into().ok()?;
    getter.call1(&deno_env, &JsValue::from_str(name)).ok()?.as_string()
}
