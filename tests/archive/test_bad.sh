#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bad inputs fail with the expected errno and cause: corrupt, truncated, empty, not an archive,
# unsafe member paths, symlink/hardlink/device/directory named *.btf, none or two .btf members,
# and members over the caps (small caps given here).
# usage: test_bad.sh KA_CAT TEST_DATA MKBAD_PY
set -eu
KA_CAT=$1
DATA=$(cd "$2" && pwd)
MKBAD=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

# expect FILE 'errno: cause substring' [ka_cat options...]
expect() {
	file=$1
	want=$2
	shift 2
	rc=0
	out=$("$KA_CAT" "$@" "$T/$file") || rc=$?
	if [ "$rc" != 1 ]; then
		# 0: accepted; anything else: a crash or a sanitizer report (leak on an error path).
		echo "FAIL: $file: exit $rc, want 1"
		fails=$((fails + 1))
		return
	fi
	case "$out" in
	"error $want"*) echo "ok: $file: $out" ;;
	*)
		echo "FAIL: $file: got '$out', want 'error $want'"
		fails=$((fails + 1))
		;;
	esac
}

f=$(find "$DATA/btfhub" -name '*.btf.tar.xz' -type f | sort | head -n1)
size=$(stat -c %s "$f")
xz -dc "$f" | tar -xO >"$T/k.btf"

# Corrupt: bytes flipped in the middle of the LZMA2 data, and in the stream footer.
cp "$f" "$T/corrupt.tar.xz" && chmod u+w "$T/corrupt.tar.xz"
printf '\377\000\377\000' |
	dd of="$T/corrupt.tar.xz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect corrupt.tar.xz 'EBADMSG: corrupt xz stream'
cp "$f" "$T/corrupt-tail.tar.xz" && chmod u+w "$T/corrupt-tail.tar.xz"
printf '\377' | dd of="$T/corrupt-tail.tar.xz" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
expect corrupt-tail.tar.xz 'EBADMSG: corrupt xz stream'

# Truncated: in the middle, at the very end (footer missing), right after the header.
head -c $((size / 2)) "$f" >"$T/truncated.tar.xz"
expect truncated.tar.xz 'EBADMSG: truncated xz stream'
head -c $((size - 1)) "$f" >"$T/truncated-end.tar.xz"
expect truncated-end.tar.xz 'EBADMSG: truncated xz stream'
head -c 100 "$f" >"$T/truncated-head.tar.xz"
expect truncated-head.tar.xz 'EBADMSG: truncated xz stream'
xz -dc "$f" | zstd -q -c >"$T/k.tar.zst"
head -c $(($(stat -c %s "$T/k.tar.zst") / 2)) "$T/k.tar.zst" >"$T/truncated.tar.zst"
expect truncated.tar.zst 'EBADMSG: truncated zstd stream'
xz -dc "$f" | gzip -c >"$T/k.tar.gz"
head -c $(($(stat -c %s "$T/k.tar.gz") / 2)) "$T/k.tar.gz" >"$T/truncated.tar.gz"
expect truncated.tar.gz 'EBADMSG: truncated gzip stream'
xz -dc "$f" | head -c 100000 >"$T/truncated.tar"
expect truncated.tar 'EBADMSG: truncated tar stream'

# Not an archive at all.
: >"$T/empty.btf.tar.xz"
expect empty.btf.tar.xz 'EBADMSG: empty file'
head -c 4096 /dev/urandom | tr '\237\353' '[x*]' >"$T/random.btf.tar.xz"
expect random.btf.tar.xz 'EBADMSG: not a tar archive'
echo 'not a kernel' >"$T/text.btf.tar.xz"
expect text.btf.tar.xz 'EBADMSG: not a tar archive'
mkdir "$T/dir.btf.tar.xz"
expect dir.btf.tar.xz 'EISDIR: not a regular file'
expect missing.btf.tar.xz 'ENOENT: cannot open'
mkfifo "$T/fifo.btf.tar.xz"
expect fifo.btf.tar.xz 'EINVAL: not a regular file'

# Well-formed tars with bad members.
python3 "$MKBAD" "$T" "$T/k.btf"
expect traversal.tar.xz "EINVAL: unsafe member path '../evil.btf'"
expect traversal-deep.tar.xz "EINVAL: unsafe member path 'a/../../etc/x.btf'"
expect absolute.tar.xz "EINVAL: unsafe member path '/abs.btf'"
expect traversal-other.tar.xz "EINVAL: unsafe member path '../notes.txt'"
expect symlink.tar.xz "EINVAL: member 'k.btf' is a symlink"
expect hardlink.tar.xz "EINVAL: member 'k.btf' is a hardlink"
expect device.tar.xz "EINVAL: member 'k.btf' is a device"
expect directory.tar.xz "EINVAL: member 'k.btf/' is a directory"
expect two.tar.xz "EINVAL: 2 .btf members ('a.btf', 'b.btf')"
expect none.tar.xz 'EINVAL: no .btf member'
expect empty-tar.tar.xz 'EINVAL: no .btf member'

# Caps: member over max_member (header check), skipped data over max_total, input over max_input,
# raw BTF over max_member; and the same files pass under the default caps.
expect oversized.tar.xz "EFBIG: member 'k.btf' exceeds 1 MiB" -m 1048576
expect oversized-other.tar.xz "EFBIG: archive exceeds 1 MiB decompressed (at member 'filler')" \
	-t 1048576
cp "$f" "$T/real.tar.xz"
expect real.tar.xz 'EFBIG: input exceeds 1000 bytes' -i 1000
cp "$T/k.btf" "$T/raw.btf"
expect raw.btf 'EFBIG: raw BTF exceeds 4 KiB' -m 4096
for ok in oversized.tar.xz oversized-other.tar.xz raw.btf good-subdir.tar.xz; do
	if ! out=$("$KA_CAT" "$T/$ok" "$T/got"); then
		echo "FAIL: $ok: rejected under default caps: $out"
		fails=$((fails + 1))
	fi
done
if ! cmp -s "$T/got" "$T/k.btf"; then
	echo "FAIL: good-subdir.tar.xz: bytes differ"
	fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all bad inputs rejected as expected"
