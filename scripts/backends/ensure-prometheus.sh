#!/usr/bin/env bash
# Prometheus 3 + promtool at the release docker-compose.yml pins (PROMETHEUS3_VERSION in lib.sh;
# stack/test/compose-versions.test.ts fails when the two differ). `go install …@v0.3MM.P` is refused
# because the module's go.mod carries a `replace`, so we build from a small module of our own that
# copies those replace lines. Cached under $OAUTH_OTEL_CACHE/prometheus3/<version>/ (~10 min cold on
# 2 cores, seconds warm). Prints the prometheus binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock prometheus3

bin="$(prometheus_bin)"
tool="$(promtool_bin)"
if [ ! -x "$bin" ] || [ ! -x "$tool" ]; then
  command -v go >/dev/null || die "go is not on PATH"
  module="github.com/prometheus/prometheus"
  modver="$(prometheus3_module_version)"
  dir="$(dirname "$bin")"
  work="$dir.build.$$"
  rm -rf "$work"; mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  log "building prometheus + promtool $PROMETHEUS3_VERSION ($module@$modver; ~10 min cold)"
  start=$SECONDS
  (
    cd "$work"
    go mod init oauth-otel/prometheus-build >/dev/null 2>&1
    # The replace lines of the module's own go.mod (go ignores them in a dependency).
    gomod="$(go mod download -json "$module@$modver" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
    [ -f "$gomod" ] || die "cannot download $module@$modver"
    awk '/^replace \(/{b=1;next} b&&/^\)/{b=0;next} b{print;next} /^replace /{sub(/^replace /,"");print}' "$gomod" |
      while read -r old _arrow new newver; do
        go mod edit -replace "$old=$new@$newver"
      done
    go get -tool "$module/cmd/prometheus@$modver" "$module/cmd/promtool@$modver"
    v=github.com/prometheus/common/version
    CGO_ENABLED=0 go build -o "$work/out/" -ldflags "-X $v.Version=$PROMETHEUS3_VERSION -X $v.Revision=$modver \
      -X $v.Branch=module-proxy -X $v.BuildUser=oauth-otel -X $v.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
      "$module/cmd/prometheus" "$module/cmd/promtool"
  ) >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log" >&2; die "prometheus $PROMETHEUS3_VERSION build failed"; }
  mkdir -p "$dir"
  mv -f "$work/out/promtool" "$tool"
  mv -f "$work/out/prometheus" "$bin"
  rm -rf "$work"
  trap - EXIT
  log "prometheus $PROMETHEUS3_VERSION built in $((SECONDS - start)) s"
fi

"$bin" --version 2>&1 | head -1 >&2
"$bin" --version 2>&1 | head -1 | grep -q "version $PROMETHEUS3_VERSION " || die "$bin is not $PROMETHEUS3_VERSION"
log "prometheus 3: $bin"
log "promtool 3:   $tool"
echo "$bin"
