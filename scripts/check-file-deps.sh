#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# No circle between the files of a library: file A depends on file B when A's object uses a
# global symbol B's object defines (nm). Prints each file's dependencies, then every pair of
# files that reach each other (directly or through others) and exits 1 if there is any.
# usage: scripts/check-file-deps.sh LIB.a   (e.g. build/core/libbtfgen_core.a)
set -eu
[ $# -eq 1 ] || { echo "usage: $0 LIB.a" >&2; exit 2; }
nm -g "$1" | awk -v lib="$1" '
	/^$/ { next }
	/:$/ { f = substr($0, 1, length($0) - 1); sub(/\.o$/, "", f); files[f] = 1; next }
	$1 == "U" { used[f, $2] = 1; next }
	NF == 3 { def[$3] = f }
	END {
		n = 0
		for (f in files)
			name[n++] = f
		# sorted, so the report is stable
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (name[j] < name[i]) { t = name[i]; name[i] = name[j]; name[j] = t }
		for (k in used) {
			split(k, p, SUBSEP)
			if ((p[2] in def) && def[p[2]] != p[1])
				reach[p[1], def[p[2]]] = 1
		}
		for (i = 0; i < n; i++) {
			line = ""
			for (j = 0; j < n; j++)
				if ((name[i], name[j]) in reach)
					line = line " " name[j]
			printf "%s ->%s\n", name[i], line == "" ? " (nothing)" : line
		}
		# transitive closure (a library has a handful of files)
		for (m = 0; m < n; m++)
			for (i = 0; i < n; i++)
				if ((name[i], name[m]) in reach)
					for (j = 0; j < n; j++)
						if ((name[m], name[j]) in reach)
							reach[name[i], name[j]] = 1
		bad = 0
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (((name[i], name[j]) in reach) && ((name[j], name[i]) in reach)) {
					printf "%s: circle: %s and %s depend on each other\n", lib,
					       name[i], name[j]
					bad = 1
				}
		if (bad)
			exit 1
		printf "check-file-deps: no circle between the %d files of %s\n", n, lib
	}'
