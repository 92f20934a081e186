#!/usr/bin/env bash
# Chromium from Debian's `chromium` package (Playwright uses it through executablePath; it never
# downloads a browser of its own). Prints the binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
with_lock apt

# fonts-liberation: without any font, headless screenshots render text as boxes (it is only a
# Recommends of chromium, and we install with --no-install-recommends).
if ! deb_installed chromium || ! deb_installed fonts-liberation || [ ! -x "$(chromium_bin)" ]; then
  log "installing Debian package chromium"
  start=$SECONDS
  apt_install_no_start chromium fonts-liberation
  log "chromium installed in $((SECONDS - start)) s"
fi

"$(chromium_bin)" --version 2>/dev/null | head -1 >&2 || true
log "chromium: $(chromium_bin)"
chromium_bin
