#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Cut the BPF objects (EM_BPF ELF files) that libbpf skeletons embed out of executables.
#
# usage: skel-objects.py OUTDIR EXECUTABLE...
# Writes OUTDIR/<executable>.bpf.o, or <executable>.<n>.bpf.o when one holds several; used to
# get real CO-RE objects of an arch we cannot build for (e.g. Debian's libbpf-tools:arm64).
import os
import struct
import sys

EM_BPF = 247


def objects(blob):
    """Yield every complete little-endian ELF64 EM_BPF image found in blob."""
    i = blob.find(b'\x7fELF\x02\x01\x01')
    while i >= 0:
        if len(blob) - i >= 64:
            machine, = struct.unpack_from('<H', blob, i + 18)
            shoff, = struct.unpack_from('<Q', blob, i + 40)
            shentsize, shnum = struct.unpack_from('<HH', blob, i + 58)
            end = i + shoff + shentsize * shnum
            if machine == EM_BPF and shentsize == 64 and shnum and end <= len(blob):
                yield blob[i:end]
                i = blob.find(b'\x7fELF\x02\x01\x01', end)
                continue
        i = blob.find(b'\x7fELF\x02\x01\x01', i + 1)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ or 'usage: skel-objects.py OUTDIR EXECUTABLE...')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    total = 0
    for exe in sys.argv[2:]:
        with open(exe, 'rb') as f:
            found = list(objects(f.read()))
        base = os.path.basename(exe)
        for n, obj in enumerate(found):
            name = f'{base}.bpf.o' if len(found) == 1 else f'{base}.{n}.bpf.o'
            with open(os.path.join(out, name), 'wb') as f:
                f.write(obj)
        total += len(found)
    print(f'{total} objects from {len(sys.argv) - 2} executables in {out}')


if __name__ == '__main__':
    main()
