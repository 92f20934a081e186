#!/usr/bin/env bash
# Prometheus 2.42 + promtool from Debian's `prometheus` package. The package's own service is never
# started (and stopped if anything started it): tests run the binary themselves on 127.0.0.1.
# Prints the prometheus binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock apt

if ! deb_installed prometheus || [ ! -x "$(prometheus_bin)" ] || [ ! -x "$(promtool_bin)" ]; then
  log "installing Debian package prometheus"
  start=$SECONDS
  apt_install_no_start prometheus
  log "prometheus installed in $((SECONDS - start)) s"
fi

# Make sure the packaged daemon is not running (a machine with systemd, or an earlier install
# without our policy-rc.d, may have started it on :9090). Only the packaged instance is touched:
# it runs as the `prometheus` user with the package's config file.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus.service >/dev/null 2>&1 || true
fi
if [ -x /etc/init.d/prometheus ]; then /etc/init.d/prometheus stop >/dev/null 2>&1 || true; fi
for pid in $(pgrep -u prometheus -x prometheus 2>/dev/null || true); do
  log "stopping packaged prometheus daemon (pid $pid)"
  kill "$pid" 2>/dev/null || true
done

"$(prometheus_bin)" --version 2>&1 | head -1 >&2
log "prometheus: $(prometheus_bin)"
log "promtool:   $(promtool_bin)"
prometheus_bin
