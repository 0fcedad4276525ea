#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run shellcheck over every tracked shell script: *.sh, .ci/run, and files whose first line is a
# sh/bash shebang. Exits 1 with shellcheck's findings if any.
# usage: scripts/check-shell.sh [FILE...]
set -eu
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null 2>&1 ||
	{ echo "check-shell: shellcheck not found (scripts/setup.sh installs it)" >&2; exit 2; }
if [ $# -eq 0 ]; then
	for f in $(git ls-files); do
		case $f in
		*.sh | .ci/run) set -- "$@" "$f" ;;
		*.*) ;;
		*)
			[ -f "$f" ] && head -n 1 "$f" | grep -Eq '^#!.*/(env )?(ba|da)?sh\b' &&
				set -- "$@" "$f" ;;
		esac
	done
fi
if shellcheck --external-sources "$@"; then
	echo "check-shell: $# script(s) clean"
else
	echo "check-shell: findings above ($# script(s) checked)" >&2
	exit 1
fi
