#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check a bundle's verdicts (docs/verdicts.md) against the verdict programs' names.

Usage: verdicts_check.py BUNDLE.tar [EXPECT_KERNELS]
Every program of tests/progs/verdicts is named after the verdict it must get
(loads_*, probes_*, guarded_*, fails_*, refused_*): this derives each program's verdict on
each ok kernel from index.json and matrix.json with the documented rule and compares.
Prints one line per (kernel, object) mismatch; exit 1 on any.
"""
import json
import sys
import tarfile

SEVERITY = {"probe": 1, "guarded": 2, "fails": 3, "refused": 4}
NAMES = ["loads", "probes", "guarded", "fails", "refused"]


def program_verdicts(obj, records):
    """The documented rule: refused object; else the most severe record; else loads."""
    mine = [r for r in records if r["object"] == obj["name"]]
    if any(r["verdict"] == "refused" for r in mine):
        return {p: "refused" for p in obj["programs"]}
    out = {}
    for p in obj["programs"]:
        sev = max([SEVERITY.get(r["verdict"], 0) for r in mine if r["program"] == p] or [0])
        out[p] = NAMES[sev]
    return out


def main():
    with tarfile.open(sys.argv[1]) as t:
        index = json.load(t.extractfile("index.json"))
        matrix = json.load(t.extractfile("matrix.json"))
    want_kernels = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    bad = checked = kernels = 0
    for ik, mk in zip(index["kernels"], matrix["kernels"]):
        if ik["status"] != "ok":
            print(f"FAIL: kernel {ik['release']}: {ik['status']}")
            bad += 1
            continue
        kernels += 1
        for obj in index["objects"]:
            if obj["arch"] != ik["arch"]:
                continue
            if not obj.get("programs"):
                print(f"FAIL: {obj['name']}: no programs in index.json")
                bad += 1
            for prog, got in program_verdicts(obj, mk["unsatisfied"]).items():
                want = prog.split("_")[0]
                checked += 1
                if got != want:
                    print(f"FAIL: {ik['arch']}/{ik['release']}: {prog}: {got}, want {want}")
                    bad += 1
    if kernels < want_kernels:
        print(f"FAIL: {kernels} kernels checked, want {want_kernels}")
        bad += 1
    print(f"{checked} program verdicts on {kernels} kernels, {bad} wrong")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
