#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# btfgen-batch diff on two bundles built from the test data, where one kernel regresses: the
# new archive's debian/12/x86_64/6.1.0-47-amd64 holds 6.12.43's BTF, on which bindsnoop's
# probe_exit reads inet_sock members that do not exist (poisoned), while on 6.1 every
# relocation of both objects resolves. One kernel is also removed, one added, and in a third
# bundle one becomes unreadable (ok -> failed).
# usage: diff_test.sh BTFGEN_BATCH TEST_DATA
set -u
BTFGEN=$1
DATA=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/btfgen-diff.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

src=$DATA/btfhub/debian/12/x86_64
objs=$DATA/objects/libbpf-tools
cd "$work" || exit 1
mkdir -p old/debian/12/x86_64 new/debian/12/x86_64 bad/debian/12/x86_64
cp "$src"/6.1.0-47-amd64.btf.tar.xz "$src"/6.1.0-50-amd64.btf.tar.xz \
	"$src"/6.1.0-47-cloud-amd64.btf.tar.xz old/debian/12/x86_64/
cp "$src"/6.12.43+deb12-amd64.btf.tar.xz new/debian/12/x86_64/6.1.0-47-amd64.btf.tar.xz
cp "$src"/6.1.0-50-amd64.btf.tar.xz "$src"/6.12.95+deb12-cloud-amd64.btf.tar.xz \
	new/debian/12/x86_64/
cp old/debian/12/x86_64/* bad/debian/12/x86_64/
printf 'not an archive' >bad/debian/12/x86_64/6.1.0-50-amd64.btf.tar.xz
mkdir o && cp "$objs"/bindsnoop.bpf.o "$objs"/execsnoop.bpf.o o/
for v in old new bad; do
	printf '{"version": 1, "archive": "%s", "objects": {"x86_64": ["o/*.bpf.o"]}, "output": "%s.tar.zst"}\n' \
		"$v" "$v" >"$v.json"
	"$BTFGEN" run --no-progress "$v.json" 2>"$v.log"
	rc=$?
	want=0
	[ "$v" = bad ] && want=1
	[ "$rc" = "$want" ] || { fail "run $v: exit $rc, want $want: $(cat "$v.log")"; exit 1; }
done

# the premise: bindsnoop/probe_exit is clean on 6.1 and poisoned on 6.12.43
"$BTFGEN" min_core_btf -j "$src/6.1.0-47-amd64.btf.tar.xz" x.btf o/bindsnoop.bpf.o >p61.json
"$BTFGEN" min_core_btf -j "$src/6.12.43+deb12-amd64.btf.tar.xz" x.btf o/bindsnoop.bpf.o \
	>p612.json 2>p612.err
poisoned() { jq '[.objects[0].relocations[] | select(.program == "probe_exit" and .poison)] | length' "$1"; }
if ! { [ "$(poisoned p61.json)" = 0 ] && [ "$(poisoned p612.json)" -gt 0 ]; }; then
	fail "premise: probe_exit poisoned $(poisoned p61.json) on 6.1, $(poisoned p612.json) on 6.12"
fi
# min_core_btf promises a count of unsatisfiable relocations on stderr
if grep -Eq "^btfgen-batch min_core_btf: $(poisoned p612.json) of [0-9]+ relocations unsatisfiable .*: $(poisoned p612.json) poisoned" p612.err; then
	ok "min_core_btf counts the poisoned relocations on stderr"
else
	fail "min_core_btf stderr: $(cat p612.err)"
fi

# a bundle against itself: nothing changed, no regression
"$BTFGEN" diff -j old.tar.zst old.tar.zst >same.json
rc=$?
if [ "$rc" = 0 ] && jq -en 'input | .regressed == false and (.summary | all(.[]; . == 0))' same.json >/dev/null; then
	ok "a bundle against itself: no change, exit 0"
else
	fail "old vs old: exit $rc, $(cat same.json)"
fi

# the regression: exit 1, and only the programs that run probe_exit on the one kernel: the
# function itself in a bundle without verdicts, the programs calling it (ipv4_bind_exit,
# ipv6_bind_exit: "fails") in one with verdicts (docs/verdicts.md)
"$BTFGEN" diff -j old.tar.zst new.tar.zst >reg.json
rc=$?
[ "$rc" = 1 ] || fail "old vs new: exit $rc, want 1"
if jq -en 'input | .regressed and .regressions >= 1 and
	all(.programs_changed[];
	 .regression and .kernel == "debian/12/x86_64/6.1.0-47-amd64" and
	 (.object | endswith("bindsnoop.bpf.o")) and .old == "loads" and
	 (.new | IN("poisoned", "fails")) and (.relocations_removed | length == 0) and
	 (.relocations_added | length > 0) and
	 all(.relocations_added[]; (.function // "probe_exit") == "probe_exit") and
	 (.program == "probe_exit" or (.relocations_added[0].function == "probe_exit")))' \
	reg.json >/dev/null; then
	ok "diff names what runs bindsnoop's probe_exit as newly failing on 6.1.0-47-amd64"
else
	fail "old vs new: $(jq -c '{regressions, programs_changed: [.programs_changed[] | {kernel, object, program, old, new, regression}]}' reg.json)"
fi
jq -en 'input | .regressions == (.programs_changed | length)' reg.json >/dev/null ||
	fail "regressions count is not the number of regressed programs"
for n_added in $(jq '.programs_changed[] | .relocations_added | length' reg.json); do
	if [ "$n_added" = "$(poisoned p612.json)" ]; then
		ok "$n_added newly poisoned relocations listed"
	else
		fail "$n_added relocations listed, min_core_btf finds $(poisoned p612.json)"
	fi
done
if jq -en 'input | .kernels.added == ["debian/12/x86_64/6.12.95+deb12-cloud-amd64"] and
	.kernels.removed == ["debian/12/x86_64/6.1.0-47-cloud-amd64"] and
	.btf_changed == ["debian/12/x86_64/6.1.0-47-amd64"] and .status_changed == []' reg.json \
	>/dev/null; then
	ok "kernels added/removed and the changed BTF reported"
else
	fail "old vs new kernels: $(jq -c '{kernels, btf_changed, status_changed}' reg.json)"
fi
# text mode says the same
"$BTFGEN" diff old.tar.zst new.tar.zst >reg.txt
rc=$?
if [ $rc = 1 ] && grep -Eq '^REGRESSION program .*bindsnoop.bpf.o:(probe_exit|ipv4_bind_exit) on debian/12/x86_64/6.1.0-47-amd64: loads -> (poisoned|fails)$' reg.txt &&
	tail -n1 reg.txt | grep -q 'REGRESSED$'; then
	ok "text output names the regression"
else
	fail "text: $(cat reg.txt)"
fi

# the other way round is an improvement, not a regression
"$BTFGEN" diff -j new.tar.zst old.tar.zst >imp.json
rc=$?
if [ "$rc" = 0 ] && jq -en 'input | .regressed == false and (.programs_changed | length >= 1) and
	all(.programs_changed[]; (.old | IN("poisoned", "fails")) and .new == "loads")' imp.json \
	>/dev/null; then
	ok "new vs old: an improvement, exit 0"
else
	fail "new vs old: exit $rc"
fi

# a kernel that no longer yields a BTF is a regression of every program on it
"$BTFGEN" diff -j old.tar.zst bad.tar.zst >bad.json
rc=$?
if [ "$rc" = 1 ] && jq -en 'input | .status_changed | length == 1 and .[0].kernel ==
	"debian/12/x86_64/6.1.0-50-amd64" and .[0].old == "ok" and .[0].new == "failed" and
	.[0].regression' bad.json >/dev/null; then
	ok "ok -> failed is a regression"
else
	fail "old vs bad: exit $rc, $(jq -c .status_changed bad.json)"
fi

# errors: usage 2, unreadable 3, in JSON mode as {"error": ...} on stdout
"$BTFGEN" diff old.tar.zst >/dev/null 2>&1
[ $? = 2 ] || fail "one bundle: not exit 2"
"$BTFGEN" diff -j old.tar.zst missing.tar.zst >err.json 2>/dev/null
rc=$?
if [ "$rc" = 3 ] && jq -en 'input | .error | contains("missing.tar.zst")' err.json >/dev/null; then
	ok "a missing bundle: exit 3, the error as JSON naming it"
else
	fail "missing: exit $rc, $(cat err.json)"
fi

# info names libarchive once
"$BTFGEN" info old.tar.zst >info.txt
if grep -q '^generator: .*libarchive [0-9]' info.txt && ! grep -q 'libarchive libarchive' info.txt; then
	ok "info: $(grep ^generator: info.txt)"
else
	fail "info: $(grep ^generator: info.txt)"
fi

[ "$fails" = 0 ] || exit 1
