#!/usr/bin/env bash
# Regenerates docs/images/traces/flow-trace.svg: one OAuth flow's trace, sent through the shipped
# collector config into Jaeger v2 and rendered from Jaeger's query API (the Jaeger built here has no
# UI assets). The test asserts the trace's shape before the picture is written.
#   bash scripts/backends/ensure-all.sh && bash scripts/screenshots/flow-trace.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH" NODE_OPTIONS=--experimental-vm-modules
TRACE_PICTURE=write jest --forceExit stack/test/trace-picture.test.ts
echo "wrote docs/images/traces/flow-trace.svg"
