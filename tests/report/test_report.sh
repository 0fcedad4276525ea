#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# report.html in a real browser: headless Chromium renders the page of a bundle made from the
# verdict programs (tests/progs/verdicts) on every test kernel, plus one kernel whose release
# is hostile markup. The rendered DOM must have one cell per kernel x program with the
# verdict the program's name says, the summary, the hostile name as text (never as markup),
# and the page must reference nothing outside itself. Also takes a screenshot.
set -u
: "${BTFGEN:?set BTFGEN to btfgen-batch}"
DATA=$(cd "${1:?usage: test_report.sh TEST_DATA}" && pwd)
work=$(mktemp -d /tmp/btfgen-report.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || { echo "FAIL: chromium not installed (scripts/setup.sh --deps-only)"; exit 1; }
chrome() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --user-data-dir="$work/profile" "$@" 2> "$work/chrome.log"
}

# the test kernels, and a copy of one under a release that is markup and a U+2028
cp -r "$DATA/btfhub" "$work/archive"
evil=$'6.1.0-47-arm64<b id="pwn">&amp;\u2028<\\script>'
cp "$DATA/btfhub/debian/12/arm64/6.1.0-47-arm64.btf.tar.xz" \
	"$work/archive/debian/12/arm64/$evil.btf.tar.xz"
nkern=$(find "$work/archive" -name '*.btf.tar.xz' | wc -l)
cat > "$work/m.json" <<JSON
{ "version": 1, "archive": "$work/archive",
  "objects": { "x86_64": ["$DATA/objects/verdicts/x86_64/*.bpf.o"],
               "arm64": ["$DATA/objects/verdicts/arm64/*.bpf.o"] },
  "output": "$work/out.tar.zst" }
JSON
"$BTFGEN" run "$work/m.json" 2> /dev/null || { echo "FAIL: run"; exit 1; }
"$BTFGEN" report "$work/out.tar.zst" -o "$work/report.html" || { echo "FAIL: report"; exit 1; }

# self-contained: no URL, no external script, style, image or frame
if grep -Eiq '(https?:|src=|href=|@import|url\()' "$work/report.html"; then
	fail "report.html references something outside itself: $(grep -Eio '(https?:[^"]*|src=[^ ]*|href=[^ ]*)' "$work/report.html" | head -3)"
fi
grep -q '<b id="pwn">' "$work/report.html" && fail "the hostile release is raw markup in the page"

chrome --dump-dom "file://$work/report.html" > "$work/dom.html" ||
	{ echo "FAIL: chromium --dump-dom: $(tail -3 "$work/chrome.log")"; exit 1; }
python3 - "$work/dom.html" "$nkern" <<'PY' || fails=$((fails + 1))
import html, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
nkern = int(sys.argv[2])
bad = 0
def fail(msg):
    global bad
    print("FAIL:", msg)
    bad += 1
if 'data-rendered="yes"' not in dom:
    fail("the page's script did not finish")
progs = {int(p): html.unescape(n) for p, n in
         re.findall(r'<th class="prog" data-p="(\d+)"[^>]*>([^<]*)</th>', dom)}
rows = re.findall(r'<tr(?: class="[^"]*")? data-kernel="([^"]*)">(.*?)</tr>', dom, re.S)
cells = 0
by_v = {}
for kernel, row in rows:
    for v, p, dv, title in re.findall(
            r'<td class="cell v-(\w+)" data-k="\d+" data-p="(\d+)" data-v="(\w+)" title="([^"]*)"', row):
        # hover: a failing cell names its relocation (kind, type, access, instruction)
        if dv == "fails" and not re.search(r"byte_off task_struct___vd 0:1, insn \d+", title):
            fail(f"{html.unescape(kernel)}: fails cell without its relocation: {title}")
        cells += 1
        by_v[dv] = by_v.get(dv, 0) + 1
        name = progs.get(int(p), "?")
        want = name.split("_")[0]
        if v != dv or (dv != "na" and dv != want):
            fail(f"{html.unescape(kernel)}: {name}: cell {dv}, want {want}")
# each arch's kernels show every program; the other arch's are n/a
if len(rows) != nkern:
    fail(f"{len(rows)} kernel rows, want {nkern}")
if cells != nkern * len(progs) or len(progs) < 18:
    fail(f"{cells} cells for {len(progs)} programs")
m = re.search(r'id="sum-kernels"><b>(\d+)</b>', dom)
if not m or int(m.group(1)) != nkern:
    fail("summary: kernel count missing or wrong")
m = re.search(r'id="sum-fails"><b>(\d+)</b>', dom)
if not m or int(m.group(1)) != by_v["fails"] or by_v["fails"] != 2 * nkern:
    fail(f"summary: fails miscounted ({m and m.group(1)}, {by_v['fails']} cells)")
m = re.search(r'id="sum-failing"><b>(\d+)</b>', dom)
if not m or int(m.group(1)) != nkern:
    fail("summary: every kernel has a failing program")
if re.search(r'<b[^>]* id="pwn"', dom):
    fail("the hostile release became markup")
if '6.1.0-47-arm64&lt;b id="pwn"&gt;&amp;amp;' not in dom:
    fail("the hostile release is not shown as text")
print(f"{cells} cells on {len(rows)} kernels x {len(progs)} programs checked, {bad} wrong")
sys.exit(1 if bad else 0)
PY

chrome --screenshot="$work/shot.png" --window-size=1400,900 --hide-scrollbars \
	"file://$work/report.html" > /dev/null
size=$(stat -c %s "$work/shot.png" 2> /dev/null || echo 0)
[ "$size" -gt 20000 ] || fail "screenshot missing or blank ($size bytes): $(tail -3 "$work/chrome.log")"
[ -n "${REPORT_SCREENSHOT:-}" ] && cp "$work/shot.png" "$REPORT_SCREENSHOT"
[ $fails -eq 0 ] && { echo PASS; exit 0; }
echo "$fails failure(s)"
exit 1
