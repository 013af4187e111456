#!/usr/bin/env bash
# Runs a command against the local OutboundSync API double, exported as
# OUTBOUNDSYNC_TEST_BASE_URL. When none is running yet, it starts one on a free loopback port and
# stops it afterwards whatever happens; either way the double starts with fresh rate-limit windows.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${OUTBOUNDSYNC_TEST_BASE_URL:-}" ]; then
  node -e 'fetch(`${process.argv[1]}/__double/reset`, { method: "POST" }).then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); })' "$OUTBOUNDSYNC_TEST_BASE_URL"
  exec "$@"
fi
log=$(mktemp)
node tests/support/double.mjs --port "${DOUBLE_PORT:-0}" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  url=$(sed -n 's/^listening //p' "$log")
  [ -n "$url" ] && break
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the API double did not start" >&2; exit 1; }
export OUTBOUNDSYNC_TEST_BASE_URL="$url"
"$@"
