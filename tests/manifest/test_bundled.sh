#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The bundled example test-data/manifest.json loads and selects every kernel of test-data/btfhub
# (it has objects for both arches), its objects being exactly the files its globs name.
# Skips (77) while test-data/objects/own/arm64 has no object yet.
# usage: test_bundled.sh MF_DUMP TEST_DATA
set -eu
MF_DUMP=$1
DATA=$(cd "$2" && pwd -P)
export LC_ALL=C
if ! ls "$DATA"/objects/own/arm64/*.bpf.o >/dev/null 2>&1; then
	echo "skip: no arm64 object in $DATA/objects/own/arm64 yet"
	exit 77
fi
out=$("$MF_DUMP" "$DATA/manifest.json") || { echo "FAIL: $out"; exit 1; }
want=$(cd "$DATA/btfhub" && find . -mindepth 4 -maxdepth 4 -type f -name '*.btf.tar.xz' |
	sed -e 's|^\./||' -e 's|\.btf\.tar\.xz$||' | sort -t/ -k1,1 -k2,2 -k3,3 -k4,4)
got=$(printf '%s\n' "$out" | sed -n 's/^kernel \([^ ]*\) .*/\1/p')
[ "$want" = "$got" ] || { echo "FAIL: kernels differ"; printf '%s\n' "$got"; exit 1; }
for a in x86_64:libbpf-tools arm64:own/arm64; do
	want=$(printf '%s\n' "$DATA/objects/${a#*:}"/*.bpf.o | sort)
	got=$(printf '%s\n' "$out" | sed -n "s/^object ${a%%:*} //p")
	[ "$want" = "$got" ] || { echo "FAIL: ${a%%:*} objects differ"; exit 1; }
done
printf '%s\n' "$out" | grep -qx "output $(dirname "$DATA")/out/example-btfs.tar.zst" ||
	{ echo "FAIL: output"; exit 1; }
echo "ok: bundled manifest, $(printf '%s\n' "$out" | grep -c '^kernel ') kernels"
