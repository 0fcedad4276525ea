#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad kernels in the selection fail alone: a corrupt, a truncated, a path-traversal, an
# oversized archive and a malformed BTF each get a failed entry with a clear reason, in the
# index and on stderr, exit code 1, and every good kernel still lands. Crafted kernels of
# issue 8 (generated at test time) get their own entries and never take the run down.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

a="$work/archive/debian/12/x86_64"
mkdir -p "$a"
good=$(find "$DATA/btfhub/debian/12/x86_64" -name '*.btf.tar.xz' | sort | head -2)
for g in $good; do cp "$g" "$a/"; done
src=$(echo "$good" | head -1)

cp "$src" "$a/corrupt.btf.tar.xz"
size=$(stat -c %s "$src")
printf '\xff\xff\xff\xff\xff\xff\xff\xff' |
	dd of="$a/corrupt.btf.tar.xz" bs=1 seek=$((size / 2)) conv=notrunc status=none
head -c $((size / 2)) "$src" > "$a/truncated.btf.tar.xz"
python3 - "$work" "$a" <<'PY'
import io, sys, tarfile
work, a = sys.argv[1], sys.argv[2]
def tar(path, name, data, mode="w:xz"):
    with tarfile.open(path, mode) as t:
        info = tarfile.TarInfo(name); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
tar(f"{a}/traversal.btf.tar.xz", "../../evil.btf", b"\x9f\xeb" + b"x" * 100)
tar(f"{a}/malformed.btf.tar.xz", "malformed.btf", b"\x9f\xeb\x01\x00" + b"\xff" * 60)
PY
truncate -s 70M "$work/oversized.btf"
tar -C "$work" --zstd -cf "$a/oversized.btf.tar.zst" oversized.btf
rm "$work/oversized.btf"

manifest "$work/m.json" "$work/archive" "$work/out.tar.zst"
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/err"
rc=$?
cat "$work/err"
if [ $rc = 1 ]; then ok "exit code 1 (some kernels failed)"; else fail "exit code $rc, want 1"; fi
[ -f "$work/out.tar.zst" ] || { fail "no bundle written"; finish; }
if [ -z "$(find "$work" -name 'evil.btf')" ]; then
	ok "nothing written from an archive path"
else
	fail "evil.btf was written"
fi

check() { # release, pattern the reason must match
	local entry
	entry=$(index "$work/out.tar.zst" | jq -c --arg r "$1" '.kernels[] | select(.release == $r)')
	if [ -z "$entry" ]; then
		fail "$1: no index entry"
		return
	fi
	if [ "$(jq -r .status <<<"$entry")" = failed ] &&
	   jq -r .reason <<<"$entry" | grep -Eqi "$2" &&
	   grep -q "kernel 'debian/12/x86_64/$1': " "$work/err"; then
		ok "$1: failed alone: $(jq -r .reason <<<"$entry")"
	else
		fail "$1: $entry"
	fi
}
check corrupt 'corrupt|xz|damaged'
check truncated 'truncated|corrupt|premature'
check traversal 'unsafe|\.\.'
check oversized 'exceeds|too large|cap'
check malformed 'BTF'

for g in $good; do
	r=$(basename "$g" .btf.tar.xz)
	st=$(index "$work/out.tar.zst" | jq -r --arg r "$r" '.kernels[] | select(.release == $r) | .status')
	if [ "$st" = ok ]; then ok "$r landed"; else fail "$r: status '$st'"; fi
done
if grep -q '2 ok, 5 failed' "$work/err"; then
	ok "summary counts 2 ok, 5 failed"
else
	fail "summary line: $(tail -1 "$work/err")"
fi

# Crafted kernels (tests/oracle/mkhostile.c) as .btf.tar.xz next to a good kernel, with the
# objects that walk them: deep_chain (300,000 ARRAYs through index_type) once crashed the
# whole run with a stack overflow; stale_path once wrote past a heap buffer. Each kernel gets
# its own entry, ok or failed with a reason, and the run writes its bundle.
: "${MKHOSTILE:?set MKHOSTILE to tests/oracle/mkhostile}"
h="$work/hostile/debian/12/x86_64"
mkdir -p "$h" "$work/gen"
cases="deep_chain stale_path huge_index huge_size resolve_depth"
objs=""
for c in $cases; do
	"$MKHOSTILE" "$work/gen" "$c" || fail "mkhostile $c"
	tar -C "$work/gen" -cJf "$h/$c.btf.tar.xz" "$c.btf"
	objs="$objs${objs:+, }\"$work/gen/$c.bpf.o\""
done
ok "deep_chain archive: $(stat -c %s "$h/deep_chain.btf.tar.xz") bytes"
cp "$src" "$h/"
cat > "$work/m2.json" <<JSON
{ "version": 1, "archive": "$work/hostile", "objects": { "x86_64": [$objs] },
  "output": "$work/out2.tar.zst" }
JSON
"$BTFGEN" run --no-progress "$work/m2.json" 2>"$work/err2"
rc=$?
cat "$work/err2"
if [ $rc -le 1 ]; then ok "hostile run exit code $rc"; else fail "hostile run: exit code $rc"; fi
[ -f "$work/out2.tar.zst" ] || { fail "hostile run: no bundle written"; finish; }
for c in $cases $(basename "$src" .btf.tar.xz); do
	entry=$(index "$work/out2.tar.zst" | jq -c --arg r "$c" '.kernels[] | select(.release == $r)')
	st=$(jq -r .status <<<"$entry")
	if [ "$st" = ok ] || { [ "$st" = failed ] && [ -n "$(jq -r '.reason // empty' <<<"$entry")" ]; }; then
		ok "$c: $st $(jq -r '.reason // empty' <<<"$entry")"
	else
		fail "$c: $entry"
	fi
done
st=$(index "$work/out2.tar.zst" | jq -r '.kernels[] | select(.release == "deep_chain") | .status')
if [ "$st" = ok ]; then ok "deep_chain tailored"; else fail "deep_chain: status '$st'"; fi
# a kernel whose file name holds a terminal escape: its failure line spells it out
mkdir -p "$work/evil/debian/12/x86_64"
printf junk >"$work/evil/debian/12/x86_64/6.1$(printf '\033')[2Jx.btf.tar.xz"
cat >"$work/m3.json" <<JSON
{ "version": 1, "archive": "$work/evil", "objects": { "x86_64": [$objs] },
  "output": "$work/out3.tar.zst" }
JSON
"$BTFGEN" run --no-progress "$work/m3.json" 2>"$work/err3"
if grep -qF "kernel 'debian/12/x86_64/6.1\\x1b[2Jx'" "$work/err3" && ! grep -q "$(printf '\033')" "$work/err3"; then
	ok "an escape in a kernel's file name is printed as \\x1b"
else
	fail "kernel name printed raw: $(cat -v "$work/err3")"
fi
finish
