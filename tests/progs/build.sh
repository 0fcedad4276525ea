#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Build the CO-RE test programs into test-data/objects/own/<arch>/ (committed), plus the
# big-endian object and the hand-made target BTFs in test-data/targets/.
# Usage: tests/progs/build.sh   (needs clang 14, libbpf-dev, llvm-objcopy, python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
own=$top/test-data/objects/own
targets=$top/test-data/targets
CLANG=${CLANG:-clang-14}
OBJCOPY=${OBJCOPY:-llvm-objcopy-14}
cflags=(-g -O2 -Wall -Werror "-I$here")
mkdir -p "$own/x86_64" "$own/arm64" "$own/bpfeb" "$targets"

for arch in x86_64 arm64; do
	case $arch in
	x86_64) def=-D__TARGET_ARCH_x86 ;;
	arm64) def=-D__TARGET_ARCH_arm64 ;;
	esac
	for src in "$here"/*.bpf.c; do
		name=$(basename "$src" .bpf.c)
		$CLANG -target bpf "$def" "${cflags[@]}" -c "$src" -o "$own/$arch/$name.bpf.o"
	done
	# maps-only object: make sure it has no .BTF.ext (clang may emit an empty one)
	$OBJCOPY --remove-section=.BTF.ext "$own/$arch/mapsonly.bpf.o"
	# clang 14 cannot emit type_matches: turn matches.bpf.o's type_exists records into it
	OBJCOPY=$OBJCOPY python3 "$here/patch_relo.py" "$own/$arch/matches.bpf.o" kind 8 12
	OBJCOPY=$OBJCOPY python3 "$here/patch_relo.py" "$own/$arch/anon_exists.bpf.o" anon \
		btfgen_anon_stand_in
done

# the verdict programs (docs/verdicts.md), kept apart so the example bundle stays as it is
for arch in x86_64 arm64; do
	case $arch in
	x86_64) def=-D__TARGET_ARCH_x86 ;;
	arm64) def=-D__TARGET_ARCH_arm64 ;;
	esac
	mkdir -p "$top/test-data/objects/verdicts/$arch"
	for src in "$here"/verdicts/*.bpf.c; do
		$CLANG -target bpf "$def" "${cflags[@]}" -c "$src" \
			-o "$top/test-data/objects/verdicts/$arch/$(basename "$src" .bpf.c).bpf.o"
	done
done

# one big-endian object for the bad-input / endianness tests (libbpf 1.1 cannot read it)
$CLANG -target bpfeb -D__TARGET_ARCH_x86 "${cflags[@]}" -c "$here/fields.bpf.c" -o "$own/bpfeb/fields.bpf.o"

# hand-made "kernels": a BPF ELF whose .BTF plays the kernel, and raw BTFs from python, with
# the objects relocated against them (test-data/targets/targets.list pairs them)
$CLANG -target bpf -D__TARGET_ARCH_x86 "${cflags[@]}" -c "$here/targets/edge_target.c" \
	-o "$targets/edge_target.bpf.o"
for src in "$here"/targets/*.bpf.c; do
	$CLANG -target bpf -D__TARGET_ARCH_x86 "${cflags[@]}" -I"$here/targets" -c "$src" \
		-o "$targets/$(basename "$src" .c).o"
done
OBJCOPY=$OBJCOPY python3 "$here/patch_relo.py" "$targets/edge_match.bpf.o" kind 8 12
python3 "$here/gen_targets.py" "$targets"
built=("$own"/*/*.o)
echo "built: ${#built[@]} objects, targets in $targets"
