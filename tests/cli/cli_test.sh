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
	want=$1
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "btfgen-batch $*: exit $rc, want $want; stderr: $(head -c 400 "$tmp/err")"
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
			grep -Eq "^[[:space:]]+$cmd[[:space:]]" "$tmp/out" ||
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
		jq -e . "$tmp/out" >/dev/null || { fail "version $flag: not valid JSON"; continue; }
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
version_text)
	project_version=$1
	run 0 version && {
		head -n 1 "$tmp/out" | grep -qx "btfgen-batch $project_version" ||
			fail "first line '$(head -n 1 "$tmp/out")', want 'btfgen-batch $project_version'"
	}
	;;
*)
	fail "unknown test case"
	;;
esac
[ "$fails" -eq 0 ] || exit 1
echo "ok [$case_name]"
