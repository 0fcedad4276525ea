#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run shellcheck over every shell script of the repository: each tracked (or new, not ignored)
# file named *.sh or whose first line is a sh/bash/dash/ksh shebang, wherever it lives (scripts/,
# tests/, examples/, .ci/run, extensionless scripts). Prints shellcheck's findings, then one
# line per script that has any; exits 1 if any script has findings, 2 if shellcheck is missing
# (it never passes without checking).
# usage: scripts/check-shell.sh [FILE...]
set -eu
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null 2>&1 ||
	{ echo "check-shell: shellcheck not found (scripts/setup.sh --deps-only installs it)" >&2; exit 2; }

# is_shell FILE: named *.sh, or a regular file starting with a sh/bash/dash/ksh shebang
is_shell() {
	case $1 in
	*.sh) return 0 ;;
	esac
	[ -f "$1" ] || return 1
	head -c 200 "$1" | head -n 1 | grep -aEq '^#![[:space:]]*[^[:space:]]*/(env[[:space:]]+)?(ba|da|k)?sh([[:space:]]|$)'
}

# list_files: every file of the repository, one per line (outside git: every file but .git and
# the build trees)
list_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard
	else
		find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||'
	fi
}

if [ $# -eq 0 ]; then
	files=$(list_files)
	# one path per line: split on newlines only, no globbing
	old_ifs=$IFS
	IFS='
'
	set -f
	for f in $files; do
		# a deleted but still tracked file is no script to check
		[ -e "$f" ] || continue
		if is_shell "$f"; then set -- "$@" "$f"; fi
	done
	set +f
	IFS=$old_ifs
	[ $# -gt 0 ] || { echo "check-shell: no shell script found" >&2; exit 2; }
fi

if shellcheck --external-sources "$@"; then
	echo "check-shell: $# script(s) clean"
	exit 0
fi
# name each failing script with its number of findings (gcc format: one line per finding)
echo "check-shell: findings in these of the $# script(s) checked:" >&2
shellcheck --external-sources -f gcc "$@" | cut -d: -f1 | uniq -c |
	while read -r n f; do echo "  $f: $n finding(s)"; done >&2
exit 1

