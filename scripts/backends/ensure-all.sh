#!/usr/bin/env bash
# Installs or reuses every real backend the tests need, then writes $OAUTH_OTEL_CACHE/backends.json
# (the paths, read by stack/test/support/backends.ts). Idempotent: a second run takes seconds.
# The apt installs and the Go builds run in parallel (different locks).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
mkdir -p "$OAUTH_OTEL_CACHE"
start=$SECONDS

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
pids=()
names=(collector victorialogs jaeger prometheus alertmanager chromium)
for name in "${names[@]}"; do
  bash "$here/ensure-$name.sh" >"$logs/$name.out" 2>"$logs/$name.err" &
  pids+=($!)
done
failed=0
for i in "${!names[@]}"; do
  if ! wait "${pids[$i]}"; then
    failed=1
    log "ensure-${names[$i]}.sh failed:"
    cat "$logs/${names[$i]}.err" >&2
  fi
done
[ "$failed" = 0 ] || die "some backends could not be installed"
grep -h '^\[backends\]' "$logs"/*.err >&2 || true

json="$OAUTH_OTEL_CACHE/backends.json"
cat >"$json.tmp.$$" <<JSON
{
  "prometheus": "$(prometheus_bin)",
  "promtool": "$(promtool_bin)",
  "alertmanager": "$(alertmanager_bin)",
  "collector": "$(collector_bin)",
  "collectorManifestSha256": "$(manifest_sha)",
  "victoriaLogs": "$(victorialogs_bin)",
  "jaeger": "$(jaeger_bin)",
  "chromium": "$(chromium_bin)"
}
JSON
mv -f "$json.tmp.$$" "$json"
log "all backends ready in $((SECONDS - start)) s; paths in $json"
cat "$json"
echo
