#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Rewrite the kind of every CO-RE relocation record of kind FROM to kind TO in OBJECT's .BTF.ext
# (little-endian objects). clang 14 cannot emit BPF_CORE_TYPE_MATCHES (12), so matches.bpf.o is
# built with type_exists (8) records, which carry the same instruction value (1), and patched.
# Usage: patch_kind.py OBJECT FROM TO   (needs llvm-objcopy; OBJCOPY overrides its name)
import os
import struct
import subprocess
import sys
import tempfile

obj, kfrom, kto = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
objcopy = os.environ.get('OBJCOPY', 'llvm-objcopy-14')
with tempfile.TemporaryDirectory() as tmp:
    ext = os.path.join(tmp, 'btf.ext')
    subprocess.run([objcopy, '--dump-section', '.BTF.ext=' + ext, obj], check=True)
    data = bytearray(open(ext, 'rb').read())
    magic, version, flags, hdr_len = struct.unpack_from('<HBBI', data, 0)
    if magic != 0xeb9f or hdr_len < 32:
        sys.exit('%s: no little-endian .BTF.ext with CO-RE relocations' % obj)
    core_off, core_len = struct.unpack_from('<II', data, 24)
    pos = hdr_len + core_off
    end = pos + core_len
    rec_size = struct.unpack_from('<I', data, pos)[0]
    pos += 4
    patched = 0
    while pos < end:
        _, num = struct.unpack_from('<II', data, pos)
        pos += 8
        for _ in range(num):
            if struct.unpack_from('<I', data, pos + 12)[0] == kfrom:
                struct.pack_into('<I', data, pos + 12, kto)
                patched += 1
            pos += rec_size
    if not patched:
        sys.exit('%s: no relocation of kind %d' % (obj, kfrom))
    open(ext, 'wb').write(data)
    subprocess.run([objcopy, '--update-section', '.BTF.ext=' + ext, obj], check=True)
print('%s: %d relocations of kind %d now kind %d' % (obj, patched, kfrom, kto))
