#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark: btfgen-batch vs the extract + bpftool loop users run today vs the xz-decoding floor.
#
# usage: scripts/bench.sh quick [-J N]              # test-data/btfhub (11 kernels)
#        scripts/bench.sh full [CORPUS_DIR] [-J N]  # default /work/corpus/btfhub
#        scripts/bench.sh scale [CORPUS_DIR] [-J N] [-n KERNELS]  # see scripts/bench/scale.sh
#
# Every method gets the same inputs (the corpus' kernels whose arch has objects) and the same
# number of worker processes or threads (-J, default nproc). Measured with GNU time: wall,
# user+sys CPU (children included), peak RSS (for xargs runs: the largest worker), output size.
#   (a) ours      btfgen-batch on a generated manifest (one process, -J N); until the manifest
#                 run works: btfgen-batch min_core_btf per kernel under xargs -P N
#   (b) baseline  per kernel tar -xJf + bpftool gen min_core_btf under xargs -P N, then tar -cJf
#   (c) floor     xz -dc of every input under xargs -P N
#   (d) single    one raw kernel BTF x all objects: btfgen-batch vs bpftool min_core_btf
#   (e) lookup    one kernel's BTF out of the bundle vs out of a tar.gz of the baseline tree
#
# Environment: BTFGEN (default build/btfgen-batch), BPFTOOL (bpftool), OBJS_X86_64 and
# OBJS_ARM64 (object dirs), REPEAT (3: runs of a, b and c, the fastest counts), SINGLE_RUNS (5),
# LOOKUP_RUNS (100 CLI calls), LOOKUP_INPROC_RUNS (1000 library calls), BENCH_TMP (parent of
# the temp dir), BENCH_DATA (/work/corpus: where scripts/bench/make-corpus.sh put the corpus
# and the arm64 objects), BENCH_RESULTS (also write every measurement as key=value lines).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "bench: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

mode=${1:-}
[[ $mode != scale ]] || { shift; exec "$repo/scripts/bench/scale.sh" "$@"; }
[[ $mode == quick || $mode == full ]] || die "usage: $0 quick|full|scale [CORPUS_DIR] [-J N]"
shift
corpus=""
jobs=$(nproc)
while [[ $# -gt 0 ]]; do
	case $1 in
	-J | --jobs) [[ $# -ge 2 ]] || die "-J needs a number"; jobs=$2; shift 2 ;;
	-J*) jobs=${1#-J}; shift ;;
	-*) die "unknown option '$1'" ;;
	*) [[ -z $corpus ]] || die "one corpus dir only"; corpus=$1; shift ;;
	esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "-J wants a positive number, not '$jobs'"
if [[ -z $corpus ]]; then
	[[ $mode == quick ]] && corpus=$repo/test-data/btfhub || corpus=/work/corpus/btfhub
fi
[[ -d $corpus ]] ||
	die "corpus '$corpus' is not a directory (full mode: scripts/bench/make-corpus.sh builds it)"
corpus=$(cd "$corpus" && pwd)

BTFGEN=${BTFGEN:-$repo/build/btfgen-batch}
BPFTOOL=${BPFTOOL:-bpftool}
OBJS_X86_64=${OBJS_X86_64:-$repo/test-data/objects/libbpf-tools}
# Real arm64 CO-RE objects (Debian's libbpf-tools:arm64, see scripts/bench/make-corpus.sh) when
# they have been made; else the project's own arm64 test programs.
arm64_real=${BENCH_DATA:-/work/corpus}/objects/arm64
if [[ -z ${OBJS_ARM64:-} ]]; then
	[[ -d $arm64_real ]] && OBJS_ARM64=$arm64_real || OBJS_ARM64=$repo/test-data/objects/own/arm64
fi
SINGLE_RUNS=${SINGLE_RUNS:-5}
REPEAT=${REPEAT:-3}
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "REPEAT wants a positive number"
LOOKUP_RUNS=${LOOKUP_RUNS:-100}
LOOKUP_INPROC_RUNS=${LOOKUP_INPROC_RUNS:-1000}
GTIME=/usr/bin/time

[[ -x $GTIME ]] || die "$GTIME missing (apt-get install time)"
for t in "$BPFTOOL" xz zstd tar xargs awk find python3 od; do
	command -v "$t" >/dev/null || die "'$t' not found"
done
[[ -x $BTFGEN ]] || die "btfgen-batch not found at '$BTFGEN' (build it, or set BTFGEN=)"

tmp=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/btfgen-bench.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- inputs ---------------------------------------------------------------------------------
# One line per kernel: path distro version arch release (BTFHub layout), sorted.
declare -A objdir=([x86_64]=$OBJS_X86_64 [arm64]=$OBJS_ARM64)
declare -A nobj=()
for arch in "${!objdir[@]}"; do
	: >"$tmp/objs.$arch"
	if [[ -d ${objdir[$arch]} ]]; then
		find "${objdir[$arch]}" -maxdepth 1 -name '*.bpf.o' | LC_ALL=C sort >"$tmp/objs.$arch"
	fi
	nobj[$arch]=$(wc -l <"$tmp/objs.$arch")
done

all=0
skipped_arch=""
: >"$tmp/kernels"
while IFS= read -r f; do
	rel=${f#"$corpus"/}
	IFS=/ read -r distro version arch file <<<"$rel"
	if [[ -z $file || $file == */* ]]; then
		note "ignoring '$rel' (not <distro>/<version>/<arch>/<release>.btf.tar.xz)"
		continue
	fi
	all=$((all + 1))
	if [[ ${nobj[$arch]:-0} -eq 0 ]]; then
		skipped_arch="$skipped_arch $arch"
		continue
	fi
	printf '%s %s %s %s %s\n' "$f" "$distro" "$version" "$arch" "${file%.btf.tar.xz}"
done < <(find "$corpus" -name '*.btf.tar.xz' | LC_ALL=C sort) >"$tmp/kernels"
nk=$(wc -l <"$tmp/kernels")

# Same work for every method: an object that bpftool rejects outright (the project's own test
# programs include deliberately ambiguous ones) would make the baseline stop early on every
# kernel and its time mean nothing. Check each arch's objects on its first kernel; drop the
# rejected ones from every method, loudly. Tests cover those failures, not the benchmark.
dropped=""
mapfile -t arches < <(awk '{print $4}' "$tmp/kernels" | sort -u)
for arch in "${arches[@]}"; do
	read -r f _ _ _ _ < <(awk -v a="$arch" '$4 == a' "$tmp/kernels")
	mkdir -p "$tmp/check"
	tar -xJf "$f" -C "$tmp/check"
	k=$(find "$tmp/check" -type f -name '*.btf' | head -n 1)
	mapfile -t objs <"$tmp/objs.$arch"
	if ! "$BPFTOOL" gen min_core_btf "$k" "$tmp/check/out" "${objs[@]}" >/dev/null 2>&1; then
		: >"$tmp/objs.$arch.ok"
		for o in "${objs[@]}"; do
			if "$BPFTOOL" gen min_core_btf "$k" "$tmp/check/out" "$o" >/dev/null 2>&1; then
				echo "$o" >>"$tmp/objs.$arch.ok"
			else
				note "WARNING: bpftool rejects $o on ${f#"$corpus"/}: left out of every method"
				dropped="$dropped $arch/${o##*/}"
			fi
		done
		mv "$tmp/objs.$arch.ok" "$tmp/objs.$arch"
		nobj[$arch]=$(wc -l <"$tmp/objs.$arch")
		[[ ${nobj[$arch]} -gt 0 ]] || die "bpftool rejects every $arch object"
	fi
	rm -rf "$tmp/check"
done
[[ $nk -gt 0 ]] || die "no kernel in '$corpus' has objects for its arch"
if [[ -n $skipped_arch ]]; then
	for a in $(tr ' ' '\n' <<<"$skipped_arch" | sort -u); do
		note "WARNING: no objects for $a (${objdir[$a]:-no dir}):" \
			"its kernels are left out of every method"
	done
fi
in_bytes=$(awk '{print $1}' "$tmp/kernels" | xargs stat -c %s | awk '{s += $1} END {print s}')
arch_counts=$(awk '{c[$4]++} END {for (a in c) printf "%s%s=%d", (n++ ? " " : ""), a, c[a]}' \
	"$tmp/kernels")

# --- measurement helpers --------------------------------------------------------------------
# measure NAME CMD...: runs CMD under GNU time REPEAT times and keeps the run with the least
# wall time (the machine is shared; the fastest run is the least disturbed one); sets
# res[NAME.wall], res[NAME.cpu] (user+sys, children included), res[NAME.rss] (KiB). If
# $prep is set, that command runs before each repetition (to reset outputs).
declare -A res=()
prep=""
ok_rc=0
measure() {
	local name=$1 rc=0 i best="" w u s m
	shift
	for ((i = 0; i < REPEAT; i++)); do
		[[ -z $prep ]] || $prep
		rc=0
		"$GTIME" -o "$tmp/$name.time" -f '%e %U %S %M' "$@" || rc=$?
		# GNU time puts "Command exited with non-zero status N" first when CMD failed.
		read -r w u s m < <(tail -n 1 "$tmp/$name.time")
		if [[ -z $best ]] || awk -v a="$w" -v b="$best" 'BEGIN {exit !(a < b)}'; then
			best=$w
			res[$name.wall]=$w
			res[$name.cpu]=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
			res[$name.rss]=$m
		fi
		[[ $rc -eq 0 || $rc -eq $ok_rc ]] || break
	done
	return $rc
}
max_rss() { awk '$1 ~ /^[0-9]+$/ && $1 > m {m = $1} END {print m + 0}' "$@"; }
kib_mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.2f", b / 1048576}'; }
ratio() {
	[[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]] || { echo n/a; return; }
	awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}'
}
dir_bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }

# Workers run under xargs in a fresh bash: they see only exported variables and functions.
export GTIME BPFTOOL BTFGEN tmp

# (b) one kernel the way users do it today: unpack, then bpftool over all objects of its arch.
baseline_one() {
	local in=$1 distro=$2 version=$3 arch=$4 release=$5 d out btf
	local -a objs
	mapfile -t objs <"$tmp/objs.$arch"
	d=$(mktemp -d "$tmp/bl-work/k.XXXXXX")
	out=$tmp/bl-tree/$distro/$version/$arch
	mkdir -p "$out"
	if ! "$GTIME" -a -o "$tmp/bl.rss" -f '%M' tar -xJf "$in" -C "$d"; then
		echo "$distro/$version/$arch/$release: tar failed" >>"$tmp/bl.fail"
	else
		btf=$(find "$d" -type f -name '*.btf' | head -n 1)
		if ! "$GTIME" -a -o "$tmp/bl.rss" -f '%M' "$BPFTOOL" gen min_core_btf "$btf" \
			"$out/$release.btf" "${objs[@]}" >/dev/null 2>>"$tmp/bl.err"; then
			echo "$distro/$version/$arch/$release: bpftool failed" >>"$tmp/bl.fail"
			rm -f "$out/$release.btf"
		fi
	fi
	rm -rf "$d"
}
export -f baseline_one

# (a') one kernel with our min_core_btf, fed the archive the same way as the baseline.
ours_loop_one() {
	local in=$1 distro=$2 version=$3 arch=$4 release=$5 d out btf
	local -a objs
	mapfile -t objs <"$tmp/objs.$arch"
	d=$(mktemp -d "$tmp/ol-work/k.XXXXXX")
	out=$tmp/ol-tree/$distro/$version/$arch
	mkdir -p "$out"
	if ! "$GTIME" -a -o "$tmp/ol.rss" -f '%M' tar -xJf "$in" -C "$d"; then
		echo "$distro/$version/$arch/$release: tar failed" >>"$tmp/ol.fail"
	else
		btf=$(find "$d" -type f -name '*.btf' | head -n 1)
		if ! "$GTIME" -a -o "$tmp/ol.rss" -f '%M' "$BTFGEN" min_core_btf "$btf" \
			"$out/$release.btf" "${objs[@]}" >/dev/null 2>>"$tmp/ol.err"; then
			echo "$distro/$version/$arch/$release: btfgen-batch min_core_btf failed" >>"$tmp/ol.fail"
			rm -f "$out/$release.btf"
		fi
	fi
	rm -rf "$d"
}
export -f ours_loop_one

# xargs input: the five fields of every kernel, NUL-separated, as a file (re-read each repetition).
tr ' \n' '\0\0' <"$tmp/kernels" >"$tmp/kargs0"

# Does a subcommand exist yet (and not as the "not implemented" placeholder)?
have_cmd() {
	local out
	out=$("$BTFGEN" "$1" --help 2>&1) || true
	! grep -qi 'not implemented' <<<"$out" && ! grep -qi "unknown command" <<<"$out"
}

echo "bench: mode=$mode corpus=$corpus kernels=$nk ($arch_counts; $all in corpus)" \
	"objects: x86_64=${nobj[x86_64]} arm64=${nobj[arm64]} -J $jobs" >&2
echo "bench: btfgen-batch=$BTFGEN bpftool=$("$BPFTOOL" --version | head -n 1)" >&2

load0=$(cut -d' ' -f1-3 /proc/loadavg)

# --- (c) floor ------------------------------------------------------------------------------
# Read every input once first so that no method pays for the disk and the others not.
awk '{print $1}' "$tmp/kernels" | xargs cat >/dev/null
note "(c) floor: xz -dc of $nk inputs, -P $jobs"
: >"$tmp/fl.rss"
awk '{printf "%s%c", $1, 0}' "$tmp/kernels" >"$tmp/inputs0"
measure fl xargs -0 -a "$tmp/inputs0" -n 1 -P "$jobs" "$GTIME" -a -o "$tmp/fl.rss" -f '%M' \
	xz -dc >/dev/null
res[fl.rss]=$(max_rss "$tmp/fl.rss")
raw_bytes=$(awk '{printf "%s%c", $1, 0}' "$tmp/kernels" | xargs -0 -n 16 xz -dc | wc -c)

# --- (b) baseline ---------------------------------------------------------------------------
note "(b) baseline: tar -xJf + bpftool gen min_core_btf per kernel, -P $jobs, then tar -cJf"
mkdir -p "$tmp/bl-work" "$tmp/bl-tree"
: >"$tmp/bl.rss"
bl_prep() { rm -rf "$tmp/bl-tree" && mkdir "$tmp/bl-tree" && : >"$tmp/bl.fail"; }
prep=bl_prep
measure bl1 xargs -0 -a "$tmp/kargs0" -n 5 -P "$jobs" bash -c 'baseline_one "$@"' _
prep="rm -f $tmp/bl-tree.tar.xz"
measure bl2 tar -cJf "$tmp/bl-tree.tar.xz" -C "$tmp/bl-tree" .
prep=""
res[bl.wall]=$(awk -v a="${res[bl1.wall]}" -v b="${res[bl2.wall]}" 'BEGIN {printf "%.2f", a + b}')
res[bl.cpu]=$(awk -v a="${res[bl1.cpu]}" -v b="${res[bl2.cpu]}" 'BEGIN {printf "%.2f", a + b}')
res[bl.rss]=$(max_rss "$tmp/bl.rss" <(echo "${res[bl2.rss]}"))
res[bl.size]=$(stat -c %s "$tmp/bl-tree.tar.xz")
bl_fail=$(wc -l <"$tmp/bl.fail")
bl_ok=$(find "$tmp/bl-tree" -name '*.btf' | wc -l)
res[bl.tree]=$(dir_bytes "$tmp/bl-tree")

# --- (a) ours -------------------------------------------------------------------------------
# Manifest format v1 (manifest/manifest.h): the exact kernel list of this run, the objects of
# each arch that has kernels, a fresh bundle; no cache, so every kernel is really done.
write_manifest() {
	local m=$1 out=$2
	python3 - "$corpus" "$tmp/kernels" "$tmp" "$out" "$jobs" >"$m" <<'PY'
import json, sys
corpus, kernels, tmp, out, jobs = sys.argv[1:]
ks = [l.split() for l in open(kernels)]
archs = sorted({k[3] for k in ks})
m = {
    'version': 1,
    'archive': corpus,
    'objects': {a: [l.strip() for l in open(f'{tmp}/objs.{a}')] for a in archs},
    'output': out,
    'kernels': {'list': ['/'.join(k[1:5]) for k in ks]},
    'jobs': int(jobs),
}
json.dump(m, sys.stdout, indent=2)
PY
}

# bundle_cat BUNDLE: the bundle's tar stream, whatever its compression.
bundle_cat() {
	case $(head -c 6 "$1" | od -An -tx1 | tr -d ' ') in
	28b52ffd*) zstd -dcq <"$1" ;;
	fd377a585a00) xz -dc <"$1" ;;
	*) cat "$1" ;;
	esac
}
# bundle_ok_count BUNDLE: kernels whose index.json status is "ok".
bundle_ok_count() {
	bundle_cat "$1" | tar -xOf - index.json |
		python3 -c 'import json, sys
print(sum(k.get("status") == "ok" for k in json.load(sys.stdin)["kernels"]))'
}

# bundle_members BUNDLE: "index.json bytes, blob count, blob bytes, matrix.json bytes" (raw).
bundle_members() {
	bundle_cat "$1" | tar -tvf - |
		awk '$6 == "index.json" {i = $3; next} $6 == "matrix.json" {m = $3; next}
		     {n++; s += $3} END {print i + 0, n + 0, s + 0, m + 0}'
}

# zstd_frames FILE: the compressed size of each zstd frame, one per line. The writer puts
# index.json, the blobs and matrix.json in frames of their own, so the second one is exactly
# what the BTFs cost in the bundle. Walks the frame format (RFC 8878) without our reader.
zstd_frames() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
o = 0
while o < len(d):
    start = o
    magic, = struct.unpack_from('<I', d, o)
    if magic & 0xfffffff0 == 0x184d2a50:                        # skippable frame
        o += 8 + struct.unpack_from('<I', d, o + 4)[0]
    else:
        assert magic == 0xfd2fb528, 'not a zstd frame'
        fhd = d[o + 4]
        o += 5
        single = fhd >> 5 & 1
        o += 0 if single else 1                                 # window descriptor
        o += (0, 1, 2, 4)[fhd & 3]                              # dictionary id
        o += (1 if single else 0, 2, 4, 8)[fhd >> 6]            # content size
        while True:
            bh = int.from_bytes(d[o:o + 3], 'little')
            o += 3
            o += 1 if (bh >> 1 & 3) == 1 else bh >> 3           # RLE: one byte
            if bh & 1:
                break
        o += 4 if fhd >> 2 & 1 else 0                           # content checksum
    print(o - start)
PY
}


ours_mode=none
if have_cmd run && [[ ${BENCH_NO_RUN:-0} != 1 ]]; then
	ours_mode=run
	write_manifest "$tmp/manifest.json" "$tmp/ours.bundle"
	note "(a) ours: btfgen-batch manifest.json -J $jobs"
	prep="rm -f $tmp/ours.bundle"
	ok_rc=1   # some kernels failed, the bundle holds the rest: still a complete run
	if measure ours "$BTFGEN" "$tmp/manifest.json" -J "$jobs" >"$tmp/ours.log" 2>&1; then
		prep=""
		ok_rc=0
	else
		rc=$?
		prep=""
		ok_rc=0
		note "btfgen-batch run exited $rc (1 = some kernels failed):"
		tail -n 5 "$tmp/ours.log" >&2
		[[ $rc -eq 1 ]] || ours_mode=failed
	fi
	if [[ $ours_mode == run && -s $tmp/ours.bundle ]]; then
		res[ours.size]=$(stat -c %s "$tmp/ours.bundle")
		# Straight from the format (a tar, index.json first), not from our own reader.
		ours_ok=$(bundle_ok_count "$tmp/ours.bundle")
		read -r bi bn bb bm < <(bundle_members "$tmp/ours.bundle")
		res[ours.index]=$bi
		res[ours.blobs]=$bn
		res[ours.blob_bytes]=$bb
		res[ours.matrix]=$bm
		# The bundle's frames: index.json, the BTFs, matrix.json (the compatibility
		# matrix, which the baseline has no equivalent of). The BTF payload is the second.
		mapfile -t frames < <(zstd_frames "$tmp/ours.bundle")
		if [[ ${#frames[@]} -eq 3 ]]; then
			res[ours.index_z]=${frames[0]}
			res[ours.payload]=${frames[1]}
			res[ours.matrix_z]=${frames[2]}
		fi
		ours_fail=$((nk - ours_ok))
		if [[ $jobs -ne 2 ]]; then
			note "(a) ours again at -J 2 for its peak RSS"
			REPEAT=1 measure ours2 "$BTFGEN" "$tmp/manifest.json" -J 2 >/dev/null 2>&1 || true
		else
			res[ours2.rss]=${res[ours.rss]}
		fi
	else
		ours_mode=failed
	fi
fi
if [[ $ours_mode != run ]] && have_cmd min_core_btf; then
	ours_mode=loop
	note "(a') ours (interim): tar -xJf + btfgen-batch min_core_btf per kernel, -P $jobs"
	mkdir -p "$tmp/ol-work" "$tmp/ol-tree"
	: >"$tmp/ol.rss"
	ol_prep() { rm -rf "$tmp/ol-tree" && mkdir "$tmp/ol-tree" && : >"$tmp/ol.fail"; }
	prep=ol_prep
	measure ours xargs -0 -a "$tmp/kargs0" -n 5 -P "$jobs" bash -c 'ours_loop_one "$@"' _
	prep=""
	res[ours.rss]=$(max_rss "$tmp/ol.rss")
	res[ours2.rss]="n/a"
	res[ours.size]=$(dir_bytes "$tmp/ol-tree")
	ours_fail=$(wc -l <"$tmp/ol.fail")
	ours_ok=$(find "$tmp/ol-tree" -name '*.btf' | wc -l)
fi
if [[ $ours_mode == none || $ours_mode == failed ]]; then
	note "(a) ours: SKIPPED (neither 'run' nor 'min_core_btf' works in $BTFGEN yet)"
fi

# --- (d) single kernel, all objects ---------------------------------------------------------
# The first x86_64 kernel of a 6.1 series if there is one, else the first kernel.
single=$(awk '$4 == "x86_64" && $5 ~ /^6\.1\.0-[0-9]+-amd64$/ {print; exit}' "$tmp/kernels")
[[ -n $single ]] || single=$(head -n 1 "$tmp/kernels")
read -r s_in s_distro s_version s_arch s_release <<<"$single"
mkdir -p "$tmp/single"
tar -xJf "$s_in" -C "$tmp/single"
s_btf=$(find "$tmp/single" -type f -name '*.btf' | head -n 1)
mapfile -t s_objs <"$tmp/objs.$s_arch"
s_label="$s_distro/$s_version/$s_arch/$s_release x ${#s_objs[@]} objects"
note "(d) single kernel: $s_label, $SINGLE_RUNS runs each"
s_ours=(min_core_btf "$s_btf" "$tmp/single/ours.btf" "${s_objs[@]}")
s_bpft=(gen min_core_btf "$s_btf" "$tmp/single/bpftool.btf" "${s_objs[@]}")
# mean_wall OUTVAR CMD...: mean wall seconds over SINGLE_RUNS runs (after one warm-up run).
mean_wall() {
	local var=$1 i t0 t1 sum=0
	shift
	"$@" >/dev/null 2>&1 || return 1
	for ((i = 0; i < SINGLE_RUNS; i++)); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || return 1
		t1=$(date +%s.%N)
		sum=$(awk -v s="$sum" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", s + b - a}')
	done
	printf -v "$var" '%s' "$(awk -v s="$sum" -v n="$SINGLE_RUNS" 'BEGIN {printf "%.4f", s / n}')"
}
res[d.ours]=n/a
res[d.bpftool]=n/a
if mean_wall v "$BPFTOOL" "${s_bpft[@]}"; then res[d.bpftool]=$v; else note "(d) bpftool failed"; fi
if have_cmd min_core_btf; then
	if mean_wall v "$BTFGEN" "${s_ours[@]}"; then
		res[d.ours]=$v
	else
		note "(d) btfgen-batch failed"
	fi
	# libbpf's min_core_btf and ours must agree on what the objects need (sizes differ only
	# if one keeps more); report both sizes so a divergence is visible.
	[[ -f $tmp/single/ours.btf ]] && res[d.ours_size]=$(stat -c %s "$tmp/single/ours.btf")
fi
[[ -f $tmp/single/bpftool.btf ]] && res[d.bpftool_size]=$(stat -c %s "$tmp/single/bpftool.btf")

# --- (e) runtime lookup ---------------------------------------------------------------------
res[e.ours]=n/a
res[e.tar]=n/a
# The kernel in the middle of the tree's archive order: a scanning reader inflates about half
# of the archive on average, which is what this one costs it.
if [[ $bl_ok -gt 0 ]]; then
	(cd "$tmp/bl-tree" && find . -name '*.btf' | LC_ALL=C sort | sed 's|^\./||') >"$tmp/members"
	tar -czf "$tmp/tree.tar.gz" -C "$tmp/bl-tree" -T "$tmp/members"
	res[e.targz_size]=$(stat -c %s "$tmp/tree.tar.gz")
	member=$(sed -n "$(( ($(wc -l <"$tmp/members") + 1) / 2 ))p" "$tmp/members")
	IFS=/ read -r e_distro e_version e_arch e_file <<<"$member"
	e_release=${e_file%.btf}
	mkdir -p "$tmp/lk"
	# per_call_ms OUTVAR CMD...: mean ms per call over LOOKUP_RUNS calls in one loop.
	per_call_ms() {
		local var=$1 i t0 t1
		shift
		"$@" >/dev/null 2>&1 || return 1
		t0=$(date +%s%N)
		for ((i = 0; i < LOOKUP_RUNS; i++)); do
			"$@" >/dev/null 2>&1 || return 1
		done
		t1=$(date +%s%N)
		printf -v "$var" '%s' "$(awk -v a="$t0" -v b="$t1" -v n="$LOOKUP_RUNS" \
			'BEGIN {printf "%.3f", (b - a) / 1e6 / n}')"
	}
	note "(e) lookup of $member: tar -xzf tree.tar.gz, $LOOKUP_RUNS calls"
	if per_call_ms v tar -xzf "$tmp/tree.tar.gz" -C "$tmp/lk" --occurrence=1 "$member"; then
		res[e.tar]=$v
	fi
	if [[ $ours_mode == run ]] && have_cmd lookup; then
		note "(e) lookup of $member: btfgen-batch lookup, $LOOKUP_RUNS calls"
		if per_call_ms v "$BTFGEN" lookup "$tmp/ours.bundle" --distro "$e_distro" \
			--version "$e_version" --arch "$e_arch" --release "$e_release" -o "$tmp/lk/ours.btf"; then
			res[e.ours]=$v
		else
			note "(e) btfgen-batch lookup failed"
		fi
	else
		note "(e) TODO: btfgen-batch lookup (needs 'run' and 'lookup'); bcc way measured alone"
	fi
	# In-process, as an application does it with the bundle embedded: the runtime library vs
	# inflating and walking the tar.gz (scripts/bench/lookup-bench.c). The CLI numbers above
	# are mostly process start-up and, for lookup -o, two fsyncs.
	rtlib=$(dirname "$BTFGEN")/bundle/libbtfgen_bundle_runtime.a
	if [[ $ours_mode == run && -f $rtlib ]] && command -v cc >/dev/null &&
		cc -O2 -std=gnu11 -I"$repo/bundle/include" -o "$tmp/lookup-bench" \
			"$repo/scripts/bench/lookup-bench.c" "$rtlib" -lzstd -llzma -lz 2>"$tmp/cc.err"; then
		note "(e) in-process lookup of $member, $LOOKUP_INPROC_RUNS calls each"
		if "$tmp/lookup-bench" "$LOOKUP_INPROC_RUNS" "$tmp/ours.bundle" "$tmp/tree.tar.gz" \
			"$e_distro" "$e_version" "$e_arch" "$e_release" >"$tmp/lb.out"; then
			res[e.lib_ours]=$(awk '$1 == "bundle" {printf "%.3f", $2 / 1000}' "$tmp/lb.out")
			res[e.lib_tar]=$(awk '$1 == "targz" {printf "%.3f", $2 / 1000}' "$tmp/lb.out")
		fi
	else
		note "(e) in-process lookup not measured (needs the run, $rtlib and cc)"
		[[ ! -s $tmp/cc.err ]] || head -n 5 "$tmp/cc.err" >&2
	fi
fi

# --- summary --------------------------------------------------------------------------------
row() { printf '%-34s %9s %9s %10s %12s  %s\n' "$@"; }
na() { [[ -n ${res[$1]:-} && ${res[$1]} != n/a ]] && echo "${res[$1]}" || echo n/a; }
rss_mib() { local v; v=$(na "$1"); if [[ $v == n/a ]]; then echo n/a; else kib_mib "$v"; fi; }
kib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1024}'; }
size_kib() { local v; v=$(na "$1"); if [[ $v == n/a ]]; then echo n/a; else kib "$v"; fi; }

case $ours_mode in
run) ours_label="(a) ours: btfgen-batch run" ;;
loop) ours_label="(a') ours: min_core_btf loop" ;;
*) ours_label="(a) ours: NOT AVAILABLE" ;;
esac

{
	echo
	echo "=== btfgen-batch benchmark: $mode, $nk kernels ($arch_counts), -J $jobs, $(nproc) cores ==="
	echo "load average before: $load0; after: $(cut -d' ' -f1-3 /proc/loadavg)" \
		"(above $(nproc): other work shared the cores; compare CPU seconds)"
	echo "corpus: $corpus  inputs: $(mib "$in_bytes") MiB xz -> $(mib "$raw_bytes") MiB raw BTF"
	echo "objects: x86_64 ${nobj[x86_64]} ($OBJS_X86_64), arm64 ${nobj[arm64]} ($OBJS_ARM64)"
	[[ -z $dropped ]] || echo "objects left out (bpftool rejects them):$dropped"
	echo
	row "method" "wall s" "cpu s" "rss MiB" "output KiB" "kernels"
	row "$ours_label" "$(na ours.wall)" "$(na ours.cpu)" "$(rss_mib ours.rss)" \
		"$(size_kib ours.size)" "${ours_ok:-0} ok, ${ours_fail:-?} failed"
	row "(b) baseline: tar+bpftool, tar -cJf" "${res[bl.wall]}" "${res[bl.cpu]}" \
		"$(rss_mib bl.rss)" "$(size_kib bl.size)" "$bl_ok ok, $bl_fail failed"
	row "    of which tar -cJf of the tree" "${res[bl2.wall]}" "${res[bl2.cpu]}" "" "" \
		"tree $(kib "${res[bl.tree]}") KiB raw"
	row "(c) floor: xz -dc of the inputs" "${res[fl.wall]}" "${res[fl.cpu]}" \
		"$(rss_mib fl.rss)" "-" "$nk"
	echo
	echo "ours bundle: $(na ours.blobs) distinct BTFs, $(size_kib ours.blob_bytes) KiB raw," \
		"+ index.json $(size_kib ours.index) KiB raw; baseline tree $bl_ok files," \
		"$(kib "${res[bl.tree]}") KiB raw"
	echo "ours peak RSS at -J 2: $(rss_mib ours2.rss) MiB"
	echo "ours / floor wall:        $(ratio "$(na ours.wall)" "${res[fl.wall]}")"
	echo "baseline / ours wall:     $(ratio "${res[bl.wall]}" "$(na ours.wall)")"
	echo "baseline / ours CPU:      $(ratio "${res[bl.cpu]}" "$(na ours.cpu)")"
	echo "ours output / baseline tar.xz size: $(ratio "$(na ours.size)" "${res[bl.size]}")" \
		"($(size_kib ours.size) vs $(size_kib bl.size) KiB)"
	echo "ours BTF payload (the bundle's blob frame) / baseline tar.xz:" \
		"$(ratio "$(na ours.payload)" "${res[bl.size]}") ($(na ours.payload) vs ${res[bl.size]} bytes)"
	echo "ours bundle = index.json frame $(na ours.index_z) B + BTF frame $(na ours.payload) B" \
		"+ matrix.json frame $(na ours.matrix_z) B (matrix.json $(size_kib ours.matrix) KiB raw)"
	echo
	echo "(d) single kernel, $s_label, mean of $SINGLE_RUNS:"
	echo "    btfgen-batch min_core_btf $(na d.ours) s, bpftool gen min_core_btf $(na d.bpftool) s," \
		"bpftool/ours $(ratio "$(na d.bpftool)" "$(na d.ours)");" \
		"output $(na d.ours_size) vs $(na d.bpftool_size) bytes"
	echo "(e) runtime lookup of ${member:-n/a}, $LOOKUP_RUNS calls:"
	echo "    btfgen-batch lookup (bundle $(size_kib ours.size) KiB) $(na e.ours) ms/call," \
		"tar -xzf (tree.tar.gz $(size_kib e.targz_size) KiB) $(na e.tar) ms/call," \
		"tar/ours $(ratio "$(na e.tar)" "$(na e.ours)")"
	echo "    in-process ($LOOKUP_INPROC_RUNS calls, data in memory): btfgen_bundle__open_mem+find+btf_data" \
		"$(na e.lib_ours) ms/call, inflate+scan tar.gz $(na e.lib_tar) ms/call," \
		"tar.gz/bundle $(ratio "$(na e.lib_tar)" "$(na e.lib_ours)")"
	[[ $ours_mode == run ]] && have_cmd lookup ||
		echo "    TODO: btfgen-batch lookup not measured (needs 'run' and 'lookup')"
	if [[ -s $tmp/bl.fail ]]; then
		echo "baseline failures:"
		sed 's/^/    /' "$tmp/bl.fail" | head -n 20
	fi
} | tee "$tmp/summary"

if [[ -n ${BENCH_RESULTS:-} ]]; then
	{
		echo "mode=$mode kernels=$nk jobs=$jobs ours_mode=$ours_mode"
		for k in $(printf '%s\n' "${!res[@]}" | LC_ALL=C sort); do echo "$k=${res[$k]}"; done
	} >"$BENCH_RESULTS"
fi
