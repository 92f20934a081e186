#!/usr/bin/env bash
# Jaeger v2 (Apache-2.0), the real trace store behind the collector in tests (stands in for Grafana
# Tempo, which is AGPL and cannot be built here). github.com/jaegertracing/jaeger v1.75.0 is a
# program, not a library: `go install` is refused, so it is added as a tool of a scratch module and
# built there (~10 min cold on 2 cores). Cached under $OAUTH_OTEL_CACHE/jaeger/<version>/.
# Prints the binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock jaeger

bin="$(jaeger_bin)"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || die "go is not on PATH"
  log "building jaeger $JAEGER_VERSION (go get -tool + go build; ~10 min cold on 2 cores)"
  start=$SECONDS
  work="$(dirname "$bin").build.$$"
  rm -rf "$work"; mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  (
    cd "$work"
    go mod init jaegerbuild >/dev/null 2>&1
    go get -tool "$JAEGER_MODULE/cmd/jaeger@$JAEGER_VERSION"
    CGO_ENABLED=0 go build -trimpath -o jaeger "$JAEGER_MODULE/cmd/jaeger"
  ) >"$work.log" 2>&1 || { tail -n 60 "$work.log" >&2; die "jaeger build failed"; }
  mkdir -p "$(dirname "$bin")"
  mv -f "$work/jaeger" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
  rm -rf "$work" "$work.log"
  trap - EXIT
  log "jaeger built in $((SECONDS - start)) s"
fi

"$bin" version >/dev/null 2>&1 || "$bin" --help >/dev/null 2>&1 || die "$bin does not run"
log "jaeger: $bin"
echo "$bin"
