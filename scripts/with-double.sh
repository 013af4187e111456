#!/usr/bin/env bash
# Runs a command with the local OutboundSync API double listening on a free loopback port,
# exported as OUTBOUNDSYNC_TEST_BASE_URL, and stops the double afterwards whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
node tests/double/server.mjs --port "${DOUBLE_PORT:-0}" >"$log" 2>&1 &
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
