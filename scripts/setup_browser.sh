#!/usr/bin/env bash
# What the browser tests need beyond `make setup`: Debian's Chromium (Playwright
# drives it; it never downloads a browser of its own). Needs root or sudo on a
# fresh machine; on other systems set CHROMIUM=/path/to/chromium instead.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "==> installing Chromium from Debian's packages (for the browser tests)"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium fonts-dejavu-core >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null 2>&1
  $SUDO apt-get install -y -q chromium fonts-dejavu-core >/dev/null
}
command -v chromium >/dev/null 2>&1 || { echo "ERROR: could not install chromium; set CHROMIUM=/path/to/chromium" >&2; exit 1; }
