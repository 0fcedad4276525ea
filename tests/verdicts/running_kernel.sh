#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# On the running kernel, as root: tailor its BTF (/sys/kernel/btf/vmlinux, as a one-kernel
# BTFHub archive) for the verdict programs, then load every program for real with libbpf
# reading the tailored BTF. loads/probes/guarded programs must load, fails programs must be
# rejected by the verifier at libbpf's poisoned instruction ("invalid func unknown#195896080",
# which libbpf 1.x rewrites as "failed to resolve CO-RE relocation"), refused objects by libbpf.
# Every program must also get the verdict its name says. Skips (77) without root or BTF.
set -u
: "${BTFGEN:?set BTFGEN to btfgen-batch}"
: "${LOADER:?set LOADER to verdict_load}"
DATA=$(cd "${1:?usage: running_kernel.sh TEST_DATA}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to load programs"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no /sys/kernel/btf/vmlinux"; exit 77; }
case $(uname -m) in
x86_64) arch=x86_64 ;;
aarch64) arch=arm64 ;;
*) echo "SKIP: no verdict objects for $(uname -m)"; exit 77 ;;
esac
work=$(mktemp -d /tmp/btfgen-verdicts.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

rel=$(uname -r)
mkdir -p "$work/archive/host/1/$arch"
cp /sys/kernel/btf/vmlinux "$work/archive/host/1/$arch/$rel.btf"
cat > "$work/m.json" <<JSON
{ "version": 1, "archive": "$work/archive",
  "objects": { "$arch": ["$DATA/objects/verdicts/$arch/*.bpf.o"] },
  "output": "$work/out.tar", "compression": "none" }
JSON
"$BTFGEN" run "$work/m.json" || { echo "FAIL: run"; exit 1; }
python3 "$here/verdicts_check.py" "$work/out.tar" 1 || fail "verdicts on the running kernel"
"$BTFGEN" extract "$work/out.tar" "$work/tree" || { echo "FAIL: extract"; exit 1; }
btf="$work/tree/host/1/$arch/$rel.btf"
[ -s "$btf" ] || { echo "FAIL: no tailored BTF at $btf"; exit 1; }

loaded=0 rejected=0
for obj in "$DATA/objects/verdicts/$arch"/*.bpf.o; do
	progs=$(python3 - "$work/out.tar" "$obj" <<'PY'
import json, sys, tarfile, os
with tarfile.open(sys.argv[1]) as t:
    index = json.load(t.extractfile("index.json"))
for o in index["objects"]:
    if os.path.basename(o["name"]) == os.path.basename(sys.argv[2]):
        print(" ".join(o["programs"]))
PY
)
	[ -n "$progs" ] || fail "$(basename "$obj"): no programs listed"
	for p in $progs; do
		out=$("$LOADER" "$obj" "$btf" "$p" 2>&1)
		rc=$?
		case $p in
		loads_* | probes_* | guarded_*)
			if [ $rc -eq 0 ]; then
				loaded=$((loaded + 1))
			else
				fail "$p should load: rc $rc: $out"
			fi ;;
		fails_*)
			if [ $rc -eq 1 ] && grep -qE "unknown#195896080|failed to resolve CO-RE relocation" <<< "$out"; then
				rejected=$((rejected + 1))
			else
				fail "$p should be rejected at the poisoned instruction: rc $rc: $out"
			fi ;;
		refused_*)
			# libbpf relocates only autoloaded programs: the object as a whole is refused
			out=$("$LOADER" "$obj" "$btf" "*" 2>&1)
			rc=$?
			if [ $rc -eq 1 ]; then
				rejected=$((rejected + 1))
			else
				fail "$(basename "$obj") should be refused by libbpf: rc $rc: $out"
			fi ;;
		esac
		echo "$p: $out"
	done
done
echo "$loaded programs loaded, $rejected rejected, on $rel"
if ! { [ $loaded -ge 5 ] && [ $rejected -ge 4 ]; }; then
	fail "too few programs checked"
fi

# the 61 libbpf-tools objects, each program alone: fails must be rejected at the poison,
# loads/probes/guarded never (other rejections are attach targets or run-time map sizes)
mkdir -p "$work/tools/host/1/$arch"
cp "$work/archive/host/1/$arch/$rel.btf" "$work/tools/host/1/$arch/"
cat > "$work/t.json" <<JSON
{ "version": 1, "archive": "$work/tools",
  "objects": { "$arch": ["$DATA/objects/libbpf-tools/*.bpf.o"] },
  "output": "$work/tools.tar", "compression": "none" }
JSON
if [ "$arch" = x86_64 ]; then
	if ! { "$BTFGEN" run "$work/t.json" && "$BTFGEN" extract "$work/tools.tar" "$work/ttree" &&
		"$BTFGEN" info -j --kernel "host/1/$arch/$rel" "$work/tools.tar" > "$work/tinfo.json"; }; then
		fail "libbpf-tools bundle for the running kernel"
	fi
	echo "libbpf-tools on $rel (verdict, load result, programs):"
	python3 "$here/load_check.py" "$work/tinfo.json" "$DATA/objects/libbpf-tools" \
		"$work/ttree/host/1/$arch/$rel.btf" "$LOADER" || fail "libbpf-tools loads vs verdicts"
fi
[ $fails -eq 0 ] && { echo PASS; exit 0; }
echo "$fails failure(s)"
exit 1
