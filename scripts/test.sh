#!/bin/bash
# `npm test` and CI: set-up (packages, npm ci, build), then every test file through Node's own
# test runner. Integration tests start their own private libvirtd; nothing else must be running.
# Exits with the runner's code. Env: TEST_TIMEOUT_MS (per test), TEST_TOTAL_TIMEOUT_S (whole run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# Node 20's --test takes paths, not globs: list the files here. A compiled test counts only while
# its .ts source exists, so a stale file left in dist/ by a deleted test never runs.
files=()
while IFS= read -r f; do
  src=${f#dist/}
  [ -f "${src%.js}.ts" ] && files+=("$f")
done < <(find dist/test -name '*.test.js' -type f 2>/dev/null | LC_ALL=C sort)
while IFS= read -r f; do files+=("$f"); done < <(find test/gen -maxdepth 1 -name '*.test.mjs' -type f 2>/dev/null | LC_ALL=C sort)
[ "${#files[@]}" -gt 0 ] || { echo "test.sh: no test files found" >&2; exit 1; }

# the whole run is bounded too: a test file whose process never exits must not eat CI's 90 minutes
exec timeout --kill-after=30 "${TEST_TOTAL_TIMEOUT_S:-3600}" \
  node --test --test-concurrency=2 --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${files[@]}"
