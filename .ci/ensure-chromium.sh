#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser test: installs it
# (with brotli, which build.sh uses) when run as root on a machine with
# apt-get, and otherwise fails with one line saying how to install it. It never
# downloads a browser from anywhere else.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
	exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
	echo "ensure-chromium: installing chromium and brotli with apt-get" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends chromium brotli
	exit 0
fi
echo "ensure-chromium: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium brotli" >&2
exit 1
