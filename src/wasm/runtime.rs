//! What the runtime offers (`js/runtime.js`): the environment, the global `fetch`, and whether
//! this is a browser page.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::config::Environment;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = envVar)]
    fn env_var(name: &str) -> Option<String>;
    #[wasm_bindgen(js_name = isBrowserPage)]
    fn is_browser_page() -> bool;
    #[wasm_bindgen(js_name = globalFetch)]
    pub fn global_fetch() -> Option<Function>;
}

#[wasm_bindgen]
extern "C" {
    /// Takes a JS string, so text made in JS is parsed without passing through wasm.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Reads only the variables the caller did not give as options: `process.env` is slow to read
/// in Node, and a key given is a key that needs no lookup.
pub fn environment(need_key: bool, need_base_url: bool) -> Environment {
    Environment {
        api_key: if need_key { env_var("OUTBOUNDSYNC_API_KEY") } else { None },
        base_url: if need_base_url { env_var("OUTBOUNDSYNC_BASE_URL") } else { None },
        is_browser_page: is_browser_page(),
    }
}
