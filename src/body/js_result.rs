//! The result as JavaScript values. A body with exactly the documented fields is parsed by the
//! engine's own `JSON.parse` from its bytes, never copied out of wasm memory; a body read into
//! the model crosses with serde-wasm-bindgen. Either way: plain objects and arrays, ids as
//! numbers, `null` for absent nullable fields. BENCHMARKS.md has the figures behind the split.

use js_sys::{JsString, Uint8Array};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::body::model::OutboundSyncMe;
use crate::body::CheckedBody;

#[wasm_bindgen]
extern "C" {
    /// `TextDecoder#decode` returning the JS string itself (web-sys's binding returns a Rust
    /// `String`, which would copy the text back into wasm).
    type TextDecoder;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<TextDecoder, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn decode(this: &TextDecoder, bytes: &Uint8Array) -> Result<JsString, JsValue>;

    /// `JSON.parse` of a JS string (js-sys's takes `&str`, another copy).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &JsString) -> Result<JsValue, JsValue>;

    /// The parsed result; a typed getter reads `connections` with no key crossing from wasm.
    type ParsedResult;
    #[wasm_bindgen(method, getter)]
    fn connections(this: &ParsedResult) -> JsValue;
}

thread_local! {
    /// One decoder for every call: it keeps no state between `decode`s without `stream`.
    static DECODER: Result<TextDecoder, JsValue> = TextDecoder::new();
}

/// The result as it is handed to JavaScript, which any number of callers can each get their own
/// copy of (the cache and shared requests hand one to many): the body's text for `JSON.parse`,
/// or the model.
pub enum ResultForJs {
    Text(JsString),
    Model(OutboundSyncMe),
}

impl ResultForJs {
    /// `bytes` is the body as JavaScript holds it (for `CheckedBody::Exact`). An `Err` is a JS
    /// error from the engine, which the caller reports as an invalid response.
    pub fn new(body: CheckedBody, bytes: Option<&Uint8Array>) -> Result<ResultForJs, JsValue> {
        match body {
            CheckedBody::Exact => {
                let bytes = bytes.ok_or(JsValue::UNDEFINED)?;
                DECODER.with(|decoder| match decoder {
                    Ok(decoder) => decoder.decode(bytes).map(ResultForJs::Text),
                    Err(error) => Err(error.clone()),
                })
            }
            CheckedBody::Read(me) => Ok(ResultForJs::Model(me)),
        }
    }

    /// A result read back from the `cacheStore`, checked as a body is: the text itself when it
    /// has exactly the documented fields.
    pub fn stored(body: CheckedBody, text: &str) -> ResultForJs {
        match body {
            CheckedBody::Exact => ResultForJs::Text(JsString::from(text)),
            CheckedBody::Read(me) => ResultForJs::Model(me),
        }
    }

    /// The text written to the `cacheStore`: the body's own, or the model's JSON, by
    /// `JSON.stringify` of its JS value (no JSON writer compiled into the `.wasm`).
    pub fn stored_text(&self) -> Result<JsString, JsValue> {
        match self {
            ResultForJs::Text(text) => Ok(text.clone()),
            ResultForJs::Model(_) => js_sys::JSON::stringify(&self.to_js(false)?),
        }
    }

    /// New JS objects on every call: one caller changing its result changes no other's.
    pub fn to_js(&self, connections_only: bool) -> Result<JsValue, JsValue> {
        match self {
            ResultForJs::Text(text) => {
                let me = json_parse(text)?;
                Ok(if connections_only { me.unchecked_into::<ParsedResult>().connections() } else { me })
            }
            ResultForJs::Model(me) => {
                let serializer = Serializer::json_compatible();
                let value = if connections_only { me.connections.serialize(&serializer) } else { me.serialize(&serializer) };
                value.map_err(JsValue::from)
            }
        }
    }
}
