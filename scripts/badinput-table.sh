#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Regenerate README.md's bad-input table by running the bad-input tests (tests/badinput).
# usage: scripts/badinput-table.sh [BTFGEN_BATCH]   (default build/btfgen-batch)
set -eu
cd "$(dirname "$0")/.."
exec python3 tests/badinput/badinput.py --bin "${1:-build/btfgen-batch}" --data test-data \
	--table README.md
