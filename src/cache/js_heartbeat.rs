//! A shared request's heartbeat, for runtimes where a fetch belongs to the request that started
//! it (workerd, Vercel Edge): when that request ends, the fetch and its timers are cancelled, the
//! beat stops, and the callers sharing the request see it stop and send their own (`js_cache`).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How often the heartbeat beats: several times per check of a caller sharing the request.
const BEAT_MS: f64 = 250.0;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(handle: &JsValue);
}

/// Counts `beats` up every `BEAT_MS` until dropped.
pub struct Heartbeat {
    handle: JsValue,
    _beat: Closure<dyn FnMut()>,
}

impl Heartbeat {
    pub fn start(beats: Rc<Cell<u32>>) -> Heartbeat {
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
