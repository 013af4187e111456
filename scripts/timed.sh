#!/usr/bin/env bash
# scripts/timed.sh NAME COMMAND...: runs COMMAND and appends "NAME  seconds  ok|FAILED" to
# build/test-times, which `make test` prints at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
name=$1
shift
start=$(date +%s)
"$@"
status=$?
mkdir -p build
printf '  %-14s %5ss  %s\n' "$name" "$(($(date +%s) - start))" "$([ $status = 0 ] && echo ok || echo FAILED)" >>build/test-times
exit $status
