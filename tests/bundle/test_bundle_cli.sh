#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/bundle: the bundle CLI (lookup, ls, info, extract) on bundles of the test-data kernels.
# Every kernel is looked up by its own keys and by what hosts report (aarch64, amd64, quoted
# and unquoted os-release, 11 for bullseye); the BTF written must be the one the index names
# (its SHA-256 is the entry's btf_sha256) and, for the fixture bundle, the BTF bpftool made for
# it.
# usage: test_bundle_cli.sh BTFGEN_BATCH BUNDLE_MKTEST TEST_DATA
set -u
BTFGEN=$1
MKTEST=$2
DATA=$(cd "$3" && pwd)
tmp=$(mktemp -d /tmp/btfgen-bundle-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export -n BTFGEN_OS_RELEASE
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# expect_rc WANT CMD...: run CMD (stdout to $tmp/out, stderr to $tmp/err), check the exit code
expect_rc() {
	local want=$1 rc
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [[ $rc != "$want" ]]; then
		fail "exit $rc, want $want: $*"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | head -20 >&2
		return 1
	fi
	return 0
}

# 1. the fixture: every test-data kernel tailored by bpftool (the reference) to four objects
OBJ=$DATA/objects/libbpf-tools
OBJS=("$OBJ/opensnoop.bpf.o" "$OBJ/execsnoop.bpf.o" "$OBJ/biotop.bpf.o" "$OBJ/tcpconnect.bpf.o")
args=()
while read -r f; do
	key=${f#"$DATA/btfhub/"}
	key=${key%.btf.tar.xz}
	mkdir -p "$tmp/full/${key%/*}" "$tmp/ref/${key%/*}"
	xz -dc "$f" | tar -xO >"$tmp/full/$key.btf" || { fail "extract $f"; continue; }
	if ! bpftool gen min_core_btf "$tmp/full/$key.btf" "$tmp/ref/$key.btf" "${OBJS[@]}" \
		>/dev/null 2>&1; then
		fail "bpftool gen min_core_btf $key"
		continue
	fi
	args+=("$key=$tmp/ref/$key.btf")
	rm -f "$tmp/full/$key.btf"
done < <(find "$DATA/btfhub" -name '*.btf.tar.xz' | sort)
nkern=${#args[@]}
[[ $nkern -ge 10 ]] || fail "only $nkern test-data kernels"
for o in "${OBJS[@]}"; do
	args=("obj:$(basename "$o"):x86_64" "${args[@]}")
done
# a compatibility matrix to carry: two records on the first kernel, one on the last
args=("${args[@]:0:5}" "unsat:opensnoop.bpf.o:tp_open:3:field_byte_offset"
	"unsat:biotop.bpf.o:kp_start:0:type_exists" "${args[@]:5}"
	"unsat:execsnoop.bpf.o:tp_exec:1:field_exists")
expect_rc 0 "$MKTEST" "$tmp/fix.bundle" "${args[@]}" || exit 1
expect_rc 0 "$MKTEST" "$tmp/fix2.bundle" "${args[@]}"
cmp -s "$tmp/fix.bundle" "$tmp/fix2.bundle" || fail "same input, different bundle bytes"

# the bundle is readable with standard tools: index.json first, then the blobs, each named
# after the first kernel that has it and hashing to that kernel's btf_sha256, matrix.json last
zstd -dc "$tmp/fix.bundle" >"$tmp/fix.tar" || fail "zstd -d"
tar -tf "$tmp/fix.tar" >"$tmp/members"
[[ $(head -1 "$tmp/members") == index.json ]] || fail "first member is '$(head -1 "$tmp/members")'"
[[ $(tail -1 "$tmp/members") == matrix.json ]] || fail "last member is '$(tail -1 "$tmp/members")'"
tar -xOf "$tmp/fix.tar" index.json >"$tmp/index.json"
tar -xOf "$tmp/fix.tar" matrix.json >"$tmp/matrix.json"
jq -e '.format == "btfgen-bundle" and .format_version == 1' "$tmp/index.json" >/dev/null ||
	fail "index.json format"
nblob=0
while read -r m; do
	[[ $m == blobs/*.btf ]] || continue
	nblob=$((nblob + 1))
	h=$(tar -xOf "$tmp/fix.tar" "$m" | sha256sum | cut -d' ' -f1)
	first=$(jq -r --arg m "$m" '[.kernels[] | select(.blob == $m)] | first |
		"blobs/\(.distro)/\(.version)/\(.arch)/\(.release).btf \(.btf_sha256)"' \
		"$tmp/index.json")
	[[ $first == "$m $h" ]] || fail "member $m (SHA-256 $h): first kernel naming it: $first"
done <"$tmp/members"
[[ $nblob == $(jq '[.kernels[].blob | select(.)] | unique | length' "$tmp/index.json") ]] ||
	fail "$nblob blob members, index.json names another number"
# the matrix: counts in index.json, the lists in matrix.json, same kernels in the same order
jq -e '[.kernels[].unsatisfied | type] | unique == ["number"]' "$tmp/index.json" >/dev/null ||
	fail "index.json: unsatisfied must be counts"
[[ $(jq -c '[.kernels[] | [.distro, .version, .arch, .release, .unsatisfied]]' \
	"$tmp/index.json") == "$(jq -c '[.kernels[] | [.distro, .version, .arch, .release,
	(.unsatisfied | length)]]' "$tmp/matrix.json")" ]] || fail "matrix.json does not match index"
[[ $(jq '[.kernels[].unsatisfied] | add' "$tmp/index.json") -gt 0 ]] ||
	fail "no unsatisfied relocation in the fixture: matrix untested"

alias_arch() {
	case $1 in
	x86_64) echo amd64 ;;
	arm64) echo aarch64 ;;
	*) echo "$1" ;;
	esac
}

debian_num() {
	case $1 in
	buster) echo 10 ;;
	bullseye) echo 11 ;;
	bookworm) echo 12 ;;
	trixie) echo 13 ;;
	*) echo "$1" ;;
	esac
}

# check_lookup WANT_KIND SHA256 REF ARGS...: lookup -o must write exactly that BTF (and REF)
check_lookup() {
	local kind=$1 blob=$2 ref=$3 got
	shift 3
	rm -f "$tmp/o.btf"
	expect_rc 0 "$BTFGEN" lookup "$@" -o "$tmp/o.btf" -j || return
	got=$(jq -r .match "$tmp/out")
	[[ $got == "$kind" ]] || fail "match '$got', want '$kind': lookup $*"
	got=$(sha256sum <"$tmp/o.btf" | cut -d' ' -f1)
	[[ $got == "$blob" ]] || fail "wrote $got, index says $blob: lookup $*"
	if [[ -n $ref ]] && ! cmp -s "$tmp/o.btf" "$ref"; then
		fail "BTF differs from $ref: lookup $*"
	fi
}

# lookup_all BUNDLE REFDIR: every ok kernel by its keys and by host-style aliases
lookup_all() {
	local bundle=$1 refdir=$2 n=0 d v a r blob ref num
	expect_rc 0 "$BTFGEN" ls -j "$bundle" || return
	cp "$tmp/out" "$tmp/ls.json"
	while IFS=$'\t' read -r d v a r blob; do
		ref=""
		[[ -n $refdir ]] && ref="$refdir/$d/$v/$a/$r.btf"
		n=$((n + 1))
		check_lookup exact "$blob" "$ref" "$bundle" --distro "$d" --version "$v" --arch "$a" \
			--release "$r"
		check_lookup alias "$blob" "$ref" "$bundle" --distro "$d" --version "$v" \
			--arch "$(alias_arch "$a")" --release "$r"
		num=$(debian_num "$v")
		# what a host reports: os-release quoted, then unquoted, then via the environment
		printf 'NAME="Debian GNU/Linux"\nID="%s"\nVERSION_ID="%s"\n' "$d" "$num" >"$tmp/osr-q"
		printf 'ID=%s\nVERSION_ID=%s\n' "$d" "$num" >"$tmp/osr-u"
		local k=exact
		[[ $num != "$v" ]] && k="alias"
		check_lookup $k "$blob" "$ref" "$bundle" --os-release "$tmp/osr-q" --arch "$a" \
			--release "$r"
		check_lookup alias "$blob" "$ref" "$bundle" --os-release "$tmp/osr-u" \
			--arch "$(alias_arch "$a")" --release "$r"
		BTFGEN_OS_RELEASE=$tmp/osr-q check_lookup $k "$blob" "$ref" "$bundle" --arch "$a" \
			--release "$r"
	done < <(jq -r '.[] | select(.status == "ok") | [.distro, .version, .arch, .release, .btf_sha256]
		| @tsv' "$tmp/ls.json")
	[[ $n -gt 0 ]] || fail "no ok kernel in $bundle"
	echo "ok   lookup of $n kernels x 5 spellings in $(basename "$bundle")"
}

lookup_all "$tmp/fix.bundle" "$tmp/ref"

# 2. release-only, ambiguity, absence, kernels without BTF; nothing written unless found
B=$tmp/fix.bundle
check_lookup release-only "$(jq -r '.[] | select(.release == "5.10.0-30-amd64") | .btf_sha256' \
	"$tmp/ls.json")" "$tmp/ref/debian/bullseye/x86_64/5.10.0-30-amd64.btf" "$B" \
	--distro ubuntu --version 22.04 --arch x86_64 --release 5.10.0-30-amd64
expect_rc 0 "$BTFGEN" lookup "$B" --distro ubuntu --version 22.04 --arch amd64 \
	--release 5.10.0-30-amd64
grep -q 'release alone' "$tmp/out" || fail "release-only match not reported as such"
# the same release under two distros with different BTFs
expect_rc 0 "$MKTEST" "$tmp/amb.bundle" \
	"debian/12/x86_64/6.1.0-47-amd64=$tmp/ref/debian/12/x86_64/6.1.0-47-amd64.btf" \
	"ubuntu/22.04/x86_64/6.1.0-47-amd64=$tmp/ref/debian/bullseye/x86_64/5.10.0-30-amd64.btf" \
	"debian/12/x86_64/6.1.0-66-amd64:failed:archive has no BTF"
rm -f "$tmp/o.btf"
expect_rc 5 "$BTFGEN" lookup "$tmp/amb.bundle" --distro fedora --version 39 --arch x86_64 \
	--release 6.1.0-47-amd64 -o "$tmp/o.btf" -j
[[ $(jq '.candidates | length' "$tmp/out") == 2 ]] || fail "ambiguous: candidates"
[[ ! -e $tmp/o.btf ]] || fail "ambiguous lookup wrote its output"
expect_rc 0 "$BTFGEN" lookup "$tmp/amb.bundle" --distro debian --version 12 --arch x86_64 \
	--release 6.1.0-47-amd64
expect_rc 4 "$BTFGEN" lookup "$B" --distro debian --version 12 --arch x86_64 \
	--release 9.9.9-nope -o "$tmp/o.btf"
[[ ! -e $tmp/o.btf ]] || fail "failed lookup wrote its output"
expect_rc 4 "$BTFGEN" lookup "$B" --distro debian --version 11 --arch x86_64 \
	--release 5.10.0-30-arm64
expect_rc 6 "$BTFGEN" lookup "$tmp/amb.bundle" --distro debian --version 12 --arch x86_64 \
	--release 6.1.0-66-amd64 -o "$tmp/o.btf" -j
[[ $(jq -r .entry.reason "$tmp/out") == "archive has no BTF" ]] || fail "reason not shown"
[[ ! -e $tmp/o.btf ]] || fail "lookup of a failed kernel wrote its output"
echo "ok   release-only, ambiguous (5), not found (4), no BTF (6)"

# RHEL-likes publish per major version, Amazon Linux 1 as 2018: hosts say 8.4 and 2018.03
r1=$tmp/ref/debian/bullseye/x86_64/5.10.0-30-amd64.btf
r2=$tmp/ref/debian/12/x86_64/6.1.0-47-amd64.btf
r3=$tmp/ref/debian/bullseye/arm64/5.10.0-30-arm64.btf
expect_rc 0 "$MKTEST" "$tmp/rhel.bundle" "rhel/8/x86_64/4.18.0-305.el8.x86_64=$r1" \
	"ol/8/x86_64/4.18.0-305.el8.x86_64=$r2" "centos/8/x86_64/4.18.0-240.el8.x86_64=$r3" \
	"amzn/2018/x86_64/4.14.238-125.422.amzn1.x86_64=$r2"
expect_rc 0 "$BTFGEN" ls -j "$tmp/rhel.bundle" && cp "$tmp/out" "$tmp/rhel.json"
for c in "rhel 8.4 4.18.0-305.el8.x86_64 $r1" "ol 8.4 4.18.0-305.el8.x86_64 $r2" \
	"centos 8.3.2011 4.18.0-240.el8.x86_64 $r3" "amzn 2018.03 4.14.238-125.422.amzn1.x86_64 $r2"; do
	read -r id ver rel ref <<<"$c"
	blob=$(jq -r --arg d "$id" '.[] | select(.distro == $d) | .btf_sha256' "$tmp/rhel.json")
	printf 'NAME="x"\nID="%s"\nVERSION_ID="%s"\n' "$id" "$ver" >"$tmp/osr"
	check_lookup alias "$blob" "$ref" "$tmp/rhel.bundle" --os-release "$tmp/osr" --arch x86_64 \
		--release "$rel"
	printf "ID=%s\nVERSION_ID=%s\n" "$id" "$ver" >"$tmp/osr"
	check_lookup alias "$blob" "$ref" "$tmp/rhel.bundle" --os-release "$tmp/osr" --arch amd64 \
		--release "$rel"
done
# a Rocky host on a release both RHEL and OL have, with different BTFs: ambiguous
printf 'ID="rocky"\nVERSION_ID="8.4"\n' >"$tmp/osr"
expect_rc 5 "$BTFGEN" lookup "$tmp/rhel.bundle" --os-release "$tmp/osr" --arch x86_64 \
	--release 4.18.0-305.el8.x86_64
check_lookup release-only "$(jq -r '.[] | select(.distro == "centos") | .btf_sha256' \
	"$tmp/rhel.json")" \
	"$r3" "$tmp/rhel.bundle" --os-release "$tmp/osr" --arch x86_64 --release 4.18.0-240.el8.x86_64
echo "ok   RHEL/OL/CentOS VERSION_ID 8.x and Amazon 2018.03 from os-release files"

# 3. ls, info, extract
expect_rc 0 "$BTFGEN" ls "$B"
[[ $(grep -c '^ok ' "$tmp/out") == "$nkern" ]] || fail "ls: want $nkern ok lines"
expect_rc 0 "$BTFGEN" info "$B" -j
[[ $(jq .kernels.ok "$tmp/out") == "$nkern" && $(jq '.objects | length' "$tmp/out") == 4 &&
	$(jq -r .integrity "$tmp/out") == ok ]] || fail "info -j"
blobs=$(tar -tf "$tmp/fix.tar" | grep -c '^blobs/')
[[ $(jq .blobs "$tmp/out") == "$blobs" ]] || fail "info: blobs"
[[ $blobs -lt $nkern ]] || fail "no two test-data kernels share a BTF: dedup untested"
expect_rc 0 "$BTFGEN" info "$B"
expect_rc 0 "$BTFGEN" extract "$B" "$tmp/tree"
while IFS=$'\t' read -r d v a r; do
	cmp -s "$tmp/tree/$d/$v/$a/$r.btf" "$tmp/ref/$d/$v/$a/$r.btf" || fail "extract: $d/$v/$a/$r"
done < <(jq -r '.[] | [.distro, .version, .arch, .release] | @tsv' "$tmp/ls.json")
cmp -s "$tmp/tree/index.json" "$tmp/index.json" ||
	fail "extract: index.json differs from the bundle's"
cmp -s "$tmp/tree/matrix.json" "$tmp/matrix.json" ||
	fail "extract: matrix.json differs from the bundle's"
[[ $(find "$tmp/tree" -name '*.btf' | wc -l) == "$nkern" ]] || fail "extract: file count"
expect_rc 0 "$BTFGEN" extract "$B" "$tmp/tree" # replaces its own earlier tree
mkdir -p "$tmp/mine" && touch "$tmp/mine/keep"
expect_rc 3 "$BTFGEN" extract "$B" "$tmp/mine"
[[ -e $tmp/mine/keep ]] || fail "extract replaced a foreign directory"
echo "ok   ls, info, extract"

# 4. usage and bad bundles
for c in lookup ls info extract; do
	expect_rc 0 "$BTFGEN" "$c" --help
	expect_rc 2 "$BTFGEN" "$c"
	expect_rc 2 "$BTFGEN" "$c" --no-such-option "$B"
done
head -c $(($(stat -c %s "$B") / 2)) "$B" >"$tmp/trunc.bundle"
printf 'not a bundle' >"$tmp/junk.bundle"
for bad in "$tmp/trunc.bundle" "$tmp/junk.bundle" "$tmp/missing.bundle"; do
	expect_rc 3 "$BTFGEN" ls "$bad"
	expect_rc 3 "$BTFGEN" info "$bad"
	expect_rc 3 "$BTFGEN" lookup "$bad" --release x
	expect_rc 3 "$BTFGEN" extract "$bad" "$tmp/t2"
done
[[ ! -e $tmp/t2 ]] || fail "extract of a bad bundle created its output"
echo "ok   usage (2) and unreadable bundles (3)"

# 5. the bundle 'run' makes, when run works: every kernel by its keys and aliases
if "$BTFGEN" run --help 2>&1 | grep -qi 'not implemented'; then
	echo "SKIP lookup on a 'run' bundle: btfgen-batch run is not implemented yet"
else
	cat >"$tmp/manifest.json" <<JSON
{ "version": 1, "archive": "$DATA/btfhub",
  "objects": { "x86_64": [$(printf '"%s",' "${OBJS[@]}" | sed 's/,$//')] },
  "output": "$tmp/run.bundle" }
JSON
	"$BTFGEN" run "$tmp/manifest.json" >"$tmp/run.out" 2>&1
	rc=$?
	if [[ $rc -le 1 && -s $tmp/run.bundle ]]; then
		lookup_all "$tmp/run.bundle" ""
	else
		fail "btfgen-batch run exited $rc"
		head -20 "$tmp/run.out" >&2
	fi
fi

if [[ $fails -gt 0 ]]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "all bundle CLI tests passed"
