//! OutboundSync API client. The code is grouped by concept, one folder each; in every folder the
//! pure core decides and is tested natively, and the `js_*` modules (built for wasm only) are its
//! thin JavaScript boundary: the request through web-sys's fetch types, values through
//! serde-wasm-bindgen. README.md's "Layout" has the same map.

/// Options: checking them, the key and the base URL; reading them from JS.
pub mod options;

/// Requests and retries: one attempt, what a response means, when and how long to wait.
pub mod request;

/// Bodies: reading them, the documented result as serde types, its field checks.
pub mod body;

/// Errors: the error value, codes and classes, the sentences of its messages.
pub mod errors;

/// The cache (`cacheTtlMs`) and the shared store (`cacheStore`).
pub mod cache;

/// Log levels and every log line; writing them to the caller's logger.
pub mod log;

/// What the runtime offers through `globalThis`, for every room's boundary.
#[cfg(target_arch = "wasm32")]
pub mod js_runtime;

/// The exported functions.
#[cfg(target_arch = "wasm32")]
pub mod exports;

/// The allocator: talc's WebAssembly set-up in place of std's dlmalloc, 4 KB less of each `.wasm`
/// and no slower per call (BENCHMARKS.md, issue 29). It grows linear memory as needed.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
