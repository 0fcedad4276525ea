#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Rewrite CO-RE relocation records in a little-endian object's .BTF.ext, for relocations clang 14
# cannot emit:
#   patch_relo.py OBJECT kind FROM TO   every record of kind FROM gets kind TO (clang 14 has no
#                                       type_matches: type_exists records carry the same value 1)
#   patch_relo.py OBJECT anon NAME      every record rooted at the type named NAME is re-rooted at
#                                       the first anonymous struct of the object's .BTF (clang
#                                       refuses type relocations on anonymous types)
# Needs llvm-objcopy (OBJCOPY overrides its name).
import os
import struct
import subprocess
import sys
import tempfile

# bytes after the 12-byte header, per kind: (fixed, per vlen entry)
KIND_EXTRA = {1: (4, 0), 2: (0, 0), 3: (12, 0), 4: (0, 12), 5: (0, 12), 6: (0, 8), 7: (0, 0),
              8: (0, 0), 9: (0, 0), 10: (0, 0), 11: (0, 0), 12: (0, 0), 13: (0, 8), 14: (4, 0),
              15: (0, 12), 16: (0, 0), 17: (4, 0), 18: (0, 0), 19: (0, 12)}


def btf_types(btf):
    """[(id, kind, name)] of a little-endian raw BTF."""
    magic, _, _, hdr_len, type_off, type_len, str_off, _ = struct.unpack_from('<HBBIIIII', btf)
    assert magic == 0xeb9f
    strs = hdr_len + str_off
    pos, end, tid, out = hdr_len + type_off, hdr_len + type_off + type_len, 1, []
    while pos < end:
        name_off, info, _ = struct.unpack_from('<III', btf, pos)
        kind, vlen = (info >> 24) & 0x1f, info & 0xffff
        name = btf[strs + name_off:btf.index(b'\0', strs + name_off)].decode()
        out.append((tid, kind, name))
        fixed, per = KIND_EXTRA[kind]
        pos += 12 + fixed + per * vlen
        tid += 1
    return out


def main():
    obj, mode = sys.argv[1], sys.argv[2]
    objcopy = os.environ.get('OBJCOPY', 'llvm-objcopy-14')
    with tempfile.TemporaryDirectory() as tmp:
        ext, btf = os.path.join(tmp, 'btf.ext'), os.path.join(tmp, 'btf')
        subprocess.run([objcopy, '--dump-section', '.BTF.ext=' + ext,
                        '--dump-section', '.BTF=' + btf, obj], check=True)
        data = bytearray(open(ext, 'rb').read())
        types = btf_types(open(btf, 'rb').read())
        if mode == 'kind':
            field, match, new = 12, int(sys.argv[3]), int(sys.argv[4])
        elif mode == 'anon':
            field = 4
            match = next(t for t, k, n in types if n == sys.argv[3])
            new = next(t for t, k, n in types if k == 4 and not n)
        else:
            sys.exit('usage: patch_relo.py OBJECT kind FROM TO | anon NAME')
        magic, _, _, hdr_len = struct.unpack_from('<HBBI', data, 0)
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
                if struct.unpack_from('<I', data, pos + field)[0] == match:
                    struct.pack_into('<I', data, pos + field, new)
                    patched += 1
                pos += rec_size
        if not patched:
            sys.exit('%s: no relocation record to patch' % obj)
        open(ext, 'wb').write(data)
        subprocess.run([objcopy, '--update-section', '.BTF.ext=' + ext, obj], check=True)
    print('%s: %s: %d relocation records patched (%d -> %d)' % (obj, mode, patched, match, new))


main()
