#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install what building and testing btfgen-batch needs (Debian 12), then build build/btfgen-batch.
# usage: scripts/setup.sh [--deps-only]
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential cmake pkg-config git clang llvm libbpf-dev libelf-dev libarchive-dev
liblzma-dev zlib1g-dev libjansson-dev libzstd-dev libclang-rt-14-dev bpftool xz-utils zstd gzip tar jq time
python3 python3-yaml bc clang-format shellcheck"
# tests/report renders report.html in headless Chromium
PKGS="$PKGS chromium"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -q
	# $missing is a space-separated list of package names: split it on purpose
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
[ "${1:-}" = "--deps-only" ] && exit 0

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
