//! The cache: what `cacheTtlMs` remembers in the module instance (`policy`), what a `cacheStore`
//! holds and under which key (`stored`); the boundary shares requests in flight (`js_cache`) and
//! talks to the store (`js_store`).

//! Sharing through a store is the `fleet` feature's (on by default): the browser build goes
//! without it, and `js_no_store` takes `js_store`'s place there, refusing `cacheStore`.

pub mod policy;
#[cfg(feature = "fleet")]
pub mod stored;

#[cfg(target_arch = "wasm32")]
pub mod js_cache;
#[cfg(all(target_arch = "wasm32", feature = "fleet"))]
pub mod js_store;
#[cfg(all(target_arch = "wasm32", not(feature = "fleet")))]
#[path = "js_no_store.rs"]
pub mod js_store;
