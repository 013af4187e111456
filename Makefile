# outboundsync: `make demo` shows the package at work, `make test` runs every test.
# Both install what is missing first (scripts/ensure-tools.sh) and skip what is there.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH):$(CURDIR)/node_modules/.bin
export CHROMEDRIVER ?= $(shell command -v chromedriver 2>/dev/null || echo /usr/bin/chromedriver)
export GECKODRIVER ?= $(shell command -v geckodriver 2>/dev/null || echo $(HOME)/.cargo/bin/geckodriver)

# The shipped .wasm is built with this pinned nightly: -Zbuild-std with immediate-abort panics
# leaves out std's panic machinery and every panic message, which stable's prebuilt std keeps,
# and -Zlocation-detail=none the source paths panics would have named (BENCHMARKS.md). Tests and
# the native core use stable.
export OUTBOUNDSYNC_NIGHTLY := nightly-2026-10-30
SOURCES := $(shell find src js examples -type f) Cargo.toml Cargo.lock scripts/assemble-pkg.mjs scripts/short-names.mjs README.md

.PHONY: demo test bench pkg tools test-tools test-lint test-native test-node test-chrome test-firefox test-pkg test-runtimes clean

demo: pkg
	node js-examples/demo.mjs

# Each part stands alone (`make test-node` on a fresh clone installs the tools, and starts the
# API double the wasm suites need; `make test-pkg` builds the package first); `make test` runs
# them all against one double and ends with each part's time.
TEST_PARTS := test-lint test-native test-node test-chrome test-firefox test-pkg test-runtimes
test: test-tools pkg
	rm -f build/test-times
	status=0; scripts/with-double.sh $(MAKE) --no-print-directory --keep-going $(TEST_PARTS) || status=$$?; \
	  echo; echo 'make test, time per part:'; cat build/test-times; exit $$status

# The page section drives Chromium, so bench installs what the tests install. The load test
# runs 100,000 sequential calls here (10,000 under `make test`).
bench: pkg
	scripts/ensure-tools.sh test
	node --expose-gc bench/bench.mjs
	LOAD_SEQUENTIAL_CALLS=100000 node --test tests/faults/load.test.mjs

tools:
	scripts/ensure-tools.sh

test-tools:
	scripts/ensure-tools.sh test

# A fresh clone's `make pkg` installs the tools first (ensure-tools.sh skips what is there).
pkg: tools pkg/package.json

# Two builds of one crate: the full one (build/bindgen/, outboundsync_core_bg.wasm) for Node,
# workerd, Vercel Edge and Deno, and the browser one (build/bindgen-browser/,
# outboundsync_browser_bg.wasm), built without the `fleet` feature: no cacheStore, fleet or
# stale-if-error code for a page to download.
# wasm-opt -ocimfs 20: functions with one caller are no longer all folded into it, which made
# the retry loop one 34 KB function that V8 compiles whole on the first call (BENCHMARKS.md).
# --converge: -Oz's passes again until nothing shrinks (0.8 KB; -ocimfs still holds).
# short-names.mjs: the names the .wasm and the glue find each other by, shortened in both.
define shipped-wasm # out-dir, out-name, cargo flags
	rm -rf $(1)
	RUSTUP_TOOLCHAIN=$(OUTBOUNDSYNC_NIGHTLY) RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" CARGO_TARGET_DIR=target/shipped \
	  CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
	  wasm-pack build --release --target bundler --out-dir $(1) --out-name $(2) --no-pack $(if $(3),-- $(3))
	wasm-opt -Oz -ocimfs 20 --converge --strip-debug --strip-producers --strip-target-features $(1)/$(2)_bg.wasm -o $(1)/$(2)_bg.wasm
	node scripts/short-names.mjs $(1)/$(2)_bg.wasm $(1)/$(2)_bg.js
endef

pkg/package.json: $(SOURCES)
	$(call shipped-wasm,build/bindgen,outboundsync_core,)
	$(call shipped-wasm,build/bindgen-browser,outboundsync_browser,--no-default-features)
	node scripts/assemble-pkg.mjs

# rustfmt.toml sets the width; clippy runs for the native core and for the wasm boundary, the
# latter also without the `fleet` feature (the browser build).
test-lint: tools
	scripts/timed.sh $@ sh -c 'cargo fmt --check && cargo clippy --all-targets -- -D warnings && cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings \
	  && cargo clippy --target wasm32-unknown-unknown --all-targets --no-default-features -- -D warnings'

# The core with and without the `fleet` feature (the browser build's).
test-native:
	scripts/timed.sh $@ sh -c 'cargo test && cargo test --no-default-features --lib'

# The wasm suites read OUTBOUNDSYNC_TEST_BASE_URL at compile time; with-double.sh starts the
# double unless one is running already (as under `make test`).
test-node: test-tools
	scripts/with-double.sh scripts/timed.sh $@ wasm-pack test --node

# In the browsers, the contract runs on what pages load: the build without the `fleet` feature.
test-chrome: test-tools
	WASM_BINDGEN_USE_BROWSER=1 scripts/with-double.sh scripts/timed.sh $@ wasm-pack test --headless --chrome --no-default-features

test-firefox: test-tools
	WASM_BINDGEN_USE_BROWSER=1 scripts/with-double.sh scripts/timed.sh $@ wasm-pack test --headless --firefox --no-default-features

test-pkg: test-tools pkg
	scripts/timed.sh $@ sh -c 'node --test tests/pkg/ tests/cli/ tests/faults/ && tsc -p tests/pkg/tsconfig.json'

# The packed tarball in Node 18-24, Deno and Bun; server bundles by esbuild, webpack, Rollup,
# Vite SSR and bun build, run from their output alone; the Worker example bundled by wrangler,
# in workerd; the Next.js example built by Turbopack and webpack, under `next start` from .next
# alone and `next dev`; the browser example built by Vite, webpack and esbuild (ESM and iife),
# workers, a Chrome MV3 extension and pages under a Content-Security-Policy, in Chromium and
# Firefox through Selenium.
test-runtimes: test-tools pkg
	scripts/timed.sh $@ node --test tests/runtimes/

clean:
	rm -rf pkg build target
