//! Numbers in messages and log lines are written exactly as JavaScript's `String(n)` writes
//! them: in wasm `messages::number` asks the engine; `messages::written_as_js`, which native
//! builds use, is compared here with the engine on the layout's edges and on random bit patterns.
//! Runs in Node, Chrome and Firefox with the contract suite (`wasm-pack test`).
#![cfg(target_arch = "wasm32")]

use outboundsync::errors::messages::{number, written_as_js};
use wasm_bindgen_test::*;

fn javascript(n: f64) -> String {
    js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

fn same(n: f64) {
    let js = javascript(n);
    assert_eq!(written_as_js(n), js, "bits {:#018x}", n.to_bits());
    assert_eq!(number(n), js, "bits {:#018x}", n.to_bits());
}

/// xorshift64*: a fixed sequence, so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[wasm_bindgen_test]
fn the_layouts_edges_read_as_javascript_writes_them() {
    for exponent in -330..=310 {
        for mantissa in [1.0, 1.5, 9.9999999, 1.23456789123, 5.0, 9.999_999_999_999_998] {
            let n = mantissa * 10f64.powi(exponent);
            same(n);
            same(-n);
        }
    }
    for n in [
        0.0,
        -0.0,
        0.1 + 0.2,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        f64::EPSILON,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e21,
        1e-7,
        1e-6,
        999_999_999_999_999_900_000.0,
    ] {
        same(n);
    }
}

#[wasm_bindgen_test]
fn any_bit_pattern_reads_as_javascript_writes_it() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for _ in 0..100_000 {
        same(f64::from_bits(random.next()));
    }
}

#[wasm_bindgen_test]
fn whole_numbers_and_milliseconds_read_as_javascript_writes_them() {
    let mut random = Random(0xd1b5_4a32_d192_ed03);
    for _ in 0..20_000 {
        let bits = random.next();
        same((bits >> 11) as f64); // whole, up to 2^53
        same((bits % 100_000_000) as f64 / 1000.0); // seconds with milliseconds
    }
}
