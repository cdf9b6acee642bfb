#!/usr/bin/env bash
# Browser tests use Debian's chromium + chromium-driver. Install them when missing (root only).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo ">> installing Debian's chromium and chromium-driver for the browser tests"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "WARNING: chromium is missing and cannot be installed (not root): browser tests will be skipped" >&2
fi
