#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/cli: one CLI check per invocation: exit codes, --help of every command, version -j.
# usage: cli_test.sh BTFGEN_BATCH CASE [ARG...]
set -u
bin=$1
case_name=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/btfgen-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL [$case_name]: $*" >&2
	fails=$((fails + 1))
}

# run EXPECTED_RC ARGS...: runs the binary, output in $tmp/out and $tmp/err
run() {
	run_want=$1
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$run_want" ]; then
		fail "btfgen-batch $*: exit $rc, want $run_want; stderr: $(head -c 400 "$tmp/err")"
		return 1
	fi
	return 0
}

case $case_name in
help)
	# top-level help: exit 0 on stdout, every command listed
	for flag in --help -h; do
		run 0 "$flag" || continue
		[ -s "$tmp/out" ] || fail "$flag printed nothing on stdout"
		for cmd in "$@"; do
			grep -Eq "^[[:space:]]+${cmd}[[:space:]]" "$tmp/out" ||
				fail "$flag does not list command '$cmd'"
		done
	done
	;;
no_args)
	run 2 && { [ -s "$tmp/err" ] || fail "no usage on stderr"; }
	;;
subcommand_help)
	# ARG: the command; its --help exits 0 with a usage line on stdout, nothing on stderr
	cmd=$1
	for flag in --help -h; do
		run 0 "$cmd" "$flag" || continue
		grep -Eq "usage: btfgen-batch \\[?$cmd\\]?( |\$)" "$tmp/out" ||
			fail "$cmd $flag: no 'usage: btfgen-batch $cmd' line on stdout"
		[ -s "$tmp/err" ] && fail "$cmd $flag wrote to stderr: $(head -c 200 "$tmp/err")"
	done
	;;
unknown_command)
	run 2 frobnicate-xyz && {
		grep -q "frobnicate-xyz" "$tmp/err" || fail "stderr does not name the unknown command"
		[ -s "$tmp/out" ] && fail "unknown command wrote to stdout"
	}
	;;
unknown_option)
	# ARG: the command; an unknown option is a usage error
	run 2 "$1" --no-such-option-xyz &&
		grep -q "unknown command" "$tmp/err" && fail "'$1' is not a command"
	;;
min_core_btf_args)
	# fewer than INPUT OUTPUT OBJECT: exit 2, nothing written
	cd "$tmp" || exit 1
	run 2 min_core_btf
	run 2 min_core_btf in.btf
	run 2 min_core_btf in.btf out.btf
	[ -e out.btf ] && fail "min_core_btf with 2 arguments wrote out.btf"
	;;
version_json)
	# ARG: the project version; -j is JSON naming btfgen-batch and each library linked
	project_version=$1
	for flag in -j --json; do
		run 0 version "$flag" || continue
		jq -en input "$tmp/out" >/dev/null || { fail "version $flag: not valid JSON"; continue; }
		for key in btfgen-batch libbpf libarchive zstd jansson; do
			jq -e --arg k "$key" '.[$k] | type == "string" and length > 0' "$tmp/out" \
				>/dev/null || fail "version $flag: no non-empty string \"$key\""
		done
		v=$(jq -r '."btfgen-batch"' "$tmp/out")
		[ "$v" = "$project_version" ] || fail "btfgen-batch version '$v', want '$project_version'"
		# the linked libraries are the ones installed: pkg-config agrees on each version
		for pair in libbpf:libbpf libzstd:zstd jansson:jansson libarchive:libarchive; do
			pc=${pair%%:*}
			key=${pair#*:}
			want=$(pkg-config --modversion "$pc" 2>/dev/null) || continue
			got=$(jq -r --arg k "$key" '.[$k]' "$tmp/out")
			case "$want" in
			"$got"*) ;;
			*) case "$got" in
				*"$want"*) ;;
				*) fail "version: $key '$got' does not match installed $pc $want" ;;
				esac ;;
			esac
		done
	done
	;;
min_core_btf_json)
	# ARGS: kernel archive, object; -j reports every CO-RE record of the object, in order
	kernel=$1
	obj=$2
	want=$(python3 - "$obj" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
shoff = struct.unpack_from("<Q", d, 0x28)[0]
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3A)
secs = [struct.unpack_from("<IIQQQQ", d, shoff + i * shentsize) for i in range(shnum)]
names = secs[shstrndx][4]
for s in secs:
    if d[names + s[0]:d.index(b"\0", names + s[0])] == b".BTF.ext":
        base = s[4]
        hdr_len, = struct.unpack_from("<I", d, base + 4)
        off, length = struct.unpack_from("<II", d, base + 24)
        p = base + hdr_len + off
        rec = struct.unpack_from("<I", d, p)[0]
        p, end, n = p + 4, p + length, 0
        while p < end:
            num = struct.unpack_from("<I", d, p + 4)[0]
            n, p = n + num, p + 8 + num * rec
        print(n)
PY
)
	if ! { [ -n "$want" ] && [ "$want" -gt 0 ]; }; then
		fail "cannot count the records of $obj"
		want=0
	fi
	run 0 min_core_btf -j "$kernel" "$tmp/out.btf" "$obj" && {
		jq -en input "$tmp/out" >/dev/null || fail "min_core_btf -j: not valid JSON"
		got=$(jq '.objects[0].relocations | length' "$tmp/out")
		[ "$got" = "$want" ] || fail "-j reports $got relocations, the object has $want"
		jq -e '.objects | length == 1' "$tmp/out" >/dev/null || fail "-j: not one object"
		jq -e '.objects[0].relocations | [.[].index] == [range(0; length)]' "$tmp/out" \
			>/dev/null || fail "-j: relocation indexes are not 0..n-1 in order"
		jq -e 'all(.objects[0].relocations[];
			(.status | IN("resolved", "not_found", "local", "failed")) and
			(.kind | length > 0) and (.access | length > 0) and (.program | length > 0))' \
			"$tmp/out" >/dev/null || fail "-j: a relocation lacks status, kind, access or program"
		jq -e 'all(.objects[0].relocations[]; .status != "resolved" or
			(.poison == false and (.value | type == "number")))' "$tmp/out" >/dev/null ||
			fail "-j: a resolved relocation has no value"
		size=$(wc -c <"$tmp/out.btf")
		jq -e --argjson s "$size" '.btf_size == $s' "$tmp/out" >/dev/null ||
			fail "-j: btf_size is not the size of OUTPUT ($size)"
	}
	;;
min_core_btf_inputs)
	# ARGS: kernel archive, object. INPUT as .btf.tar.xz, raw BTF and an ELF with .BTF
	# (a vmlinux) give the same tailored BTF.
	kernel=$1
	obj=$2
	xz -dc "$kernel" | tar -xO > "$tmp/k.btf" || fail "cannot extract $kernel"
	objcopy -I binary -O elf64-x86-64 --rename-section .data=.BTF "$tmp/k.btf" "$tmp/k.elf" ||
		fail "objcopy"
	for input in "$kernel" "$tmp/k.btf" "$tmp/k.elf"; do
		run 0 min_core_btf "$input" "$tmp/out.$(basename "$input")" "$obj" ||
			continue
		cmp -s "$tmp/out.$(basename "$kernel")" "$tmp/out.$(basename "$input")" ||
			fail "INPUT $(basename "$input") gives other bytes than the archive"
	done
	;;
manifest_arg)
	# an argument that is no command but names a file, ends in .json or has a / is a
	# manifest: the error names it, in one line, without the usage text
	cd "$tmp" || exit 1
	printf '{ "version": 1,' >manifest.jsn
	mkdir adir
	for arg in manifest.jsn adir ./adir missing.json ./missing; do
		run 2 "$arg" || continue
		[ "$(wc -l <"$tmp/err")" = 1 ] || fail "'$arg': not one line: $(cat "$tmp/err")"
		grep -q "unknown command\|usage:" "$tmp/err" && fail "'$arg': $(cat "$tmp/err")"
		grep -q "${arg#./}" "$tmp/err" || fail "'$arg': error does not name it: $(cat "$tmp/err")"
	done
	# a word that is neither: one line naming it, pointing at --help
	if ! { run 2 manifest.jsno &&
		grep -q "'manifest.jsno' is neither a command nor a manifest" "$tmp/err"; }; then
		fail "manifest.jsno: $(cat "$tmp/err")"
	fi
	# the old job count flag: -j is JSON now, and the error says what to use
	if ! { run 2 -j 4 missing.json &&
		jq -en 'input | .error | contains("-J 4")' "$tmp/out" >/dev/null; }; then
		fail "-j 4: $(cat "$tmp/out" "$tmp/err")"
	fi
	run 2 run -J 0 missing.json
	;;
json_errors)
	# -j and -p in every command; in JSON mode an error is {"error": ...} on stdout
	cd "$tmp" || exit 1
	printf 'junk' >junk.tar.zst
	for flag in -j -p --json --pretty; do
		for args in "ls junk.tar.zst" "info junk.tar.zst" "lookup --release 1 junk.tar.zst" \
			"extract junk.tar.zst outdir" "diff junk.tar.zst junk.tar.zst" \
			"merge -o m.tar.zst junk.tar.zst" "strip junk.tar.zst s.tar.zst" \
			"min_core_btf junk.btf o.btf junk.o" \
			"run missing.json" "version --bogus"; do
			# shellcheck disable=SC2086
			set -- $args
			cmd=$1
			shift
			"$bin" "$cmd" "$flag" "$@" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			[ "$rc" -ge 2 ] || fail "$cmd $flag $*: exit $rc, want an error"
			jq -en 'input | .error | type == "string" and length > 0' "$tmp/out" >/dev/null ||
				fail "$cmd $flag $*: stdout is not {\"error\": ...}: $(head -c 200 "$tmp/out")"
			[ -s "$tmp/err" ] || fail "$cmd $flag $*: nothing on stderr"
			case $flag in
			-p | --pretty) [ "$(wc -l <"$tmp/out")" -gt 1 ] || fail "$cmd $flag: not indented" ;;
			*) [ "$(wc -l <"$tmp/out")" = 1 ] || fail "$cmd $flag: not one line" ;;
			esac
		done
	done
	;;
version_text)
	project_version=$1
	run 0 version && {
		head -n 1 "$tmp/out" | grep -qx "btfgen-batch $project_version" ||
			fail "first line '$(head -n 1 "$tmp/out")', want 'btfgen-batch $project_version'"
		grep -Eq '^libarchive [0-9]' "$tmp/out" || fail "no 'libarchive N' line: $(cat "$tmp/out")"
	}
	;;
*)
	fail "unknown test case"
	;;
esac
[ "$fails" -eq 0 ] || exit 1
echo "ok [$case_name]"
