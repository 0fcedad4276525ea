#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Build the full benchmark corpus outside the repository: Debian's kernels (bullseye, bookworm
# with security and backports, trixie; amd64 and arm64) in BTFHub layout, plus real arm64
# CO-RE objects cut out of Debian's libbpf-tools:arm64 (the repository only has x86_64 ones).
#
# usage: scripts/bench/make-corpus.sh [DATA_DIR] [PACKAGE...]
#   DATA_DIR defaults to /work/corpus. PACKAGEs default to corpus-packages.txt (beside this
#   script: the 191 kernels the benchmarks in docs/bench.md ran on); ALL=1 takes every
#   linux-image-<ver>-<flavour> apt knows for amd64 and arm64 (~500). JOBS=2 downloads at a time.
# Writes DATA_DIR/btfhub/..., DATA_DIR/objects/arm64/*.bpf.o, log in DATA_DIR/build.log.
# apt runs with a private sources list and state directory (../shared/tools/corpus-sources.sh):
# the system's apt configuration and dpkg architectures are not touched, and no root is needed
# beyond what apt-get download needs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(realpath -m "${1:-/work/corpus}")
[[ $# -gt 0 ]] && shift
tools=${KERNEL_CORPUS_TOOLS:-$here/../../../shared/tools}
[[ -x $tools/kernel-corpus.sh ]] || tools=/work/shared/tools
if [[ ! -x $tools/kernel-corpus.sh || ! -f $tools/corpus-sources.sh ]]; then
	echo "make-corpus: kernel-corpus.sh / corpus-sources.sh not found (set KERNEL_CORPUS_TOOLS=)" >&2
	exit 2
fi
mkdir -p "$data"

apt_dir=$(mktemp -d)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
sh "$tools/corpus-sources.sh" >"$apt_dir/sources.list"
APT_OPTS="-o Dir::Etc::SourceList=$apt_dir/sources.list -o Dir::Etc::SourceParts=/dev/null"
APT_OPTS+=" -o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache"
APT_OPTS+=" -o APT::Architectures::=amd64 -o APT::Architectures::=arm64"
export APT_OPTS
# shellcheck disable=SC2086 # APT_OPTS is a list of options without spaces in their values
apt-get $APT_OPTS update -q >/dev/null

# Real arm64 objects: the skeletons of libbpf-tools:arm64 embed them.
mkdir -p "$apt_dir/deb"
# shellcheck disable=SC2086
if (cd "$apt_dir/deb" && apt-get $APT_OPTS download -q libbpf-tools:arm64 >/dev/null 2>&1) &&
	dpkg-deb -x "$apt_dir"/deb/libbpf-tools_*_arm64.deb "$apt_dir/root"; then
	mapfile -t bins < <(find "$apt_dir/root" -type f -path '*bin/*')
	python3 "$here/skel-objects.py" "$data/objects/arm64" "${bins[@]}"
else
	echo "make-corpus: WARNING: no arm64 objects (libbpf-tools:arm64 unavailable)" >&2
fi

pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 && -z ${ALL:-} ]]; then
	mapfile -t pkgs <"$here/corpus-packages.txt"
fi
echo "make-corpus: kernels -> $data/btfhub (log: $data/build.log)"
JOBS=${JOBS:-2} "$tools/kernel-corpus.sh" "$data/btfhub" "${pkgs[@]}" >"$data/build.log" 2>&1
echo "make-corpus: $(grep -c '^ok' "$data/build.log") kernels," \
	"$(du -sh "$data/btfhub" | cut -f1); skipped: $(grep -vc '^ok' "$data/build.log" || true)"
