//! Prints the names users rely on, as the Rust core defines them, as JSON: every error code with
//! its class and `retryable`, and every option name. scripts/assemble-pkg.mjs writes index.d.ts's
//! code and class declarations from it, and tests/pkg/one-source.test.mjs compares the README and
//! js/errors.js with it, so none of these lists is written twice by hand.

use outboundsync::errors::{ErrorCode, ErrorKind};
use outboundsync::options::config::OPTION_NAMES;
use serde::Serialize;

#[derive(Serialize)]
struct Contract {
    classes: Vec<&'static str>,
    codes: Vec<Code>,
    options: &'static [&'static str],
}

#[derive(Serialize)]
struct Code {
    code: &'static str,
    class: &'static str,
    retryable: bool,
}

fn main() {
    let contract = Contract {
        classes: ErrorKind::ALL.iter().map(|k| k.class_name()).collect(),
        codes: ErrorCode::ALL.iter().map(|c| Code { code: c.as_str(), class: c.kind().class_name(), retryable: c.retryable() }).collect(),
        options: &OPTION_NAMES,
    };
    match serde_json::to_string_pretty(&contract) {
        Ok(json) => println!("{json}"),
        Err(error) => {
            eprintln!("contract: {error}");
            std::process::exit(1);
        }
    }
}
