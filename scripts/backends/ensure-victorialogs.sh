#!/usr/bin/env bash
# VictoriaLogs (Apache-2.0), the real log store behind the collector in tests (stands in for Loki,
# which is AGPL and cannot be built here). Built once with `go install` into the cache.
# Prints the binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock victorialogs

bin="$(victorialogs_bin)"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || die "go is not on PATH"
  log "building victoria-logs $VICTORIALOGS_VERSION (go install; takes a few minutes on 2 cores)"
  start=$SECONDS
  tmp="$(dirname "$bin").tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  GOBIN="$tmp" CGO_ENABLED=0 go install "$VICTORIALOGS_MODULE/app/victoria-logs@$VICTORIALOGS_VERSION"
  mkdir -p "$(dirname "$bin")"
  mv -f "$tmp/victoria-logs" "$bin"
  rm -rf "$tmp"
  log "victoria-logs built in $((SECONDS - start)) s"
fi

"$bin" -version 2>&1 | head -1 >&2 || true
log "victoria-logs: $bin"
echo "$bin"
