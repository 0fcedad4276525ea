#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# tests/archive: write well-formed tar.xz files with bad member sets, for test_bad.sh.
# usage: mkbad.py OUTDIR BTF   (BTF: a real raw BTF file, used as member content)
import io
import lzma
import sys
import tarfile

outdir, btf_path = sys.argv[1], sys.argv[2]
btf = open(btf_path, 'rb').read()


def member(name, data=b'', kind=tarfile.REGTYPE, linkname=''):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = linkname
    ti.mtime = 0
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    return ti, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def write(name, members, fmt=tarfile.GNU_FORMAT):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=fmt) as tf:
        for ti, f in members:
            tf.addfile(ti, f)
    with open(f'{outdir}/{name}', 'wb') as f:
        f.write(lzma.compress(raw.getvalue(), preset=0))


R = tarfile.REGTYPE
write('traversal.tar.xz', [member('../evil.btf', btf)])
write('traversal-deep.tar.xz', [member('a/../../etc/x.btf', btf)])
write('absolute.tar.xz', [member('/abs.btf', btf)])
write('traversal-other.tar.xz', [member('k.btf', btf), member('../notes.txt', b'x')])
write('symlink.tar.xz', [member('k.btf', kind=tarfile.SYMTYPE, linkname='/etc/passwd')])
write('hardlink.tar.xz', [member('data', btf),
                          member('k.btf', kind=tarfile.LNKTYPE, linkname='data')])
write('device.tar.xz', [member('k.btf', kind=tarfile.CHRTYPE)])
write('directory.tar.xz', [member('k.btf', kind=tarfile.DIRTYPE)])
write('two.tar.xz', [member('a.btf', btf), member('b.btf', btf)])
write('none.tar.xz', [member('README', b'hello\n'), member('k.btf.txt', b'x')])
write('empty-tar.tar.xz', [])
# 2 MiB: over a 1 MiB member cap.
write('oversized.tar.xz', [member('k.btf', b'\0' * (2 << 20))])
# A skipped member of 2 MiB before a small .btf: over a 1 MiB total cap, though no .btf is big.
write('oversized-other.tar.xz', [member('filler', b'\0' * (2 << 20)), member('k.btf', btf[:4096])])
# Accepted: a .btf in a subdirectory, next to other members, pax headers with a long name.
write('good-subdir.tar.xz', [member('./dir/', kind=tarfile.DIRTYPE), member('README', b'hi\n'),
                             member('./dir/' + 'x' * 120 + '.btf', btf)], fmt=tarfile.PAX_FORMAT)
