#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Write hand-made raw "kernel" BTFs that clang and pahole no longer produce:
#   kflag0.btf  old-style (kflag=0) bitfields: bit offsets in the member, widths in the INTs
#   enum64.btf  ENUM64 (kind 19) with 64-bit unsigned and signed values, next to a 32-bit ENUM
#   enum64-be.btf, kflag0-be.btf  the same in big-endian byte order (libbpf reads either order)
#   enum_bits.btf, enum_bits-be.btf  an enum bitfield whose enum libbpf 1.1 reads past its header
# Usage: gen_targets.py OUTDIR
import struct
import sys

KIND = {'int': 1, 'ptr': 2, 'struct': 4, 'enum': 6, 'typedef': 8, 'enum64': 19}


class Btf:
    def __init__(self, endian='<'):
        self.e = endian
        self.strs = b'\0'
        self.types = b''

    def s(self, name):
        if not name:
            return 0
        key = name.encode() + b'\0'
        i = self.strs.find(key)
        if i > 0 and self.strs[i - 1] == 0:
            return i
        off = len(self.strs)
        self.strs += key
        return off

    def hdr(self, name, kind, vlen, size_or_type, kflag=0):
        info = (kflag << 31) | (KIND[kind] << 24) | vlen
        self.types += struct.pack(self.e + 'III', self.s(name), info, size_or_type)

    def int_(self, name, size, bits, signed=False, offset=0):
        self.hdr(name, 'int', 0, size)
        enc = (1 if signed else 0) << 24
        self.types += struct.pack(self.e + 'I', enc | (offset << 16) | bits)

    def struct_(self, name, size, members, kflag=0):
        self.hdr(name, 'struct', len(members), size, kflag)
        for mname, mtype, off in members:
            self.types += struct.pack(self.e + 'III', self.s(mname), mtype, off)

    def struct_k(self, name, size, members):
        # kflag=1: member offset word is bitfield size << 24 | bit offset
        self.hdr(name, 'struct', len(members), size, 1)
        for mname, mtype, off, bits in members:
            self.types += struct.pack(self.e + 'III', self.s(mname), mtype, bits << 24 | off)

    def enum_(self, name, size, values, signed=False):
        self.hdr(name, 'enum', len(values), size, 1 if signed else 0)
        for vname, v in values:
            self.types += struct.pack(self.e + 'Ii', self.s(vname), v)

    def enum64_(self, name, values, signed=False):
        self.hdr(name, 'enum64', len(values), 8, 1 if signed else 0)
        for vname, v in values:
            v &= (1 << 64) - 1
            self.types += struct.pack(self.e + 'III', self.s(vname), v & 0xffffffff, v >> 32)

    def raw(self):
        h = struct.pack(self.e + 'HBBIIIII', 0xeb9f, 1, 0, 24, 0, len(self.types), len(self.types),
                        len(self.strs))
        return h + self.types + self.strs


def kflag0(endian):
    b = Btf(endian)
    b.int_('unsigned int', 4, 32)                  # 1
    b.int_('int', 4, 32, signed=True)              # 2
    b.int_('unsigned int', 4, 3)                   # 3: 3-bit field type (old style)
    b.int_('int', 4, 5, signed=True)               # 4: 5-bit signed field type
    b.int_('long unsigned int', 8, 64)             # 5
    b.int_('long long unsigned int', 8, 40)        # 6: 40-bit field type
    b.int_('long int', 8, 64, signed=True)         # 7: pointer size comes from "long"
    # struct oldbits { unsigned a:3; int b:5; u64 c:40 (at bit 32); unsigned d; }, kflag=0:
    # member offsets are plain bit offsets, widths live in the INT types
    b.struct_('oldbits', 16, [('a', 3, 0), ('b', 4, 3), ('c', 6, 32), ('d', 1, 96)])
    return b.raw()


def enum64(endian):
    b = Btf(endian)
    b.int_('long int', 8, 64, signed=True)         # 1
    b.enum64_('big64', [('BIG_LOW', 1), ('BIG_HIGH', 1 << 62), ('BIG_TOP', 1 << 63),
                        ('BIG_MID', 0x123456789)])                 # 2: unsigned ENUM64
    b.enum64_('sbig64', [('SBIG_NEG', -5), ('SBIG_MIN', -(1 << 63))], signed=True)  # 3
    b.enum_('small32', 4, [('SMALL_A', 7), ('SMALL_NEG', -1)], signed=True)       # 4
    b.hdr('big64_t', 'typedef', 0, 2)              # 5: typedef of an ENUM64
    return b.raw()


def enum_bits(endian):
    # The struct comes first so that its name is the first string: "sbits" has an odd third
    # byte, so an enum emitted last with no enumerator would read the string section's first
    # word, "\0sbi", as an INT encoding with BTF_INT_SIGNED set. On this BTF, libbpf 1.1 reads
    # the enum's first enumerator name offset instead: unsigned.
    b = Btf(endian)
    b.struct_k('sbits', 8, [('pad', 2, 0, 0), ('c', 3, 32, 3)])    # 1
    b.int_('unsigned int', 4, 32)                                   # 2
    b.enum_('color', 4, [('RED', 0), ('GREEN', 1)])                 # 3: unsigned, kflag 0
    return b.raw()


if __name__ == '__main__':
    out = sys.argv[1]
    for suffix, endian in (('', '<'), ('-be', '>')):
        with open(out + '/kflag0' + suffix + '.btf', 'wb') as f:
            f.write(kflag0(endian))
        with open(out + '/enum64' + suffix + '.btf', 'wb') as f:
            f.write(enum64(endian))
        with open(out + '/enum_bits' + suffix + '.btf', 'wb') as f:
            f.write(enum_bits(endian))
