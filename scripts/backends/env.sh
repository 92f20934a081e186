# Source this file (`source scripts/backends/env.sh`) to export the paths of the real backends the
# tests run. It only computes paths (it installs nothing): run scripts/backends/ensure-all.sh first.
# The same paths are written to $OAUTH_OTEL_CACHE/backends.json by ensure-all.sh for node tests.
__oauth_otel_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# lib.sh sets GOTOOLCHAIN and defines helpers; keep the caller's shell options intact.
source "$__oauth_otel_env_dir/lib.sh"
unset __oauth_otel_env_dir
export OAUTH_OTEL_PROMETHEUS_BIN="$(prometheus_bin)"
export OAUTH_OTEL_PROMTOOL_BIN="$(promtool_bin)"
export OAUTH_OTEL_ALERTMANAGER_BIN="$(alertmanager_bin)"
export OAUTH_OTEL_COLLECTOR_BIN="$(collector_bin)"
export OAUTH_OTEL_VICTORIALOGS_BIN="$(victorialogs_bin)"
export OAUTH_OTEL_JAEGER_BIN="$(jaeger_bin)"
export OAUTH_OTEL_CHROMIUM_BIN="$(chromium_bin)"
