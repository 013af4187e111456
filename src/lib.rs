//! OutboundSync API client. The pure core (every module but `wasm`) decides everything and is
//! tested natively; `wasm` is the thin JavaScript boundary that calls `fetch` and builds the
//! JS errors.

pub mod attempt;
pub mod base_url;
pub mod body;
pub mod config;
pub mod error;
pub mod json;
pub mod key;
pub mod messages;
#[cfg(test)]
mod model;
pub mod retry;
pub mod retry_after;
pub mod status;
pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
