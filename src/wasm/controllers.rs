//! `AbortController`s for attempts. Creating one is the largest fixed cost of an attempt in Node
//! (BENCHMARKS.md), so a controller whose signal never fired is kept for later attempts. Reuse
//! is bounded: some fetch implementations (undici) leave one listener per request on the signal
//! until the request is garbage-collected.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::AbortController;

const MAX_SPARE: usize = 8;
const MAX_USES: u32 = 64;

thread_local! {
    static SPARE: RefCell<Vec<Lease>> = const { RefCell::new(Vec::new()) };
}

pub struct Lease {
    pub controller: AbortController,
    uses: u32,
}

pub fn take() -> Result<Lease, JsValue> {
    match SPARE.with(|spare| spare.borrow_mut().pop()) {
        Some(lease) => Ok(lease),
        None => Ok(Lease { controller: AbortController::new()?, uses: 0 }),
    }
}

/// After the attempt: kept only if its signal never fired.
pub fn give_back(mut lease: Lease) {
    lease.uses += 1;
    if lease.uses >= MAX_USES || lease.controller.signal().aborted() {
        return;
    }
    SPARE.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() < MAX_SPARE {
            spare.push(lease);
        }
    });
}
