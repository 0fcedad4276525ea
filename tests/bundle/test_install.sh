#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/bundle: the runtime library as an application gets it. A clean (unsanitized) build of
# the library alone is installed into a temp prefix with `cmake --install`; the installed
# libbtfgen-bundle.a and .so must define only btfgen_-prefixed global symbols (the .so exports
# only the API); examples/embed is then built from the INSTALLED header and libraries through
# pkg-config (shared and static) and must find a kernel in its bundle.
# usage: test_install.sh SOURCE_DIR EMBED_BUNDLE EMBED_OBJECT
set -u
SRC=$(cd "$1" && pwd)
BUNDLE=$2
OBJECT=$3
CC=${CC:-cc}
tmp=$(mktemp -d /tmp/btfgen-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! { cmake -S "$SRC" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DBTFGEN_SANITIZE=OFF \
	-DCMAKE_INSTALL_PREFIX="$tmp/prefix" >"$tmp/log" 2>&1 &&
	cmake --build "$tmp/build" -j2 --target btfgen_bundle_runtime btfgen_bundle_shared \
		>>"$tmp/log" 2>&1 &&
	cmake --install "$tmp/build" --component btfgen-bundle >>"$tmp/log" 2>&1; }; then
	cat "$tmp/log"
	echo "FAIL: build and install"
	exit 1
fi
pc=$(find "$tmp/prefix" -name btfgen-bundle.pc)
[[ -f $pc ]] || { find "$tmp/prefix"; echo "FAIL: no btfgen-bundle.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libbtfgen-bundle.a" "$libdir/libbtfgen-bundle.so" \
	"$tmp/prefix/include/btfgen/bundle.h"; do
	[[ -e $f ]] || fail "$f not installed"
done
echo "installed: $(cd "$tmp/prefix" && find . -type f -o -type l | sort | paste -sd' ')"

# global symbols: defined (T, D, B, R, ...) and undefined-but-weak are all ours to name
nm -g --defined-only "$libdir/libbtfgen-bundle.a" 2>/dev/null | awk 'NF == 3 {print $3}' |
	sort -u >"$tmp/static.syms"
nm -D --defined-only "$libdir/libbtfgen-bundle.so" | awk 'NF == 3 {print $3}' |
	sort -u >"$tmp/shared.syms"
for kind in static shared; do
	n=$(wc -l <"$tmp/$kind.syms")
	bad=$(grep -v '^btfgen_' "$tmp/$kind.syms" | paste -sd' ')
	[[ $n -gt 0 ]] || fail "$kind: no global symbols at all"
	if [[ -z $bad ]]; then
		echo "ok   $kind library: $n global symbols, all btfgen_"
	else
		fail "$kind library: symbols without the btfgen_ prefix: $bad"
	fi
done
# the .so exports the API of bundle.h and nothing else (helpers are hidden)
grep -q '^btfgen_bundle__open_mem$' "$tmp/shared.syms" || fail "shared: no btfgen_bundle__open_mem"
hidden=$(grep -E '^btfgen_(sha256|bjson|bbuf|tar__)' "$tmp/shared.syms" | paste -sd' ')
[[ -z $hidden ]] || fail "shared library exports internal helpers: $hidden"

export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cflags=$(pkg-config --cflags btfgen-bundle libbpf) || fail "pkg-config --cflags"
defs=(-DEMBED_BUNDLE_PATH="\"$BUNDLE\"" -DEMBED_OBJECT_PATH="\"$OBJECT\"")
ex=$SRC/examples/embed
# shared: what pkg-config says; static: the archive plus pkg-config --static's private deps
# shellcheck disable=SC2046,SC2086
$CC -o "$tmp/embed-shared" "$ex/embed.c" "$ex/embed_data.c" "${defs[@]}" $cflags \
	$(pkg-config --libs btfgen-bundle libbpf) 2>"$tmp/cc.log" ||
	{ cat "$tmp/cc.log"; fail "the example does not build against the installed .so"; }
# shellcheck disable=SC2046,SC2086
$CC -o "$tmp/embed-static" "$ex/embed.c" "$ex/embed_data.c" "${defs[@]}" $cflags \
	"$libdir/libbtfgen-bundle.a" $(pkg-config --static --libs-only-l btfgen-bundle |
	sed 's/-lbtfgen-bundle//') $(pkg-config --libs libbpf) 2>"$tmp/cc.log" ||
	{ cat "$tmp/cc.log"; fail "the example does not build against the installed .a"; }
for kind in shared static; do
	[[ -x $tmp/embed-$kind ]] || continue
	if [[ $kind == shared ]] && ! LD_LIBRARY_PATH=$libdir ldd "$tmp/embed-shared" | grep -q "$libdir/libbtfgen-bundle.so"; then
		fail "embed-shared does not load the installed libbtfgen-bundle.so"
	fi
	LD_LIBRARY_PATH=$libdir "$tmp/embed-$kind" --distro debian --version bullseye \
		--arch x86_64 --release 5.10.0-30-amd64 --no-load >"$tmp/out" 2>&1
	rc=$?
	if [[ $rc == 0 ]] && grep -q "match debian/bullseye/x86_64/5.10.0-30-amd64" "$tmp/out"; then
		echo "ok   embed example ($kind, installed library): $(grep -m1 match "$tmp/out")"
	else
		fail "embed example ($kind): exit $rc"
		head -5 "$tmp/out"
	fi
done
[[ $fails == 0 ]] || exit 1
echo "install: library, header and pkg-config file work for an application"
