#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine, and skips what is there. Runs
# alone or from make; each part of `make test` asks only for what it uses.
#   scripts/ensure-tools.sh            the build: Rust target and the shipped nightly,
#                                      wasm-bindgen, wasm-pack, npm tools (wasm-opt, esbuild, tsc);
#                                      this is all `make test-native`, `test-lint` and `test-node` need
#   scripts/ensure-tools.sh browsers   also Chromium, ChromeDriver, Firefox and geckodriver
#                                      (make test-chrome, test-firefox)
#   scripts/ensure-tools.sh pkg        also redis-server (the cacheStore tests start their own) and
#                                      python3 (the command's terminal test) (make test-pkg)
#   scripts/ensure-tools.sh runtimes   also the runtimes the package is tested in
#                                      (tests/runtimes/) and the browsers (make test-runtimes)
#   scripts/ensure-tools.sh test       all of the above (make test)
# Several parts may be named at once. Only package registries are reachable here, so nothing is
# fetched by wasm-pack itself: wasm-bindgen comes from crates.io at the version Cargo.lock pins,
# wasm-opt from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH:$PWD/node_modules/.bin"

say() { printf '==> %s\n' "$*" >&2; }

browsers=false redis=false python=false runtimes=false
for part in "$@"; do
  case "$part" in
    browsers) browsers=true ;;
    pkg) redis=true python=true ;;
    runtimes) runtimes=true browsers=true ;;
    test) browsers=true redis=true python=true runtimes=true ;;
    *) echo "ensure-tools.sh: unknown part '$part' (browsers, pkg, runtimes or test)" >&2; exit 2 ;;
  esac
done

# `cargo install --locked` can fail when a crate the tool's own lock file names is missing
# from the registry (seen with wasm-bindgen-cli 0.2.130); then resolve afresh.
cargo_install() {
  cargo install --locked "$@" || cargo install "$@"
}

# test-lint's tools: a minimal rustup profile has neither.
if ! rustup component list --installed | grep -q '^clippy' || ! rustup component list --installed | grep -q '^rustfmt'; then
  say "adding clippy and rustfmt"
  rustup component add clippy rustfmt
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The shipped .wasm's pinned nightly (scripts/shipped-nightly, which the Makefile exports as
# OUTBOUNDSYNC_NIGHTLY; the Makefile says why), with the sources -Zbuild-std compiles.
nightly="${OUTBOUNDSYNC_NIGHTLY:-$(cat scripts/shipped-nightly)}"
if ! rustup run "$nightly" rustc --version >/dev/null 2>&1 \
  || ! rustup component list --toolchain "$nightly" --installed | grep -qx rust-src \
  || ! rustup target list --toolchain "$nightly" --installed | grep -qx wasm32-unknown-unknown; then
  say "installing Rust $nightly with rust-src and the wasm32 target"
  rustup toolchain install "$nightly" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi

if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none})"
  cargo_install --force --version "$want" wasm-bindgen-cli
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack"
  cargo_install wasm-pack
fi

# npm tools: wasm-opt (binaryen), esbuild and tsc. Install scripts do not run (npm 11's
# default); platform packages carry the binaries.
npm_install() { # folder
  local stamp="$1/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$1/package.json" -nt "$stamp" ] || [ "$1/package-lock.json" -nt "$stamp" ]; then
    say "installing npm packages in $1"
    # `npm install`, not `npm ci`: npm leaves deno's other-platform packages out of the lock
    # file and then `npm ci` refuses it as out of sync; `install` follows the lock otherwise.
    (cd "$1" && npm install --no-audit --no-fund)
  fi
}
npm_install .

if $runtimes; then
  npm_install tests/runtimes
  # Two Jest majors, each in its own folder as a project on it installs Jest.
  npm_install tests/runtimes/jest29
  npm_install tests/runtimes/jest30
fi
apt_install() { # packages
  local sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "$@" >/dev/null
}
if $browsers; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null; then
    say "installing Chromium, ChromeDriver and Firefox from Debian"
    apt_install chromium chromium-driver firefox-esr
  fi
  if ! command -v geckodriver >/dev/null; then
    say "installing geckodriver"
    cargo_install geckodriver
  fi
fi
if $redis && ! command -v redis-server >/dev/null; then
  say "installing redis-server from Debian"
  apt_install redis-server
fi
if $python && ! command -v python3 >/dev/null; then
  say "installing python3 from Debian"
  apt_install python3
fi
