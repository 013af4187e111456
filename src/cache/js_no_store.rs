//! `js_store` in a build without the `fleet` feature (the `browser` entry's .wasm): a page shares
//! no results with other instances, so any `cacheStore` is refused (`StoreShape::Unavailable`,
//! which `config::resolve` turns into an `invalid_option` saying what to do). `Store` has no
//! values, so every path through a store (`js_fleet`, `stored`, `clients`, `backoff`) is
//! unreachable and leaves the .wasm; the methods only mirror `js_store`'s for the type checker.

use js_sys::JsString;
use wasm_bindgen::JsValue;

use crate::cache::stored::Got;
use crate::log::js_logger::Log;
use crate::options::config::StoreShape;

/// No store can be made in this build.
#[derive(Clone)]
pub enum Store {}

impl Store {
    /// Absent, or `Unavailable` whatever was given.
    pub fn read(value: JsValue) -> (StoreShape, Option<Store>) {
        let shape = if value.is_undefined() || value.is_null() { StoreShape::Absent } else { StoreShape::Unavailable };
        (shape, None)
    }

    pub fn takes_markers(&self) -> bool {
        match *self {}
    }

    pub async fn get_two(&self, _: &str, _: &str, _: &Log) -> Option<(Got, Got)> {
        match *self {}
    }

    pub async fn set(&self, _: &str, _: &JsString, _: f64, _: &Log) {
        match *self {}
    }
}
