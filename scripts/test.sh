#!/usr/bin/env bash
# The README's test command (`npm test`). Runs under npm, so `node` is the repo's own Node 24
# (node_modules/.bin comes first on PATH). Backends the tests need are installed or reused first.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/check-node.mjs
if [ -x scripts/backends/ensure-all.sh ]; then bash scripts/backends/ensure-all.sh; fi
npm run build
npm run build -w @oauth-otel/example-next-app
npx tsc -p tsconfig.json --noEmit
# The OTLP exporters and the ESM-only examples (oidc-provider) use dynamic import(), which
# jest's module VM only allows with this flag.
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
# --forceExit: a finished run must not wait on a stray handle of a test server (CI has a time limit).
npx jest --ci --forceExit "$@"
