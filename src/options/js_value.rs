//! A JS value as the core sees an option: `OptionValue`, which names a value's type without
//! holding it (an object could hold anything, a key among it).

use wasm_bindgen::JsValue;

use crate::options::config::OptionValue;

/// `null` counts as not given, like `undefined`.
pub fn field(value: JsValue) -> OptionValue {
    if value.is_undefined() || value.is_null() {
        OptionValue::Absent
    } else if let Some(s) = value.as_string() {
        OptionValue::Str(s)
    } else if let Some(n) = value.as_f64() {
        OptionValue::Number(n)
    } else if let Some(b) = value.as_bool() {
        OptionValue::Bool(b)
    } else {
        OptionValue::Other(static_type_name(&value))
    }
}

fn static_type_name(value: &JsValue) -> &'static str {
    if value.is_function() {
        "a function"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_object() {
        "an object"
    } else if value.is_bigint() {
        "a bigint"
    } else if value.is_symbol() {
        "a symbol"
    } else {
        "an unsupported value"
    }
}
