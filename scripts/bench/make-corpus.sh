#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Build the full benchmark corpus outside the repository: every Debian kernel apt knows (amd64
# and, once arm64 is a foreign architecture, arm64) in BTFHub layout, plus real arm64 CO-RE
# objects cut out of Debian's libbpf-tools:arm64 (the repository only has x86_64 ones).
#
# usage: scripts/bench/make-corpus.sh [DATA_DIR]   (default /work/corpus; JOBS=2 downloads)
# Writes DATA_DIR/btfhub/..., DATA_DIR/objects/arm64/*.bpf.o, log in DATA_DIR/build.log.
# Needs root for dpkg --add-architecture; without arm64 the corpus is x86_64 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(realpath -m "${1:-/work/corpus}")
tool=${KERNEL_CORPUS:-$here/../../../shared/tools/kernel-corpus.sh}
[[ -x $tool ]] || tool=/work/shared/tools/kernel-corpus.sh
if [[ ! -x $tool ]]; then
	echo "make-corpus: kernel-corpus.sh not found (set KERNEL_CORPUS=)" >&2
	exit 2
fi
mkdir -p "$data"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	if dpkg --add-architecture arm64 && apt-get update -q >/dev/null; then
		echo "make-corpus: added arm64 as a foreign architecture"
	else
		echo "make-corpus: WARNING: cannot add arm64; x86_64 kernels only" >&2
	fi
fi

# Real arm64 objects: the skeletons of libbpf-tools:arm64 embed them.
if dpkg --print-foreign-architectures | grep -qx arm64; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	(cd "$work" && apt-get download -q libbpf-tools:arm64 >/dev/null 2>&1) &&
		dpkg-deb -x "$work"/libbpf-tools_*_arm64.deb "$work/root" &&
		mapfile -t bins < <(find "$work/root" -type f -path '*bin/*') &&
		python3 "$here/skel-objects.py" "$data/objects/arm64" "${bins[@]}" ||
		echo "make-corpus: WARNING: no arm64 objects (libbpf-tools:arm64 unavailable)" >&2
fi

echo "make-corpus: kernels -> $data/btfhub (log: $data/build.log)"
JOBS=${JOBS:-2} "$tool" "$data/btfhub" >"$data/build.log" 2>&1
echo "make-corpus: $(grep -c '^ok' "$data/build.log") kernels," \
	"$(du -sh "$data/btfhub" | cut -f1); skipped: $(grep -vc '^ok' "$data/build.log" || true)"
