#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run every test: install dependencies, build with ASan+UBSan and -Werror, run CTest, then
# run every libFuzzer target for a bounded time (scripts/fuzz.sh --ci).
# Tests that need root and bpf() (the libbpf oracle) skip with a message when not root.
# usage: scripts/test.sh [ctest args...]
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
# the README's first command builds Release: -O2 warns about more (maybe-uninitialized)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBTFGEN_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DBTFGEN_SANITIZE=ON -DBTFGEN_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)"
# libbpf keeps a few process-lifetime allocations; leaks in our code still fail the run.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-test
ctest --output-on-failure -j"$(nproc)" "$@"
cd ..
# The libFuzzer targets of tests/fuzz (clang, installed by setup): built and each run 45 s
# (the whole step stays under 6 minutes); BTFGEN_NO_FUZZ=1 skips it while iterating.
if command -v clang >/dev/null && [ -z "${BTFGEN_NO_FUZZ:-}" ]; then
	scripts/fuzz.sh --ci 45
fi
