#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# manifest__load(): valid manifests select the kernels that find(1) sees in test-data/btfhub
# (all, per arch, include/exclude, list), objects expand sorted and deduplicated, options are read;
# the archive walk ignores what is not a kernel input and never enters symlinked directories;
# every class of error gives one line naming the file and the key, and no manifest.
# usage: test_manifest.sh MF_DUMP TEST_DATA
set -eu
MF_DUMP=$1
DATA=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

cd "$T"
ln -s "$DATA/btfhub" btfhub
ln -s "$DATA/objects" objects
mf() { printf '%s\n' "$1" >manifest.json; }
X86='"x86_64": ["objects/libbpf-tools/*.bpf.o"]'
# Any files do as arm64 objects here: the manifest does not look inside them.
mkdir arm64-objs
for o in execsnoop opensnoop; do cp "$DATA/objects/libbpf-tools/$o.bpf.o" arm64-objs/; done
ARM='"arm64": ["arm64-objs/*.bpf.o"]'

# Expected kernel names from the tree, sorted field by field: find NAME-FILTER...
kernels_find() {
	(cd "$DATA/btfhub" && find . -mindepth 4 -maxdepth 4 -type f -name '*.btf.tar.xz') |
		sed -e 's|^\./||' -e 's|\.btf\.tar\.xz$||' | sort -t/ -k1,1 -k2,2 -k3,3 -k4,4 |
		grep -E "$1" || true
}
# check NAME EXPECTED_KERNELS: mf_dump's kernels match, and each input is the file of the tree.
check() {
	if ! "$MF_DUMP" manifest.json >out.txt; then
		bad "$1: $(cat out.txt)"
		return
	fi
	sed -n 's/^kernel \([^ ]*\) .*/\1/p' out.txt >got.txt
	printf '%s\n' "$2" | sed '/^$/d' >want.txt
	if ! cmp -s got.txt want.txt; then
		bad "$1: kernels differ"
		diff want.txt got.txt || true
		return
	fi
	[ -s want.txt ] || bad "$1: test expects no kernel"
	sed -n 's/^kernel //p' out.txt | while read -r name input; do
		[ "$input" = "$T/btfhub/$name.btf.tar.xz" ] || echo "input $input"
	done >inputs.txt
	[ -s inputs.txt ] && bad "$1: wrong inputs: $(head -n1 inputs.txt)"
	echo "ok: $1 ($(wc -l <got.txt) kernels)"
}

# 1. All x86_64 kernels; objects sorted by strcmp, absolute, deduplicated across patterns.
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"out/x.tar.zst\",
  \"objects\": { \"x86_64\": [\"objects/libbpf-tools/*.bpf.o\",
	\"./objects/../objects/libbpf-tools/execsnoop.bpf.o\",
	\"objects/libbpf-tools/[a-c]*.o\"] } }"
check "x86_64 only" "$(kernels_find '/x86_64/')"
(cd "$DATA/objects/libbpf-tools" && ls -- *.bpf.o) |
	sed "s|^|object x86_64 $T/objects/libbpf-tools/|" | sort >want.txt
grep '^object ' out.txt >got.txt
if cmp -s want.txt got.txt; then
	echo "ok: objects sorted and deduplicated ($(wc -l <got.txt))"
else
	bad "objects differ: $(diff want.txt got.txt | head -n3)"
fi
grep -qx "archive $T/btfhub" out.txt || bad "archive path: $(grep ^archive out.txt)"
grep -qx "output $T/out/x.tar.zst" out.txt || bad "output path: $(grep ^output out.txt)"
grep -qx "dir $(cd "$T" && pwd -P)" out.txt || bad "dir: $(grep ^dir out.txt)"
for l in 'jobs 0' 'format bundle' 'compression zstd' 'verify true' 'cache (none)'; do
	grep -qx "$l" out.txt || bad "default '$l': $(grep "^${l%% *} " out.txt)"
done

# A symlinked manifest reads paths relative to the link's folder and keeps its own name:
# sub/m.json fails where it is (no btfhub in sub/), and loads through $T/link.json.
mkdir sub
cp manifest.json sub/m.json
ln -s sub/m.json link.json
if "$MF_DUMP" sub/m.json >/dev/null; then
	bad "sub/m.json loads from sub/"
elif ! "$MF_DUMP" link.json >out.txt; then
	bad "symlinked manifest: $(cat out.txt)"
elif ! grep -qx "path $(pwd -P)/link.json" out.txt; then
	bad "symlinked manifest path: $(grep ^path out.txt)"
else
	echo "ok: symlinked manifest, relative to the link"
fi
rm -rf sub link.json

# 2. Both arches: every kernel.
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"o\", \"objects\": { $ARM, $X86 } }"
check "x86_64 and arm64" "$(kernels_find .)"
n=$(grep -c '^object arm64 ' out.txt) || true
[ "$n" = 2 ] || bad "arm64 objects: $n"

# 3. include/exclude, '*' not crossing '/'.
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"o\", \"objects\": { $ARM, $X86 },
  \"kernels\": { \"include\": [\"debian/12/*/*\"],
		 \"exclude\": [\"*/*/*/*-rt-*\", \"*/*/*/*cloud*\"] } }"
check "include debian/12, exclude rt and cloud" \
	"$(kernels_find '^debian/12/' | grep -v -e '-rt-' -e cloud)"
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"o\", \"objects\": { $ARM, $X86 },
  \"kernels\": { \"include\": [\"*/*/x86_64/6.1.*\"] } }"
check "include */*/x86_64/6.1.*" "$(kernels_find '/x86_64/6\.1\.')"
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"o\", \"objects\": { $X86 },
  \"kernels\": { \"exclude\": [\"debian/bullseye/*/*\"] } }"
check "exclude only, x86_64 objects only" "$(kernels_find '/x86_64/' | grep -v bullseye)"

# 4. An explicit list, given out of order: sorted, each one present.
k1=$(kernels_find '/arm64/' | head -n1)
k2=$(kernels_find '/x86_64/' | tail -n1)
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"o\", \"objects\": { $X86, $ARM },
  \"kernels\": { \"list\": [\"$k2\", \"$k1\"] } }"
check "list" "$(printf '%s\n%s\n' "$k1" "$k2" | sort -t/ -k1,1 -k2,2 -k3,3 -k4,4)"

# 5. Options.
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"/abs/out.tar\", \"objects\": { $X86 },
  \"jobs\": 3, \"format\": \"tree\", \"compression\": \"xz\", \"verify\": false,
  \"cache\": \"c/../cache\" }"
if "$MF_DUMP" manifest.json >out.txt; then
	for l in 'jobs 3' 'format tree' 'compression xz' 'verify false' "cache $T/cache" \
		'output /abs/out.tar'; do
		grep -qx "$l" out.txt || bad "option '$l': $(grep "^${l%% *} " out.txt)"
	done
	echo "ok: options"
else
	bad "options: $(cat out.txt)"
fi

# 6. The walk: README, .git, SHA256SUMS, a symlinked directory looping to the root, a dangling
# symlink, a symlinked file, raw .btf, .btf.tar.gz and .btf.tar.zst inputs.
mkdir -p arch/.git/x/y/z arch/d/v/x86_64 arch/d/v2/x86_64 arch/e/1/arm64
touch arch/README.md arch/d/README arch/d/v/x86_64/SHA256SUMS arch/.git/x/y/z/k.btf
ln -s .. arch/d/v/loop
ln -s ../../.. arch/d/v2/arm64
ln -s /nonexistent/k.btf arch/d/v/x86_64/dangling.btf
echo x >arch/d/v/x86_64/a.btf
echo x >arch/d/v/x86_64/b.btf.tar.gz
echo x >arch/d/v/x86_64/c.btf.tar.zst
echo x >arch/d/v2/x86_64/real.btf.tar.xz
ln -s ../../v2/x86_64/real.btf.tar.xz arch/d/v/x86_64/linked.btf.tar.xz
echo x >arch/e/1/arm64/k.btf
mkdir arch/d/v/x86_64/notafile.btf
mf "{ \"version\": 1, \"archive\": \"arch\", \"output\": \"o\", \"objects\": { $X86, $ARM } }"
if "$MF_DUMP" manifest.json >out.txt; then
	sed -n 's/^kernel //p' out.txt >got.txt
	cat >want.txt <<-W
		d/v/x86_64/a $T/arch/d/v/x86_64/a.btf
		d/v/x86_64/b $T/arch/d/v/x86_64/b.btf.tar.gz
		d/v/x86_64/c $T/arch/d/v/x86_64/c.btf.tar.zst
		d/v/x86_64/linked $T/arch/d/v/x86_64/linked.btf.tar.xz
		d/v2/x86_64/real $T/arch/d/v2/x86_64/real.btf.tar.xz
		e/1/arm64/k $T/arch/e/1/arm64/k.btf
	W
	if cmp -s want.txt got.txt; then
		echo "ok: archive walk"
	else
		bad "archive walk"
		diff want.txt got.txt || true
	fi
else
	bad "archive walk: $(cat out.txt)"
fi

# Errors: expect 'ERRNO: message' for the manifest in manifest.json.
expect() {
	rc=0
	"$MF_DUMP" manifest.json >out.txt || rc=$?
	if [ "$rc" != 1 ]; then
		# 0: accepted; anything else: a crash or a sanitizer report (leak on an error path).
		bad "exit $rc, want 1 and '$1': $(head -n1 manifest.json)"
		return
	fi
	[ "$(wc -l <out.txt)" = 1 ] || bad "not one line: $(cat out.txt)"
	case "$(cat out.txt)" in
	"error $1"*) echo "ok: $(cat out.txt)" ;;
	*) bad "got '$(cat out.txt)', want 'error $1'" ;;
	esac
}
B='"version": 1, "archive": "btfhub", "output": "o"'
O="\"objects\": { $X86 }"

mf "{ $B, $O, \"jobz\": 4 }"; expect "EINVAL: manifest.json: key 'jobz': unknown key"
mf "{ \"archive\": \"btfhub\", \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'version': missing required key"
mf "{ \"version\": 2, \"archive\": \"btfhub\", \"output\": \"o\", $O, \"new\": 1 }"
expect "EINVAL: manifest.json: key 'version': unsupported version 2"
mf "{ \"version\": \"1\", \"archive\": \"btfhub\", \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'version': must be an integer"
mf "{ \"version\": 1, \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'archive': missing required key"
mf "{ \"version\": 1, \"archive\": \"btfhub\", $O }"
expect "EINVAL: manifest.json: key 'output': missing required key"
mf "{ $B }"; expect "EINVAL: manifest.json: key 'objects': missing required key"
mf "{ \"version\": 1, \"archive\": \"nope\", \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'archive': 'nope': No such file or directory"
mf "{ \"version\": 1, \"archive\": \"manifest.json\", \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'archive': 'manifest.json' is not a directory"
mf "{ \"version\": 1, \"archive\": 7, \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'archive': must be a non-empty string"
mf "{ \"version\": 1, \"archive\": \"btfhub\", \"output\": \"\", $O }"
expect "EINVAL: manifest.json: key 'output': must be a non-empty string"
mf "{ $B, \"objects\": [] }"
expect "EINVAL: manifest.json: key 'objects': must be a non-empty object"
mf "{ $B, \"objects\": {} }"
expect "EINVAL: manifest.json: key 'objects': must be a non-empty object"
mf "{ $B, \"objects\": { \"x86_64\": [] } }"
expect "EINVAL: manifest.json: key 'objects.x86_64': must be a non-empty array"
mf "{ $B, \"objects\": { \"x86_64\": \"objects/libbpf-tools/*.bpf.o\" } }"
expect "EINVAL: manifest.json: key 'objects.x86_64': must be a non-empty array"
mf "{ $B, \"objects\": { $X86, \"arm64\": [\"build/arm64/*.o\"] } }"
expect "EINVAL: manifest.json: key 'objects.arm64[0]': no file matches 'build/arm64/*.o'"
mf "{ $B, \"objects\": { \"x86_64\": [\"objects/libbpf-tools/execsnoop.bpf.o\", \"missing.o\"] } }"
expect "EINVAL: manifest.json: key 'objects.x86_64[1]': no such file 'missing.o'"
mf "{ $B, \"objects\": { \"x86_64\": [\"objects/libbpf-tools\"] } }"
expect "EINVAL: manifest.json: key 'objects.x86_64[0]': '$T/objects/libbpf-tools' is not a \
regular file"
mf "{ $B, \"objects\": { \"x86_64\": [3] } }"
expect "EINVAL: manifest.json: key 'objects.x86_64[0]': must be a non-empty string"
mf "{ $B, \"objects\": { \"x86/64\": [\"arm64-objs/*.o\"] } }"
expect "EINVAL: manifest.json: key 'objects.x86/64': not a valid arch name"
mf "{ $B, $O, \"jobs\": 0 }"; expect "EINVAL: manifest.json: key 'jobs': must be an integer from 1"
mf "{ $B, $O, \"jobs\": \"4\" }"; expect "EINVAL: manifest.json: key 'jobs': must be an integer"
mf "{ $B, $O, \"jobs\": 1.5 }"; expect "EINVAL: manifest.json: key 'jobs': must be an integer"
mf "{ $B, $O, \"format\": \"zip\" }"
expect "EINVAL: manifest.json: key 'format': must be \"bundle\" or \"tree\", not \"zip\""
mf "{ $B, $O, \"compression\": \"lz4\" }"
expect "EINVAL: manifest.json: key 'compression': must be \"zstd\", \"xz\" or \"none\", not \"lz4\""
mf "{ $B, $O, \"verify\": \"yes\" }"
expect "EINVAL: manifest.json: key 'verify': must be true or false"
mf "{ $B, $O, \"cache\": \"manifest.json\" }"
expect "EINVAL: manifest.json: key 'cache': 'manifest.json' exists and is not a directory"
mf "{ $B, $O, \"kernels\": [] }"; expect "EINVAL: manifest.json: key 'kernels': must be an object"
mf "{ $B, $O, \"kernels\": { \"includes\": [\"*/*/*/*\"] } }"
expect "EINVAL: manifest.json: key 'kernels.includes': unknown key"
mf "{ $B, $O, \"kernels\": { \"list\": [\"$k2\"], \"exclude\": [] } }"
expect "EINVAL: manifest.json: key 'kernels': \"list\" cannot be combined with \"exclude\""
mf "{ $B, $O, \"kernels\": { \"include\": [\"debian/*\"] } }"
expect "EINVAL: manifest.json: key 'kernels.include[0]': pattern 'debian/*' must have four parts"
mf "{ $B, $O, \"kernels\": { \"include\": [\"*/*/*/*\", \"ubuntu/*/*/*\"] } }"
expect "EINVAL: manifest.json: key 'kernels.include[1]': pattern 'ubuntu/*/*/*' matches no \
kernel in the archive"
mf "{ $B, $O, \"kernels\": { \"include\": [] } }"
expect "EINVAL: manifest.json: key 'kernels.include': must be a non-empty array"
mf "{ $B, $O, \"kernels\": { \"exclude\": [\"*/*/*/*\"] } }"
expect "EINVAL: manifest.json: key 'kernels': selects no kernel of an arch with objects"
mf "{ $B, $O, \"kernels\": { \"include\": [\"*/*/arm64/*\"] } }"
expect "EINVAL: manifest.json: key 'kernels': selects no kernel of an arch with objects"
mf "{ $B, $O, \"kernels\": { \"list\": [\"$k2\", \"debian/12/x86_64/0.0.0\"] } }"
expect "EINVAL: manifest.json: key 'kernels.list[1]': no kernel 'debian/12/x86_64/0.0.0' in \
the archive"
mf "{ $B, $O, \"kernels\": { \"list\": [\"$k1\"] } }"
expect "EINVAL: manifest.json: key 'kernels.list[0]': kernel '$k1': no objects for arch 'arm64'"
mf "{ $B, $O, \"kernels\": { \"list\": [\"$k2\", \"$k2\"] } }"
expect "EINVAL: manifest.json: key 'kernels.list[1]': kernel '$k2' listed twice"
# an arch key the archive has no kernel of is blamed on that key, not on "archive"
mf "{ $B, \"objects\": { \"riscv64\": [\"arm64-objs/*.o\"] } }"
expect "EINVAL: manifest.json: key 'objects.riscv64': the archive has no kernel of arch \
'riscv64' (it has: arm64, x86_64)"
mf "{ $B, \"objects\": { $X86, \"arm-64\": [\"arm64-objs/*.o\"] } }"
expect "EINVAL: manifest.json: key 'objects.arm-64': the archive has no kernel of arch 'arm-64'"
# the arch names lookup accepts (uname -m, dpkg) are BTFHub's
for alias in amd64 x86-64 X86_64; do
	mf "{ $B, \"objects\": { \"$alias\": [\"objects/libbpf-tools/*.bpf.o\"] } }"
	check "objects.$alias is x86_64" "$(kernels_find '/x86_64/')"
done
mf "{ $B, \"objects\": { \"aarch64\": [\"arm64-objs/*.bpf.o\"] } }"
check "objects.aarch64 is arm64" "$(kernels_find '/arm64/')"
mf "{ $B, \"objects\": { $X86, \"amd64\": [\"arm64-objs/*.bpf.o\"] } }"
expect "EINVAL: manifest.json: key 'objects.amd64': names arch 'x86_64' a second time"
echo x >arch/d/v/x86_64/a.btf.tar.xz
mf "{ \"version\": 1, \"archive\": \"arch\", \"output\": \"o\", $O }"
expect "EINVAL: manifest.json: key 'archive': kernel 'd/v/x86_64/a' is stored twice: 'a.btf' \
and 'a.btf.tar.xz'"
mf "{ $B, $O, }"; expect "EINVAL: manifest.json:1:"
mf "{ $B, $O, \"output\": \"p\" }"; expect "EINVAL: manifest.json:1:"
mf "[ 1 ]"; expect "EINVAL: manifest.json: the manifest must be a JSON object"
rm manifest.json; expect "ENOENT: manifest.json: No such file or directory"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all manifest tests passed"
