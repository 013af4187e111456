//! OutboundSync API client. The pure core (every module but `wasm`) decides everything and is
//! tested natively; `wasm` is the thin JavaScript boundary that calls `fetch` and builds the
//! JS errors.

#![cfg_attr(all(target_arch = "wasm32", feature = "standalone", not(test)), no_std)]

extern crate alloc;

/// What std's prelude would give; the shipped `.wasm` is `no_std`.
mod prelude {
    #[allow(unused_imports)]
    pub use alloc::{borrow::ToOwned, boxed::Box, string::String, vec::Vec};
}

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

/// Only in the shipped `.wasm` (feature `standalone`): a panic is a trap, with no message
/// formatting behind it. No input should reach one; the tests and fuzzing are there for that.
#[cfg(all(target_arch = "wasm32", feature = "standalone", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(all(target_arch = "wasm32", feature = "standalone", not(test)))]
#[global_allocator]
// SAFETY: the wasm instance runs on one thread (no shared memory, no wasm threads).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
