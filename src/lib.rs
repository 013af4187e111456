//! OutboundSync API client. The pure core (every module but `wasm`) decides everything and is
//! tested natively; `wasm` is the thin JavaScript boundary that performs the request through
//! web-sys's fetch types and hands values to JavaScript. README.md's "Layout" has the same map.

// The core: options and checks.
pub mod base_url;
pub mod config;
pub mod key;

// The core: requests and retries (what a response means, when and how long to wait).
pub mod attempt;
pub mod retry;
pub mod retry_after;
pub mod status;

// The core: bodies (src/body/: reading them, the documented result as serde types, its field
// checks).
pub mod body;

// The core: errors and messages (the error value, codes, classes, every sentence users read).
pub mod error;
pub mod messages;
pub mod text;

// The core: cache, store and log (what `cacheTtlMs` remembers; what `cacheStore` shares across
// instances; the log levels and every log line), and the slab the boundary keeps its running
// deadlines in.
pub mod cache;
pub mod log;
pub mod slab;
pub mod store;

// The boundary: the exported functions, and everything that touches JavaScript.
#[cfg(target_arch = "wasm32")]
pub mod wasm;
