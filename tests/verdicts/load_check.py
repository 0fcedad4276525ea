#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Load every program of a bundle's objects on the running kernel and hold it to its verdict.

Usage: load_check.py INFO.json OBJECT_DIR TAILORED.btf LOADER
INFO.json is `btfgen-batch info -j --kernel <running kernel>`. A program loads or is rejected
for reasons verdicts do not cover (an attach target this kernel lacks, a map the tool sizes at
run time): so a `fails` program must be rejected at libbpf's poisoned instruction, and a
`loads`, `probes` or `guarded` one must never be. Prints the tally; exit 1 on a violation.
"""
import collections
import json
import os
import subprocess
import sys

POISON = ("failed to resolve CO-RE relocation", "unknown#195896080")


def main():
    info = json.load(open(sys.argv[1]))
    objdir, btf, loader = sys.argv[2:5]
    tally = collections.Counter()
    bad = 0
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    for o in info["objects"]:
        path = os.path.join(objdir, os.path.basename(o["name"]))
        for p in o["programs"]:
            v = p["verdict"]
            r = subprocess.run([loader, path, btf, p["name"]], capture_output=True, text=True,
                               env=env)
            out = (r.stdout + r.stderr).strip()
            poisoned = any(s in out for s in POISON)
            got = "loaded" if r.returncode == 0 else \
                "rejected at the poison" if poisoned else "rejected otherwise"
            tally[(v, got)] += 1
            if r.returncode not in (0, 1):
                print(f"FAIL: {o['name']}: {p['name']}: loader error: {out}")
                bad += 1
            elif v == "fails" and got != "rejected at the poison":
                print(f"FAIL: {o['name']}: {p['name']} fails, but: {out}")
                bad += 1
            elif v in ("loads", "probes", "guarded") and poisoned:
                print(f"FAIL: {o['name']}: {p['name']} {v}, but: {out}")
                bad += 1
    for (v, got), n in sorted(tally.items()):
        print(f"  {v:8} {got:24} {n}")
    if not tally[("loads", "loaded")]:
        print("FAIL: no program loaded at all")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
