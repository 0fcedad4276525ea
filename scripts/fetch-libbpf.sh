#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Fetch the newest libbpf source Debian packages (sid) and build it as a static library.
#
# usage: scripts/fetch-libbpf.sh OUTDIR [SUITE...]
#   OUTDIR/include/bpf/*.h and OUTDIR/lib/libbpf.a on success; OUTDIR/VERSION holds the
#   Debian source version. SUITEs are tried in order, default "sid trixie" (sid has the newest
#   libbpf; trixie if sid's Release cannot be verified with this system's archive keyring).
# apt runs with a private sources list, state and cache under OUTDIR/apt: the system's apt
# configuration is neither read for sources nor changed, nothing is installed system-wide.
# Any failure (no network, no such package, build error) exits non-zero with a message:
# the second-libbpf tests must not be skipped silently.
set -eu
out=${1:?usage: fetch-libbpf.sh OUTDIR [SUITE...]}
shift
suites=${*:-sid trixie}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
die() { echo "fetch-libbpf: $*" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -f "$out/lib/libbpf.a" ] && [ -f "$out/VERSION" ]; then
	echo "fetch-libbpf: have libbpf $(cat "$out/VERSION") in $out"
	exit 0
fi
apt=$out/apt
rm -rf "$apt" "$out/src" "$out/build"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$out/src"
APT="-o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=$apt/parts
-o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o Debug::NoLocking=1
-o APT::Sandbox::User=root"
suite=
for s in $suites; do
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main" \
		> "$apt/sources.list"
	rm -rf "$apt/lists"
	mkdir -p "$apt/lists/partial"
	# apt-get update exits 0 on some fetch errors: check that the index arrived
	# shellcheck disable=SC2086
	if apt-get -q $APT update >"$apt/update-$s.log" 2>&1 &&
	   ! grep -q '^[WE]:' "$apt/update-$s.log" && ls "$apt/lists/"*Sources* >/dev/null 2>&1; then
		suite=$s
		break
	fi
	echo "fetch-libbpf: apt-get update for $s sources failed:" >&2
	cat "$apt/update-$s.log" >&2
done
[ -n "$suite" ] || die "no Debian suite ($suites) could be fetched"
# only download: unpacking with dpkg-source would need dpkg-dev; the build uses the
# upstream tarball (Debian's libbpf patches packaging, not the library's CO-RE code)
# shellcheck disable=SC2086
(cd "$out/src" && apt-get -q $APT source --download-only libbpf) >"$apt/source.log" 2>&1 ||
	{ cat "$apt/source.log" >&2; die "apt-get source libbpf ($suite) failed"; }
dsc=$(find "$out/src" -maxdepth 1 -name 'libbpf_*.dsc' | sort | head -1)
orig=$(find "$out/src" -maxdepth 1 -name 'libbpf_*.orig.tar.*' | sort | head -1)
if [ -z "$dsc" ] || [ -z "$orig" ]; then
	die "no libbpf .dsc / orig tarball downloaded"
fi
version=$(sed -n 's/^Version: //p' "$dsc" | head -1)
mkdir -p "$out/src/tree"
tar -xf "$orig" -C "$out/src/tree" --strip-components=1 || die "cannot unpack $orig"
[ -f "$out/src/tree/src/Makefile" ] || die "$orig has no src/Makefile"
# static only, PIC off; headers and the archive into OUTDIR
make -s -C "$out/src/tree/src" BUILD_STATIC_ONLY=y OBJDIR="$out/build" \
	DESTDIR="$out/stage" PREFIX= LIBDIR=/lib INCLUDEDIR=/include \
	-j"$(nproc)" install >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; die "building libbpf $version failed"; }
rm -rf "${out:?}/include" "${out:?}/lib"
mv "$out/stage/include" "$out/include"
mkdir -p "$out/lib"
mv "$out/stage/lib/libbpf.a" "$out/lib/libbpf.a"
echo "$version" > "$out/VERSION"
echo "fetch-libbpf: built libbpf $version ($suite) in $out"
