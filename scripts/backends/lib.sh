# Shared helpers for scripts/backends/*.sh. Sourced, never run.
# Everything is cached outside the clone, under $OAUTH_OTEL_CACHE (default ~/.cache/oauth-otel).

OAUTH_OTEL_CACHE="${OAUTH_OTEL_CACHE:-$HOME/.cache/oauth-otel}"
export OAUTH_OTEL_CACHE
BACKENDS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BACKENDS_DIR/../.." && pwd)"

# Pinned versions (see stack/collector/manifest.yaml for the collector's own version set).
VICTORIALOGS_MODULE="github.com/VictoriaMetrics/VictoriaLogs"
VICTORIALOGS_VERSION="v1.52.1"
COLLECTOR_MANIFEST="$REPO_ROOT/stack/collector/manifest.yaml"
# Jaeger v2 is a program built as a tool of a scratch module (see ensure-jaeger.sh); newer tags are
# served by the proxy but are not approved releases.
JAEGER_MODULE="github.com/jaegertracing/jaeger"
JAEGER_VERSION="v1.75.0"
COLLECTOR_BINARY_NAME="otelcol-oauth"
# Prometheus 3 and Alertmanager: the releases docker-compose.yml pins (prom/prometheus:vX,
# prom/alertmanager:vX); stack/test/compose-versions.test.ts fails when they differ.
PROMETHEUS3_VERSION="3.13.5"
ALERTMANAGER_VERSION="0.35.0"

# Keep GOPROXY/GOSUMDB/GOFLAGS as the machine sets them; never let go fetch another toolchain.
export GOTOOLCHAIN=local

log() { printf '[backends] %s\n' "$*" >&2; }
die() { printf '[backends] ERROR: %s\n' "$*" >&2; exit 1; }

# Run the rest of the calling script under an exclusive lock, so parallel callers (tests, CI,
# another shell) wait for one install instead of racing.
with_lock() {
  local name="$1"
  mkdir -p "$OAUTH_OTEL_CACHE/locks"
  exec {__lock_fd}>"$OAUTH_OTEL_CACHE/locks/$name.lock"
  flock "$__lock_fd"
}

# The apt binaries live where Debian puts them.
chromium_bin() { echo /usr/bin/chromium; }

# Prometheus 3.MM.P is the Go module github.com/prometheus/prometheus v0.3MM.P.
prometheus3_module_version() {
  local IFS=.; set -- $PROMETHEUS3_VERSION
  printf 'v0.%d%02d.%d' "$1" "$2" "$3"
}
prometheus_bin() { echo "$OAUTH_OTEL_CACHE/prometheus3/$PROMETHEUS3_VERSION/prometheus"; }
promtool_bin() { echo "$OAUTH_OTEL_CACHE/prometheus3/$PROMETHEUS3_VERSION/promtool"; }
alertmanager_bin() { echo "$OAUTH_OTEL_CACHE/alertmanager/$ALERTMANAGER_VERSION/alertmanager"; }

victorialogs_bin() { echo "$OAUTH_OTEL_CACHE/victorialogs/$VICTORIALOGS_VERSION/victoria-logs"; }
jaeger_bin() { echo "$OAUTH_OTEL_CACHE/jaeger/$JAEGER_VERSION/jaeger"; }

# Cache key of the collector build: sha256 of the manifest without comment and blank lines (so
# editing a comment does not cost a rebuild). stack/test/support/backends.ts computes the same.
manifest_sha() { grep -v -E '^[[:space:]]*(#|$)' "$COLLECTOR_MANIFEST" | sha256sum | cut -c1-64; }
# Version of the builder = the core version the manifest pins (ocb's strict versioning): taken
# from the otlpreceiver line, so the two can never drift apart.
collector_ocb_version() {
  sed -n 's#^.*gomod: *go.opentelemetry.io/collector/receiver/otlpreceiver \(v[0-9][0-9.]*\).*$#\1#p' "$COLLECTOR_MANIFEST" | head -1
}
ocb_bin() { echo "$OAUTH_OTEL_CACHE/ocb/$(collector_ocb_version)/builder"; }
collector_dir() { echo "$OAUTH_OTEL_CACHE/collector/$(manifest_sha)"; }
collector_bin() { echo "$(collector_dir)/$COLLECTOR_BINARY_NAME"; }

# apt-get install with --no-install-recommends; waits for the dpkg lock (others may be installing),
# refreshes the package lists and retries once if the lists are missing or stale.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -y --no-install-recommends)
  if ! "${apt[@]}" install "$@"; then
    log "apt-get install failed; running apt-get update and retrying"
    apt-get -o DPkg::Lock::Timeout=600 update
    "${apt[@]}" install "$@"
  fi
}

# Is a Debian package installed (fully configured)?
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Install Debian packages without letting their maintainer scripts start any daemon:
# a temporary policy-rc.d answers 101 ("action forbidden") to invoke-rc.d / deb-systemd-invoke.
apt_install_no_start() {
  local policy=/usr/sbin/policy-rc.d
  if [ -e "$policy" ]; then apt_install "$@"; return; fi
  # In a subshell, so the trap removes our policy-rc.d however the install ends.
  (
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    apt_install "$@"
  )
}
