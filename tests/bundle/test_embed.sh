#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/bundle: the embed example, run against each test-data kernel of its bundle, must get
# the same libbpf CO-RE relocation results (patched instructions, poisoned ones, failures) as
# libbpf gets from that kernel's full BTF. Loading needs root and bpf(): skipped otherwise.
# usage: test_embed.sh EMBED_EXAMPLE TEST_DATA
set -u
EMBED=$1
DATA=$(cd "$2" && pwd)
if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the embed example loads BPF objects: run as root"
	exit 77
fi
tmp=$(mktemp -d /tmp/btfgen-embed-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0

# libbpf's outcome per relocation, without type ids (which differ between the two BTFs)
relo_results() {
	grep -E "relo #[0-9]+: (patched insn|substituting insn|no matching targets|failed)" |
		sed -E 's/^libbpf: //'
}

while read -r f; do
	key=${f#"$DATA/btfhub/"}
	key=${key%.btf.tar.xz}
	IFS=/ read -r d v a r <<<"$key"
	[[ $a == x86_64 ]] || continue # the example's object is x86_64
	xz -dc "$f" | tar -xO >"$tmp/full.btf" || { echo "FAIL: extract $f"; fails=$((fails + 1)); continue; }
	"$EMBED" --distro "$d" --version "$v" --arch amd64 --release "$r" >"$tmp/bundle.out" 2>&1
	rc=$?
	if [[ $rc -gt 1 ]] || ! grep -q "match $d/$v/$a/$r" "$tmp/bundle.out"; then
		echo "FAIL: $key: exit $rc"
		head -5 "$tmp/bundle.out"
		fails=$((fails + 1))
		continue
	fi
	"$EMBED" --btf "$tmp/full.btf" >"$tmp/full.out" 2>&1
	# biolatency: some relocations cannot be satisfied (poisoned insns, field_exists = 0)
	"$EMBED" --distro "$d" --version "$v" --arch amd64 --release "$r" \
		--object "$DATA/objects/libbpf-tools/biolatency.bpf.o" >>"$tmp/bundle.out" 2>&1
	"$EMBED" --btf "$tmp/full.btf" --object "$DATA/objects/libbpf-tools/biolatency.bpf.o" \
		>>"$tmp/full.out" 2>&1
	relo_results <"$tmp/bundle.out" >"$tmp/bundle.relo"
	relo_results <"$tmp/full.out" >"$tmp/full.relo"
	if [[ ! -s $tmp/full.relo ]]; then
		echo "FAIL: $key: no relocation results from libbpf"
		fails=$((fails + 1))
	elif ! diff -u "$tmp/full.relo" "$tmp/bundle.relo"; then
		echo "FAIL: $key: relocations differ (full BTF vs bundle)"
		fails=$((fails + 1))
	else
		n=$((n + 1))
		echo "ok   $key: $(wc -l <"$tmp/bundle.relo") relocation results as with the full BTF" \
			"($(grep -c 'substituting insn' "$tmp/bundle.relo") poisoned;" \
			"$(grep -o 'load: .*' "$tmp/bundle.out" | paste -sd, -))"
	fi
done < <(find "$DATA/btfhub" -name '*.btf.tar.xz' | sort)
# a host-style query: os-release of Debian 11, arch as uname says it
printf 'ID="debian"\nVERSION_ID="11"\n' >"$tmp/os-release"
BTFGEN_OS_RELEASE=$tmp/os-release "$EMBED" --arch x86_64 --release 5.10.0-30-amd64 --no-load \
	>"$tmp/out" 2>&1
grep -q "alias match debian/bullseye/x86_64/5.10.0-30-amd64" "$tmp/out" ||
	{ echo "FAIL: os-release lookup"; cat "$tmp/out"; fails=$((fails + 1)); }
"$EMBED" --release 0.0.0-not-a-kernel --no-load >"$tmp/out" 2>&1
rc=$?
[[ $rc == 4 ]] || { echo "FAIL: unknown kernel: exit $rc, want 4"; fails=$((fails + 1)); }
[[ $n -gt 0 ]] || { echo "FAIL: no kernel checked"; fails=$((fails + 1)); }
[[ $fails == 0 ]] || exit 1
echo "embed example: $n kernels, same relocations as with the full BTF"
