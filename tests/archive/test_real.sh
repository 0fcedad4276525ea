#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every real test-data archive reads to the bytes of `xz -dc | tar -xO`, with the SHA-256 of
# sha256sum; the same BTF stored as .tar.gz, .tar.zst, plain .tar and raw .btf (both byte orders
# of the magic are sniffed) reads the same, whatever the file is named.
# usage: test_real.sh KA_CAT TEST_DATA
set -eu
KA_CAT=$1
DATA=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

n=0
for f in $(find "$DATA/btfhub" -name '*.btf.tar.xz' -type f | sort); do
	xz -dc "$f" | tar -xO >"$T/expect"
	sha=$("$KA_CAT" -s "$f" "$T/got") || fail "$f: $sha"
	cmp -s "$T/expect" "$T/got" || fail "$f: bytes differ from xz -dc | tar -xO"
	[ "$sha" = "$(sha256sum <"$f" | cut -d' ' -f1)" ] || fail "$f: sha256 $sha"
	# The same through kernel_archive__load() + __read_mem().
	sha2=$("$KA_CAT" -l -s "$f" "$T/got") || fail "$f (load): $sha2"
	cmp -s "$T/expect" "$T/got" || fail "$f (load): bytes differ"
	[ "$sha2" = "$sha" ] || fail "$f (load): sha256 $sha2"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no archive under $DATA/btfhub"
echo "ok: $n real archives"

# One kernel in every accepted container.
f=$(find "$DATA/btfhub" -name '*.btf.tar.xz' -type f | sort | head -n1)
xz -dc "$f" >"$T/k.tar"
tar -xOf "$T/k.tar" >"$T/k.btf"
gzip -c "$T/k.tar" >"$T/k.btf.tar.gz"
zstd -q -c "$T/k.tar" >"$T/k.btf.tar.zst"
cp "$T/k.tar" "$T/plain.btf.tar"
cp "$T/k.btf.tar.gz" "$T/misnamed.btf.tar.xz"  # detected by content, not by name
cp "$T/k.btf" "$T/raw.btf"
for v in k.btf.tar.gz k.btf.tar.zst plain.btf.tar misnamed.btf.tar.xz raw.btf; do
	out=$("$KA_CAT" "$T/$v" "$T/got") || fail "$v: $out"
	cmp -s "$T/k.btf" "$T/got" || fail "$v: bytes differ"
	out=$("$KA_CAT" -l "$T/$v" "$T/got") || fail "$v (load): $out"
	cmp -s "$T/k.btf" "$T/got" || fail "$v (load): bytes differ"
done
# A big-endian BTF starts EB 9F: still taken as raw BTF (libbpf judges the rest).
printf '\353\237' >"$T/be.btf"
head -c 64 /dev/zero >>"$T/be.btf"
out=$("$KA_CAT" "$T/be.btf" "$T/got") || fail "be.btf: $out"
cmp -s "$T/be.btf" "$T/got" || fail "be.btf: bytes differ"
echo "ok: gzip, zstd, plain tar, raw BTF (both byte orders), misnamed"
