#!/usr/bin/env bash
# The OpenTelemetry Collector, built with the OpenTelemetry Collector Builder (ocb) from
# stack/collector/manifest.yaml. The binary is cached under
# $OAUTH_OTEL_CACHE/collector/<sha256 of the manifest without comments>/, so editing the manifest triggers a rebuild
# and reverting it reuses the old build. A cold build downloads ~1–2 min of modules and compiles for
# several minutes on 2 cores. Prints the binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock collector

[ -f "$COLLECTOR_MANIFEST" ] || die "missing $COLLECTOR_MANIFEST"
version="$(collector_ocb_version)"
[ -n "$version" ] || die "cannot find the otlpreceiver version in $COLLECTOR_MANIFEST"
bin="$(collector_bin)"
dir="$(collector_dir)"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || die "go is not on PATH"
  total_start=$SECONDS

  # 1. ocb itself, at the components' version.
  ocb="$(ocb_bin)"
  if [ ! -x "$ocb" ]; then
    log "installing ocb (go.opentelemetry.io/collector/cmd/builder@$version)"
    start=$SECONDS
    tmp="$(dirname "$ocb").tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    GOBIN="$tmp" CGO_ENABLED=0 go install "go.opentelemetry.io/collector/cmd/builder@$version"
    mkdir -p "$(dirname "$ocb")"
    mv -f "$tmp/builder" "$ocb"
    rm -rf "$tmp"
    log "ocb installed in $((SECONDS - start)) s"
  fi

  # 2. The collector. ocb writes sources and the binary into output_path; point it at a scratch
  # directory next to the final one, then move the result into place (no half-built binary is ever
  # visible under the final path).
  work="$dir.build.$$"
  rm -rf "$work"; mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  sed "s#^\\( *output_path:\\).*#\\1 $work/src#" "$COLLECTOR_MANIFEST" >"$work/manifest.yaml"
  log "building the collector from $COLLECTOR_MANIFEST (sha256 $(manifest_sha | cut -c1-12)…, ocb $version)"
  start=$SECONDS
  CGO_ENABLED=0 "$ocb" --config="$work/manifest.yaml" >"$work/build.log" 2>&1 || {
    tail -n 60 "$work/build.log" >&2
    die "ocb build failed (full log above was $work/build.log)"
  }
  mkdir -p "$dir"
  cp "$COLLECTOR_MANIFEST" "$dir/manifest.yaml"
  cp "$work/build.log" "$dir/build.log"
  mv -f "$work/src/$COLLECTOR_BINARY_NAME" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
  rm -rf "$work"
  trap - EXIT
  log "collector built in $((SECONDS - start)) s (total $((SECONDS - total_start)) s)"
fi

"$bin" --version >&2 || die "$bin does not run"
log "collector: $bin"
echo "$bin"
