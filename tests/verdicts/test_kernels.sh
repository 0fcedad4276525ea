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
echo PASS
