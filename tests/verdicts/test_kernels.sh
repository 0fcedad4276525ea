#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every verdict program (tests/progs/verdicts) gets the verdict its name says on every test
# kernel of its arch (test-data/btfhub), as stored in the bundle and as `info -j` reports it.
set -u
: "${BTFGEN:?set BTFGEN to btfgen-batch}"
DATA=$(cd "${1:?usage: test_kernels.sh TEST_DATA}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/btfgen-verdicts.XXXXXX)
trap 'rm -rf "$work"' EXIT
nkern=$(find "$DATA/btfhub" -name '*.btf.tar.xz' | wc -l)
cat > "$work/m.json" <<JSON
{ "version": 1, "archive": "$DATA/btfhub",
  "objects": { "x86_64": ["$DATA/objects/verdicts/x86_64/*.bpf.o"],
               "arm64": ["$DATA/objects/verdicts/arm64/*.bpf.o"] },
  "output": "$work/out.tar", "compression": "none" }
JSON
"$BTFGEN" run "$work/m.json" || { echo "FAIL: run"; exit 1; }
python3 "$here/verdicts_check.py" "$work/out.tar" "$nkern" || exit 1

# info -j: per program, every kernel of its arch counted under the verdict its name says
"$BTFGEN" info -j "$work/out.tar" > "$work/info.json" || { echo "FAIL: info -j"; exit 1; }
"$BTFGEN" info -j --kernel debian/12/arm64/6.1.0-47-arm64 "$work/out.tar" > "$work/k.json" ||
	{ echo "FAIL: info -j --kernel"; exit 1; }
python3 - "$work/info.json" "$work/k.json" <<'PY' || exit 1
import json, sys
info = json.load(open(sys.argv[1]))
one = json.load(open(sys.argv[2]))
bad = 0
for o in info["objects"]:
    for p in o["programs"]:
        want = p["name"].split("_")[0]
        if p["verdicts"][want] != o["kernels"] or sum(p["verdicts"].values()) != o["kernels"]:
            print("FAIL: info:", o["arch"], p["name"], p["verdicts"], "of", o["kernels"])
            bad += 1
        failing = [f["kernel"] for f in p["fails_on"]]
        if want in ("fails", "refused") and len(failing) != o["kernels"]:
            print("FAIL: info: fails_on of", p["name"], failing)
            bad += 1
        if want in ("fails", "refused") and not all("relocation" in f for f in p["fails_on"]):
            print("FAIL: info: no relocation named for", p["name"])
            bad += 1
if info["failing_kernels"] != info["kernels"]["ok"]:
    print("FAIL: info: failing_kernels", info["failing_kernels"])
    bad += 1
if one["kernel"] != "debian/12/arm64/6.1.0-47-arm64" or \
   any(o["arch"] != "arm64" for o in one["objects"]) or not one["objects"]:
    print("FAIL: info --kernel: wrong kernel or objects", one.get("kernel"))
    bad += 1
for o in one["objects"]:
    for p in o["programs"]:
        if p["verdict"] != p["name"].split("_")[0]:
            print("FAIL: info --kernel:", p["name"], p["verdict"])
            bad += 1
sys.exit(1 if bad else 0)
PY
"$BTFGEN" info --kernel no/such/kernel/here "$work/out.tar" > /dev/null 2>&1
[ $? -eq 4 ] || { echo "FAIL: info --kernel of an unknown kernel: want exit 4"; exit 1; }
echo PASS
