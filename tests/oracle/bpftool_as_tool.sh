#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Stand-in tool under test for the oracle self-test: "$0 min_core_btf IN OUT OBJ..." runs
# "bpftool gen min_core_btf IN OUT OBJ..." (BPFTOOL, default /usr/sbin/bpftool).
exec "${BPFTOOL:-/usr/sbin/bpftool}" gen "$@"
