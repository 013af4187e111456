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
# the native core use stable. The toolchain's name is in scripts/shipped-nightly (ensure-tools.sh
# reads it there too).
export OUTBOUNDSYNC_NIGHTLY := $(shell cat scripts/shipped-nightly)
# What pkg/ is built from: a change to any of these rebuilds it.
SOURCES := $(shell find src js examples -type f) Cargo.toml Cargo.lock scripts/assemble-pkg.mjs scripts/short-names.mjs scripts/shipped-nightly \
  README.md LICENSE Makefile package.json package-lock.json

.PHONY: demo test bench pkg tools test-tools test-lint test-native test-node test-chrome test-firefox test-pkg test-runtimes clean

demo: pkg
	node js-examples/demo.mjs

# Each part stands alone and installs only what it uses (`make test-node` on a fresh clone installs
# the build's tools, no browser and no Redis, and starts the API double the wasm suites need;
# `make test-pkg` builds the package first); `make test` runs them all against one double and ends
# with each part's time.
TEST_PARTS := test-lint test-native test-node test-chrome test-firefox test-pkg test-runtimes
test: test-tools pkg
	rm -f build/test-times
	status=0; scripts/with-double.sh $(MAKE) --no-print-directory --keep-going $(TEST_PARTS) || status=$$?; \
	  echo; echo 'make test, time per part:'; cat build/test-times; exit $$status

# The page section drives Chromium, so bench installs what the tests install. The load test
# runs 100,000 sequential calls here (10,000 under `make test`). fleet.mjs simulates a fleet
# sharing a cacheStore (issue 27), time compressed 10x, in a few minutes.
bench: pkg
	scripts/ensure-tools.sh runtimes pkg
	node --expose-gc bench/bench.mjs
	node bench/fleet.mjs
	LOAD_SEQUENTIAL_CALLS=100000 node --test tests/faults/load.test.mjs

tools:
	scripts/ensure-tools.sh

test-tools:
	scripts/ensure-tools.sh test

# A fresh clone's `make pkg` installs the tools first (ensure-tools.sh skips what is there).
pkg: tools pkg/package.json

# Two builds of one crate: the full one (build/bindgen/, outboundsync_core_bg.wasm) for Node,
# workerd, Vercel Edge and Deno, and the browser one (build/bindgen-browser/,
# outboundsync_browser_bg.wasm), built without the default features (`fleet`, `request-bound`):
# no cacheStore code and no heartbeat for a page to download.
# wasm-opt -ocimfs 20: functions with one caller are no longer all folded into it, which made
# the retry loop one 34 KB function that V8 compiles whole on the first call (BENCHMARKS.md).
# --converge: -Oz's passes again until nothing shrinks (0.8 KB; -ocimfs still holds).
# short-names.mjs: the names the .wasm and the glue find each other by, shortened in both
# (wasm-opt's minifying pass, which reads the target features the second run strips).
define shipped-wasm # out-dir, out-name, cargo flags
	rm -rf $(1)
	RUSTUP_TOOLCHAIN=$(OUTBOUNDSYNC_NIGHTLY) RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" CARGO_TARGET_DIR=target/shipped \
	  CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
	  wasm-pack build --release --target bundler --out-dir $(1) --out-name $(2) --no-pack $(if $(3),-- $(3))
	node scripts/short-names.mjs $(1)/$(2)_bg.wasm $(1)/$(2)_bg.js
	node_modules/.bin/wasm-opt -Oz -ocimfs 20 --converge --strip-debug --strip-producers --strip-target-features $(1)/$(2)_bg.wasm -o $(1)/$(2)_bg.wasm
endef

pkg/package.json: $(SOURCES)
	$(call shipped-wasm,build/bindgen,outboundsync_core,)
	$(call shipped-wasm,build/bindgen-browser,outboundsync_browser,--no-default-features)
	node scripts/assemble-pkg.mjs

# rustfmt.toml sets the width; clippy runs for the native core and for the wasm boundary, the
# latter also without the default features (the browser build).
test-lint: tools
	scripts/timed.sh $@ sh -c 'cargo fmt --check && cargo clippy --all-targets -- -D warnings && cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings \
	  && cargo clippy --target wasm32-unknown-unknown --all-targets --no-default-features -- -D warnings'

# The core with and without the default features (the browser build's).
test-native:
	scripts/timed.sh $@ sh -c 'cargo test && cargo test --no-default-features --lib'

# The wasm suites read OUTBOUNDSYNC_TEST_BASE_URL at compile time; with-double.sh starts the
# double unless one is running already (as under `make test`).
test-node: tools
	scripts/with-double.sh scripts/timed.sh $@ wasm-pack test --node

# In the browsers, the contract runs on what pages load: the build without the default features.
test-chrome:
	scripts/ensure-tools.sh browsers
	WASM_BINDGEN_USE_BROWSER=1 scripts/with-double.sh scripts/timed.sh $@ wasm-pack test --headless --chrome --no-default-features

test-firefox:
	scripts/ensure-tools.sh browsers
	WASM_BINDGEN_USE_BROWSER=1 scripts/with-double.sh scripts/timed.sh $@ wasm-pack test --headless --firefox --no-default-features

test-pkg: pkg
	scripts/ensure-tools.sh pkg
	scripts/timed.sh $@ sh -c 'node --test tests/pkg/ tests/cli/ tests/faults/ && tsc -p tests/pkg/tsconfig.json'

# The packed tarball in Node 18-24, Deno and Bun; server bundles by esbuild, webpack, Rollup,
# Vite SSR and bun build, run from their output alone; the Worker example bundled by wrangler,
# in workerd; the Next.js example built by Turbopack and webpack, under `next start` from .next
# alone and `next dev`; the browser example built by Vite, webpack, Rspack, Parcel, Rollup, bun
# and esbuild (ESM and iife), workers, a Chrome MV3 extension and its content script, and pages
# under a Content-Security-Policy, in Chromium and Firefox through Selenium; a project's own test
# suites in Jest 29 and 30 and Vitest (fake timers, jsdom, happy-dom, MSW, nock, MockAgent).
# Only the top-level files: test-runners/ holds users' own Jest and Vitest suites, which node --test
# would otherwise pick up as its own.
test-runtimes: pkg
	scripts/ensure-tools.sh runtimes
	scripts/timed.sh $@ node --test tests/runtimes/*.test.mjs

clean:
	rm -rf pkg build target
