//! The cache: what `cacheTtlMs` remembers in the module instance (`policy`), what a `cacheStore`
//! holds and under which key (`stored`); the boundary shares requests in flight (`js_cache`) and
//! talks to the store (`js_store`).

pub mod policy;
pub mod stored;

#[cfg(target_arch = "wasm32")]
pub mod js_cache;
#[cfg(target_arch = "wasm32")]
pub mod js_store;
