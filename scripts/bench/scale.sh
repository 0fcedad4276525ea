#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The scale benchmark (scripts/bench.sh scale): a BTFHub-sized archive made of real kernels.
#
# usage: scripts/bench.sh scale [CORPUS_DIR] [-J N] [-n KERNELS]
#   CORPUS_DIR: real kernels in BTFHub layout (default /work/corpus/btfhub, made by
#   scripts/bench/make-corpus.sh; else test-data/btfhub). KERNELS: 4000.
#
# Every real kernel of the corpus is placed under many distro/version names (hard links), so
# the inputs are real BTFs, and the archive has KERNELS of them. Caveat: equal inputs make
# anything keyed by content optimistic (the bundle stores 1 blob per real kernel, the kernel
# cache 1 entry per real kernel, and a run with a cold kernel cache decodes each real kernel
# once); the cold run and the xz floor are not affected (no cache: every input is decoded).
# Measured, side by side, with GNU time (wall, CPU = user + sys, peak RSS), one run each:
#   cold              no cache at all
#   cold, caches      result + kernel cache being filled (the CI configuration, first run)
#   nothing changed   the same again, caches warm
#   objects changed   one object left out of the x86_64 set, with a warm kernel cache; without
#                     one on the 400-kernel archive (extrapolated; it costs a cold run), and the
#                     bytes of both compared there
#   cold 400          the first 400 kernels, no cache (peak RSS at 400)
#   baseline          per kernel tar -xJf + bpftool gen min_core_btf, on 400 kernels,
#                     extrapolated linearly; then tar -cJf of the tree (of all KERNELS)
#   xz floor          xz -dc of every input (xargs -P N)
# Environment: BENCH_KEEP (keep the temp dir), BENCH_SUBSET (400: the smaller archive, for peak RSS and the baseline), BTFGEN, BPFTOOL, OBJS_X86_64, OBJS_ARM64, BENCH_TMP as for bench.sh.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "bench scale: $*" >&2; exit 2; }
note() { echo "bench scale: $*" >&2; }

corpus="" jobs=$(nproc) n=4000 sub=${BENCH_SUBSET:-400}
while [[ $# -gt 0 ]]; do
	case $1 in
	-J | --jobs) [[ $# -ge 2 ]] || die "-J needs a number"; jobs=$2; shift 2 ;;
	-n) [[ $# -ge 2 ]] || die "-n needs a number"; n=$2; shift 2 ;;
	-*) die "unknown option '$1'" ;;
	*) corpus=$1; shift ;;
	esac
done
[[ $jobs =~ ^[1-9][0-9]*$ && $n =~ ^[1-9][0-9]*$ ]] || die "-J and -n want positive numbers"
if [[ -z $corpus ]]; then
	corpus=/work/corpus/btfhub
	[[ -d $corpus ]] || corpus=$repo/test-data/btfhub
fi
corpus=$(cd "$corpus" && pwd)
BTFGEN=${BTFGEN:-$repo/build/btfgen-batch}
BPFTOOL=${BPFTOOL:-bpftool}
OBJS_X86_64=${OBJS_X86_64:-$repo/test-data/objects/libbpf-tools}
if [[ -z ${OBJS_ARM64:-} ]]; then
	OBJS_ARM64=/work/corpus/objects/arm64
	[[ -d $OBJS_ARM64 ]] || OBJS_ARM64=$repo/test-data/objects/own/arm64
fi
GTIME=/usr/bin/time
[[ -x $GTIME ]] || die "$GTIME missing (apt-get install time)"
[[ -x $BTFGEN ]] || die "btfgen-batch not found at '$BTFGEN'"
tmp=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/btfgen-scale.XXXXXX")
[[ -n ${BENCH_KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT

# --- the archive ----------------------------------------------------------------------------
mapfile -t real < <(cd "$corpus" && find . -name '*.btf.tar.xz' | sed 's|^\./||' | LC_ALL=C sort)
[[ ${#real[@]} -gt 0 ]] || die "no kernel in '$corpus'"
# mkarchive DIR COUNT: COUNT kernels, the real ones under names <distro>/r<k>/<arch>/...
mkarchive() {
	local out=$1 count=$2 i=0 v=0 d k arch f
	local distros=(amzn centos debian fedora ol rhel ubuntu)
	while ((i < count)); do
		d=${distros[v % 7]}
		for k in "${real[@]}"; do
			((i < count)) || break
			IFS=/ read -r _ _ arch f <<<"$k"
			mkdir -p "$out/$d/r$((v / 7))/$arch"
			ln "$corpus/$k" "$out/$d/r$((v / 7))/$arch/$f" 2>/dev/null ||
				cp "$corpus/$k" "$out/$d/r$((v / 7))/$arch/$f"
			i=$((i + 1))
		done
		v=$((v + 1))
	done
}
mkarchive "$tmp/a" "$n"
mkarchive "$tmp/a400" "$sub"
# the input memo ignores files changed in the last 2 s (linking changes an inode's ctime)
sleep 3

# objects: bpftool must take them all (the project's own arm64 tests include ambiguous ones)
for arch in x86_64 arm64; do
	dir=OBJS_${arch^^}
	find "${!dir}" -maxdepth 1 -name '*.bpf.o' 2>/dev/null | LC_ALL=C sort >"$tmp/objs.$arch"
	k=$(printf '%s\n' "${real[@]}" | grep "/$arch/" | head -n 1 || true)
	[[ -n $k && -s $tmp/objs.$arch ]] || continue
	mkdir -p "$tmp/chk"
	tar -xJf "$corpus/$k" -C "$tmp/chk"
	: >"$tmp/objs.$arch.ok"
	while read -r o; do
		if "$BPFTOOL" gen min_core_btf "$(find "$tmp/chk" -name '*.btf' | head -n 1)" \
			"$tmp/chk/out" "$o" >/dev/null 2>&1; then
			echo "$o" >>"$tmp/objs.$arch.ok"
		else
			note "bpftool rejects ${o##*/}: left out"
		fi
	done <"$tmp/objs.$arch"
	mv "$tmp/objs.$arch.ok" "$tmp/objs.$arch"
	rm -rf "$tmp/chk"
done
nx=$(wc -l <"$tmp/objs.x86_64")
na=$(wc -l <"$tmp/objs.arm64")
# manifest FILE ARCHIVE OUTPUT DROP_FIRST_X86 [EXTRA_JSON]
manifest() {
	python3 - "$1" "$2" "$3" "$4" "${5:-"{}"}" "$tmp" "$jobs" >"$1.tmp" <<'PY'
import json, sys
f, archive, out, drop, extra, tmp, jobs = sys.argv[1:]
objs = {}
for a in ('x86_64', 'arm64'):
    l = [x.strip() for x in open(f'{tmp}/objs.{a}') if x.strip()]
    if a == 'x86_64' and drop == '1':
        l = l[1:]
    if l:
        objs[a] = l
m = {'version': 1, 'archive': archive, 'objects': objs, 'output': out, 'jobs': int(jobs)}
m.update(json.loads(extra or '{}'))
json.dump(m, sys.stdout, indent=1)
PY
	mv "$1.tmp" "$1"
}
manifest "$tmp/cold.json" "$tmp/a" "$tmp/cold.tar.zst" 0
manifest "$tmp/cold400.json" "$tmp/a400" "$tmp/cold400.tar.zst" 0
manifest "$tmp/ci.json" "$tmp/a" "$tmp/ci.tar.zst" 0 \
	"{\"cache\": \"$tmp/rc\", \"kernel_cache\": \"$tmp/kc\"}"
manifest "$tmp/chg.json" "$tmp/a400" "$tmp/chg.tar.zst" 1
manifest "$tmp/chgkc400.json" "$tmp/a400" "$tmp/chgkc400.tar.zst" 1 "{\"kernel_cache\": \"$tmp/kc\"}"
manifest "$tmp/chgkc.json" "$tmp/a" "$tmp/chgkc.tar.zst" 1 "{\"kernel_cache\": \"$tmp/kc\"}"
manifest "$tmp/real.json" "$corpus" "$tmp/real.tar.zst" 0

# --- measurements ---------------------------------------------------------------------------
declare -A wall cpu rss
# measure NAME CMD...: one run under GNU time
measure() {
	local name=$1 w u s m
	shift
	"$GTIME" -o "$tmp/$name.time" -f '%e %U %S %M' "$@" || {
		rc=$?
		[[ $rc -eq 1 ]] || { tail -n 3 "$tmp/$name.time" >&2; die "$name failed ($rc)"; }
	}
	read -r w u s m < <(tail -n 1 "$tmp/$name.time")
	wall[$name]=$w
	cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
	rss[$name]=$m
	note "$name: ${w}s wall, ${cpu[$name]}s CPU, $((m / 1024)) MiB"
}
size() { stat -c %s "$1"; }
dsize() { du -sb "$1" | cut -f1; }

note "archive: $n kernels from ${#real[@]} real ones ($corpus); objects x86_64=$nx arm64=$na;" \
	"-J $jobs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
measure cold400 "$BTFGEN" run --no-progress "$tmp/cold400.json"
measure cold "$BTFGEN" run --no-progress "$tmp/cold.json"
measure ci_cold "$BTFGEN" run --no-progress "$tmp/ci.json"
cmp -s "$tmp/cold.tar.zst" "$tmp/ci.tar.zst" || die "the cached run's bundle differs from the cold one"
measure ci_same "$BTFGEN" run --no-progress "$tmp/ci.json"
cmp -s "$tmp/cold.tar.zst" "$tmp/ci.tar.zst" || die "the re-run's bundle differs"
# without the kernel cache this is a cold run (every input decoded): measured on the subset
measure chg "$BTFGEN" run --no-progress "$tmp/chg.json"
measure chgkc400 "$BTFGEN" run --no-progress "$tmp/chgkc400.json"
measure chgkc "$BTFGEN" run --no-progress "$tmp/chgkc.json"
same_bytes=no
cmp -s "$tmp/chg.tar.zst" "$tmp/chgkc400.tar.zst" && same_bytes=yes
measure floor sh -c "find '$tmp/a' -name '*.btf.tar.xz' -print0 |
	xargs -0 -P $jobs -n 16 sh -c 'for f; do xz -dc \"\$f\" >/dev/null; done' _"

# baseline on the 400-kernel archive: a tree of bpftool outputs, then tar -cJf
export BPFTOOL tmp
bl_one() {
	local in=$1 rel=${1#"$tmp"/a400/} d
	local arch
	arch=$(cut -d/ -f3 <<<"$rel")
	mapfile -t objs <"$tmp/objs.$arch"
	d=$(mktemp -d "$tmp/blw.XXXXXX")
	mkdir -p "$tmp/bl/$(dirname "$rel")"
	tar -xJf "$in" -C "$d" &&
		"$BPFTOOL" gen min_core_btf "$(find "$d" -name '*.btf' | head -n 1)" \
			"$tmp/bl/${rel%.tar.xz}" "${objs[@]}" >/dev/null 2>&1 ||
		echo "$rel" >>"$tmp/bl.fail"
	rm -rf "$d"
}
export -f bl_one
measure baseline400 bash -c "find '$tmp/a400' -name '*.btf.tar.xz' -print0 | sort -z |
	xargs -0 -P $jobs -n 1 bash -c 'bl_one \"\$1\"' _"
(cd "$tmp/bl" && tar -cJf "$tmp/bl400.tar.xz" .)
# the tree of all kernels: each one's output is its real kernel's (same input, same bytes)
while IFS= read -r f; do
	rel=${f#"$tmp"/a/}
	IFS=/ read -r _ _ arch file <<<"$rel"
	src=$(find "$tmp/bl" -path "*/$arch/${file%.tar.xz}" -print -quit)
	[[ -n $src ]] || continue
	mkdir -p "$tmp/bln/$(dirname "$rel")"
	ln "$src" "$tmp/bln/${rel%.tar.xz}"
done < <(find "$tmp/a" -name '*.btf.tar.xz')
(cd "$tmp/bln" && tar -cJf "$tmp/bln.tar.xz" .)

# the embeddable form, and the same on the real corpus itself (no duplicates)
strip_size() {
	if "$BTFGEN" strip --help >/dev/null 2>&1; then
		"$BTFGEN" strip "$1" "$1.runtime" >/dev/null 2>&1 && size "$1.runtime" || echo n/a
	else
		echo n/a
	fi
}
emb=$(strip_size "$tmp/cold.tar.zst")
# start-up cost of a lookup (whole process) in either form: the last kernel of the index
lookup_ms() {
	local k
	k=$("$BTFGEN" ls -j "$1" 2>/dev/null | jq -r '[.[] | select(.status == "ok")][-1] |
		"--distro \(.distro) --version \(.version) --arch \(.arch) --release \(.release)"')
	# shellcheck disable=SC2086 # k is four option pairs without spaces in their values
	"$GTIME" -o "$tmp/lookup.time" -f '%e %M' "$BTFGEN" lookup "$1" $k -o "$tmp/l.btf" \
		>/dev/null 2>&1 || { echo n/a; return; }
	# GNU time's wall clock has 10 ms steps
	awk '{printf "%s, %.1f MiB", ($1 > 0) ? sprintf("%.0f ms", $1 * 1000) : "< 10 ms", $2 / 1024}' \
		"$tmp/lookup.time"
}
lk_full=$(lookup_ms "$tmp/cold.tar.zst")
lk_rt=$(lookup_ms "$tmp/cold.tar.zst.runtime")
"$BTFGEN" run --no-progress "$tmp/real.json" 2>/dev/null || true
emb_real=$(strip_size "$tmp/real.tar.zst")
mkdir -p "$tmp/blr"
for k in "${real[@]}"; do
	IFS=/ read -r _ _ arch file <<<"$k"
	[[ -s $tmp/objs.$arch ]] || continue
	mapfile -t objs <"$tmp/objs.$arch"
	d=$(mktemp -d "$tmp/blw.XXXXXX")
	mkdir -p "$tmp/blr/$(dirname "$k")"
	tar -xJf "$corpus/$k" -C "$d"
	"$BPFTOOL" gen min_core_btf "$(find "$d" -name '*.btf' | head -n 1)" \
		"$tmp/blr/${k%.tar.xz}" "${objs[@]}" >/dev/null 2>&1 || true
	rm -rf "$d"
done
(cd "$tmp/blr" && tar -cJf "$tmp/blr.tar.xz" .)
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ---------------------------------------------------------------------------------
f=${wall[floor]}
r() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
x() { awk -v a="$1" -v n="$n" -v s="$sub" 'BEGIN {printf "%.1f", a * n / s}'; }
line() { printf '%-34s %9s %9s %9s %10s %12s\n' "$@"; }
echo
echo "scale: $n kernels ($((n / ${#real[@]}))-$(((n + ${#real[@]} - 1) / ${#real[@]}))" \
	"names for each of ${#real[@]} real kernels in $corpus); objects x86_64=$nx arm64=$na; -J $jobs"
echo "load average before: $load0   after: $load1   ($(nproc) CPUs)"
line "method" "wall s" "CPU s" "RSS MiB" "vs floor" "output B"
line "cold (no cache)" "${wall[cold]}" "${cpu[cold]}" "$(mb "${rss[cold]}")" "$(r "${wall[cold]}" "$f")" "$(size "$tmp/cold.tar.zst")"
line "cold, $sub kernels" "${wall[cold400]}" "${cpu[cold400]}" "$(mb "${rss[cold400]}")" "" "$(size "$tmp/cold400.tar.zst")"
line "cold, caches filling (*)" "${wall[ci_cold]}" "${cpu[ci_cold]}" "$(mb "${rss[ci_cold]}")" "$(r "${wall[ci_cold]}" "$f")" "$(size "$tmp/ci.tar.zst")"
line "nothing changed (caches warm)" "${wall[ci_same]}" "${cpu[ci_same]}" "$(mb "${rss[ci_same]}")" "$(r "${wall[ci_same]}" "$f")" "$(size "$tmp/ci.tar.zst")"
line "1 obj. changed, no kernel cache (#)" "$(x "${wall[chg]}")" "$(x "${cpu[chg]}")" "$(mb "${rss[chg]}")" "$(r "$(x "${wall[chg]}")" "$f")" ""
line "1 object changed, kernel cache" "${wall[chgkc]}" "${cpu[chgkc]}" "$(mb "${rss[chgkc]}")" "$(r "${wall[chgkc]}" "$f")" "$(size "$tmp/chgkc.tar.zst")"
line "baseline loop ($sub -> $n)" "$(x "${wall[baseline400]}")" "$(x "${cpu[baseline400]}")" "" "$(r "$(x "${wall[baseline400]}")" "$f")" "$(size "$tmp/bln.tar.xz")"
line "xz floor" "$f" "${cpu[floor]}" "" "1.00x" ""
echo "peak RSS $n / $sub kernels: $(r "${rss[cold]}" "${rss[cold400]}")"
echo "1 object changed: kernel cache vs without ($sub kernels), same bundle bytes: $same_bytes"
echo "(#) measured on the $sub-kernel archive, extrapolated linearly: it decodes every input, like the cold run"
echo "kernel cache: $(find "$tmp/kc" -name '*.kbtf' | wc -l) entries, $(dsize "$tmp/kc") bytes" \
	"(one per distinct input: $(awk -v b="$(dsize "$tmp/kc")" -v e="$(find "$tmp/kc" -name '*.kbtf' | wc -l)" \
	'BEGIN {if (e) printf "%.2f MiB/kernel, %.1f GiB for 4000 distinct kernels", b / e / 1048576, b / e * 4000 / 1073741824}'))"
echo "result cache: $(dsize "$tmp/rc") bytes"
echo "bundle sizes, $n kernels: full $(size "$tmp/cold.tar.zst"), embeddable $emb," \
	"baseline tar.xz $(size "$tmp/bln.tar.xz") ($sub kernels: $(size "$tmp/bl400.tar.xz"))"
echo "lookup, $n kernels (one process, wall and peak RSS): full form $lk_full, runtime form $lk_rt"
echo "bundle sizes, real corpus (${#real[@]} kernels): full $(size "$tmp/real.tar.zst"), embeddable $emb_real," \
	"baseline tar.xz $(size "$tmp/blr.tar.xz")"
echo "(*) equal inputs: a cold kernel cache decodes each of the ${#real[@]} real kernels once (optimistic)"
[[ ! -s $tmp/bl.fail ]] || note "baseline failures: $(wc -l <"$tmp/bl.fail")"
