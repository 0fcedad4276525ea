#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# One crafted case of mkhostile.c: generate the kernel BTF and the object, then run_oracle.sh
# on them with EXPECT_TOOL_OK=1 (the tool must produce a BTF libbpf relocates the same).
# Usage: hostile.sh MKHOSTILE CASE DATA_DIR   (environment as for run_oracle.sh)
set -u
[ $# -eq 3 ] || { echo "usage: hostile.sh MKHOSTILE CASE DATA_DIR" >&2; exit 2; }
dir=$(mktemp -d /tmp/btfgen-hostile.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$1" "$dir" "$2" || { echo "FAIL: mkhostile $2"; exit 1; }
OBJ_SETS=$dir/$2.bpf.o EXPECT_TOOL_OK=1 "$(dirname "$0")/run_oracle.sh" "$dir/$2.btf" "$3"
