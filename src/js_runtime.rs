//! What the runtime offers, found through `globalThis` only: Node, Deno, Bun, workers and edge
//! runtimes have no `window`. Every read may throw (a runtime denying access); that reads as
//! "not there". Every room's boundary asks here, and this module asks nothing of them.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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
    #[wasm_bindgen(method, getter, catch)]
    fn process(this: &Global) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = Deno, catch)]
    fn deno(this: &Global) -> Result<JsValue, JsValue>;

    /// `process`, or whatever the global of that name is (a getter on `undefined` throws).
    type Process;
    #[wasm_bindgen(method, getter, catch)]
    fn env(this: &Process) -> Result<JsValue, JsValue>;

    /// `navigator`, or whatever the global of that name is.
    type Navigator;
    #[wasm_bindgen(method, getter = userAgent, catch)]
    fn user_agent(this: &Navigator) -> Result<JsValue, JsValue>;

    /// `process.env`: the variables this package reads.
    type ProcessEnv;
    #[wasm_bindgen(method, getter = OUTBOUNDSYNC_API_KEY, catch)]
    fn api_key(this: &ProcessEnv) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = OUTBOUNDSYNC_BASE_URL, catch)]
    fn base_url(this: &ProcessEnv) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter = OUTBOUNDSYNC_LOG, catch)]
    fn log(this: &ProcessEnv) -> Result<JsValue, JsValue>;
}

/// The environment variables this package reads.
#[derive(Clone, Copy)]
pub enum Var {
    ApiKey,
    BaseUrl,
    Log,
}

impl Var {
    fn name(self) -> &'static str {
        match self {
            Var::ApiKey => "OUTBOUNDSYNC_API_KEY",
            Var::BaseUrl => "OUTBOUNDSYNC_BASE_URL",
            Var::Log => "OUTBOUNDSYNC_LOG",
        }
    }

    fn read(self, env: &ProcessEnv) -> Result<JsValue, JsValue> {
        match self {
            Var::ApiKey => env.api_key(),
            Var::BaseUrl => env.base_url(),
            Var::Log => env.log(),
        }
    }
}

fn global() -> Global {
    js_sys::global().unchecked_into()
}

/// What a typed getter read, unless it threw or read `null` or `undefined`.
fn found(read: Result<JsValue, JsValue>) -> Option<JsValue> {
    read.ok().filter(|v| !v.is_undefined() && !v.is_null())
}

fn is_set(read: Result<JsValue, JsValue>) -> bool {
    found(read).is_some()
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
    found(Reflect::get(target, &JsValue::from_str(name)))
}

/// `process.env` (Node, Bun, Deno 2), then `Deno.env` (Deno without the Node globals). The
/// names are typed getters: no string crosses from wasm on a call that reads them.
pub fn env_var(var: Var) -> Option<String> {
    let global = global();
    let process_env = found(global.process()).and_then(|p| found(p.unchecked_ref::<Process>().env()));
    if let Some(value) = process_env.and_then(|env| found(var.read(env.unchecked_ref()))).and_then(|v| v.as_string()) {
        return Some(value);
    }
    let env = found(global.deno()).and_then(|deno| property(&deno, "env"))?;
    let get: Function = property(&env, "get")?.dyn_into().ok()?;
    get.call1(&env, &JsValue::from_str(var.name())).ok()?.as_string()
}

/// A browser page, where a key in the code is exposed to every visitor. Workers and edge
/// runtimes have no `window` and `document`; nothing is ever called on them.
pub fn is_browser_page() -> bool {
    let global = global();
    is_set(global.window_object()) && is_set(global.document_object())
}

/// Whether work left running after a call returns is cancelled when the request that started
/// it ends: workerd (Cloudflare Workers, `navigator.userAgent`) and Vercel Edge (`EdgeRuntime`).
/// There, what a call starts for later (a store write, an early refresh) finishes on the
/// caller's path, or is not started.
pub fn ends_work_with_request() -> bool {
    let global = js_sys::global();
    let workerd = property(&global, "navigator")
        .and_then(|navigator| navigator.unchecked_into::<Navigator>().user_agent().ok())
        .is_some_and(|ua| ua.as_string().is_some_and(|ua| ua == "Cloudflare-Workers"));
    workerd || property(&global, "EdgeRuntime").is_some()
}
