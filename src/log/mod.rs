//! Logging: the levels and every line (`lines`), written to the caller's logger (`js_logger`).

pub mod lines;

#[cfg(target_arch = "wasm32")]
pub mod js_logger;
