//! Requests and retries: the core settles each attempt (`attempt`, `status`, `retry`,
//! `retry_after`); the boundary performs it (`js_fetch`), bounds it in time (`js_deadline`,
//! over `slab`) and loops (`js_retry_loop`).

pub mod attempt;
pub mod retry;
pub mod retry_after;
pub mod status;

#[cfg(target_arch = "wasm32")]
pub mod js_deadline;
#[cfg(target_arch = "wasm32")]
pub mod js_fetch;
#[cfg(target_arch = "wasm32")]
pub mod js_retry_loop;
/// Pure, and tested natively; the running deadlines (`js_deadline`) are kept in it.
pub mod slab;
