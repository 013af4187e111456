//! `js_store` in a build without the `fleet` feature (the `browser` entry's .wasm): a page shares
//! no results with other instances, so any `cacheStore` is refused (`StoreShape::Unavailable`,
//! which `config::resolve` turns into an `invalid_option` saying what to do), and no store code
//! is built. `Store` has no values, so the cache's store path compiles to nothing.

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::cache::js_cache::Outcome;
use crate::log::js_logger::Log;
use crate::options::config::{Config, Slot, StoreShape};
use crate::request::js_fetch::Fetch;

/// No store can be made in this build.
#[derive(Clone)]
pub enum Store {}

impl Store {
    /// Absent, or `Unavailable` whatever was given.
    pub fn read(value: JsValue) -> (StoreShape, Option<Store>) {
        let shape = if value.is_undefined() || value.is_null() { StoreShape::Absent } else { StoreShape::Unavailable };
        (shape, None)
    }
}

pub async fn call(store: &Store, _: &Slot, _: &Config, _: &Fetch, _: &AbortSignal, _: &Log) -> (Outcome, f64) {
    match *store {}
}
