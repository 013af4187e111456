//! OutboundSync API client. The pure core (every module but `wasm`) decides everything and is
//! tested natively; `wasm` is the thin JavaScript boundary that performs the request through
//! web-sys's fetch types and hands values to JavaScript.

pub mod attempt;
pub mod base_url;
pub mod body;
pub mod cache;
pub mod check;
pub mod config;
pub mod error;
pub mod exact;
pub mod key;
pub mod log;
pub mod messages;
pub mod model;
pub mod retry;
pub mod retry_after;
pub mod status;
pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
