#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Module boundaries: every #include "..." in C sources must resolve to
#   - the including file's own folder, or its own module (<module>/ or <module>/include/), or
#   - another module's public headers (<module>/include/), or
#   - from tests/ only: the check harness (tests/harness/), the test BTF/ELF builder
#     (tests/unit/unit_support.h) where the folder's CMakeLists.txt links unit_support, and a module's private header when
#     tests/<dir>/CMakeLists.txt links btfgen_test_internal_<module> (the named internal-test
#     include path, tests/CMakeLists.txt).
# Anything else (another module's private header, a relative path across folders) fails, with
# one line per offending include. The compiler fails too (private folders are on no other
# target's include path); this check also names the rule, and covers files no target builds.
# usage: scripts/check-includes.sh [REPO_DIR]
set -eu
repo=${1:-$(dirname "$0")/..}
cd "$repo"
modules="util core bundle manifest pipeline cmd"
bad=0

module_of() {
	for m in $modules; do
		case $1 in "$m"/*) echo "$m"; return ;; esac
	done
}

# "core" when $1 is a header private to a module (in <module>/ but not <module>/include/)
private_owner() {
	for m in $modules; do
		[ -f "$m/$1" ] && { echo "$m"; return; }
	done
}

check_one() { # file, line number, included name
	file=$1 line=$2 inc=$3
	dir=$(dirname "$file")
	case $inc in
	*..*)
		echo "$file:$line: #include \"$inc\": no relative paths across folders"
		return 1 ;;
	esac
	[ -f "$dir/$inc" ] && return 0
	own=$(module_of "$file")
	if [ -n "$own" ] && { [ -f "$own/$inc" ] || [ -f "$own/include/$inc" ]; }; then
		return 0
	fi
	for m in $modules; do
		[ -f "$m/include/$inc" ] && return 0
	done
	owner=$(private_owner "$inc")
	case $file in
	tests/*)
		[ -f "tests/harness/$inc" ] && return 0
		# the BTF/ELF builder for tests (target unit_support), linked by name
		if [ "$inc" = unit_support.h ] &&
			grep -q "unit_support" "$(echo "$file" | cut -d/ -f1-2)/CMakeLists.txt"; then
			return 0
		fi
		tdir=$(echo "$file" | cut -d/ -f1-2)
		if [ -n "$owner" ] && [ -f "$tdir/CMakeLists.txt" ] &&
			grep -q "btfgen_test_internal_$owner" "$tdir/CMakeLists.txt"; then
			return 0
		fi ;;
	esac
	if [ -n "$owner" ]; then
		echo "$file:$line: #include \"$inc\" is private to $owner/ (public headers live in <module>/include/)"
	else
		echo "$file:$line: #include \"$inc\" is in no module's include/ folder"
	fi
	return 1
}

# tests/progs are BPF programs built by their own script, outside the module graph
files=$(find util core bundle manifest pipeline cmd tests examples scripts \
	\( -name '*.c' -o -name '*.h' \) -not -path 'tests/progs/*' | sort)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for f in $files; do
	# "N name" for every quoted include
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1 \2/' >"$tmp" || continue
	while read -r n inc; do
		check_one "$f" "$n" "$inc" || bad=$((bad + 1))
	done <"$tmp"
done
if [ "$bad" -gt 0 ]; then
	echo "check-includes: $bad include(s) cross a module boundary (docs/architecture.md)" >&2
	exit 1
fi
echo "check-includes: every include stays within its module or a public include/ folder"
