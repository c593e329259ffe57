#!/bin/bash
# `npm run demo`: set-up, then the command-line demo. Without arguments it starts a private
# libvirtd of its own and shows what a client sees there; pass a URI to look at another daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

if [ -f dist/src/cli/main.js ]; then
  exec node dist/src/cli/main.js demo "$@"
fi
exec node dist/examples/discover.js "$@"
