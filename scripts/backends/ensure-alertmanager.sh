#!/usr/bin/env bash
# Alertmanager at the release docker-compose.yml pins (ALERTMANAGER_VERSION in lib.sh). `go install`
# fails: ui/web.go embeds ui/app/dist, which the module does not contain (the UI is built by npm at
# release time). We build a writable copy of the module with placeholder UI pages: the API and the
# notification pipeline are the real ones, only the web UI is missing. Cached under
# $OAUTH_OTEL_CACHE/alertmanager/<version>/ (~5 min cold). Prints the binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock alertmanager

bin="$(alertmanager_bin)"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || die "go is not on PATH"
  module="github.com/prometheus/alertmanager"
  dir="$(dirname "$bin")"
  work="$dir.build.$$"
  rm -rf "$work"; mkdir -p "$work"
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  log "building alertmanager $ALERTMANAGER_VERSION from $module@v$ALERTMANAGER_VERSION (~5 min cold)"
  start=$SECONDS
  (
    src="$(go mod download -json "$module@v$ALERTMANAGER_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
    [ -d "$src" ] || { echo "cannot download $module@v$ALERTMANAGER_VERSION"; exit 1; }
    cp -R "$src" "$work/src"
    chmod -R u+w "$work/src"
    cd "$work/src"
    for ui in elm mantine; do
      mkdir -p "ui/app/dist/$ui"
      printf '<!doctype html><title>Alertmanager</title><p>Web UI not built (oauth-otel test build); the API is at /api/v2/.\n' \
        >"ui/app/dist/$ui/index.html"
    done
    v=github.com/prometheus/common/version
    CGO_ENABLED=0 go build -o "$work/alertmanager" -ldflags "-X $v.Version=$ALERTMANAGER_VERSION \
      -X $v.Revision=v$ALERTMANAGER_VERSION -X $v.Branch=module-proxy -X $v.BuildUser=oauth-otel \
      -X $v.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" ./cmd/alertmanager
  ) >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log" >&2; die "alertmanager $ALERTMANAGER_VERSION build failed"; }
  mkdir -p "$dir"
  mv -f "$work/alertmanager" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
  trap - EXIT
  chmod -R u+w "$work"; rm -rf "$work"
  log "alertmanager $ALERTMANAGER_VERSION built in $((SECONDS - start)) s"
fi

"$bin" --version 2>&1 | head -1 >&2
"$bin" --version 2>&1 | head -1 | grep -q "version $ALERTMANAGER_VERSION " || die "$bin is not $ALERTMANAGER_VERSION"
log "alertmanager: $bin"
echo "$bin"
