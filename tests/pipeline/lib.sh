# SPDX-License-Identifier: BSD-2-Clause
# tests/pipeline: shared helpers for the batch-run tests (sourced).
# shellcheck shell=sh
set -u
export LC_ALL=C
: "${BTFGEN:?set BTFGEN to btfgen-batch}"
: "${DATA:?set DATA to test-data}"
DATA=$(cd "$DATA" && pwd)
work=$(mktemp -d /tmp/btfgen-pipeline.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

ok() {
	echo "ok: $*"
}

finish() {
	[ $fails -eq 0 ] && { echo PASS; exit 0; }
	echo "$fails failure(s)"
	exit 1
}

# manifest FILE ARCHIVE OUTPUT [EXTRA_JSON]: a manifest over the test objects
manifest() {
	cat > "$1" <<JSON
{ "version": 1, "archive": "$2",
  "objects": { "x86_64": ["$DATA/objects/libbpf-tools/*.bpf.o"],
               "arm64": ["$DATA/objects/own/arm64/*.bpf.o"] },
  "output": "$3"${4:+, $4} }
JSON
}

# index BUNDLE: print index.json of a zstd bundle
index() {
	zstd -dcq "$1" | tar -xO index.json
}
