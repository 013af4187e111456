//! Options: what a call was given and what it resolves to.

pub mod base_url;
pub mod config;
pub mod key;

#[cfg(target_arch = "wasm32")]
pub mod js_options;
#[cfg(target_arch = "wasm32")]
pub mod js_value;
