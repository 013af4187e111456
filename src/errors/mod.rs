//! Errors: the one error value every failure becomes (`client_error`), the sentences users read
//! (`messages`, `text`), and the JS error object it becomes (`js_failure`).

mod client_error;
pub mod messages;
pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod js_failure;

pub use client_error::*;
