//! The cache: what `cacheTtlMs` remembers in the module instance (`policy`, with `xfetch`'s early
//! refresh), what a `cacheStore` holds and under which key (`stored`), which stores are used and
//! how (`clients`), when a failing store is skipped (`backoff`); the boundary shares requests in
//! flight (`js_cache`), keeps a shared request's heartbeat (`js_heartbeat`), does a shared request's work with a store (`js_fleet`) and talks to the
//! store (`js_store`).
//!
//! Sharing through a store is the `fleet` feature's (on by default). The browser build goes
//! without it: `js_no_store` takes `js_store`'s place and refuses any `cacheStore`, and since its
//! `Store` has no values, every store path is unreachable and leaves that .wasm. Nor does it
//! need `js_heartbeat` (the `request-bound` feature's): a page's fetch outlives no request.

pub mod backoff;
pub mod clients;
pub mod policy;
pub mod stored;
pub mod xfetch;

#[cfg(target_arch = "wasm32")]
pub mod js_cache;
#[cfg(target_arch = "wasm32")]
pub mod js_fleet;
#[cfg(all(target_arch = "wasm32", feature = "request-bound"))]
pub mod js_heartbeat;
#[cfg(all(target_arch = "wasm32", feature = "fleet"))]
pub mod js_store;
#[cfg(all(target_arch = "wasm32", not(feature = "fleet")))]
#[path = "js_no_store.rs"]
pub mod js_store;
