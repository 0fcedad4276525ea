#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tests/badinput: `btfgen-batch min_core_btf` on broken inputs made from real ones.

Every bad input must give one error line on stderr naming the file and the cause, exit 2
(bad input) or 3 (output not writable), and leave nothing in the output directory. The
happy cases check that the same real inputs do work and that the output parses with bpftool.

usage: badinput.py --bin BTFGEN_BATCH --data TEST_DATA (--list | CASE...)
"""
import argparse
import io
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile

KERNEL_TAR = "btfhub/debian/bullseye/x86_64/5.10.0-30-amd64.btf.tar.xz"
OBJECTS = ["objects/libbpf-tools/execsnoop.bpf.o", "objects/libbpf-tools/opensnoop.bpf.o"]


class Elf:
    """Just enough ELF64 little-endian to find and patch sections of a BPF object."""

    def __init__(self, data):
        self.data = bytearray(data)
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2 or self.data[5] != 1:
            raise ValueError("not an ELF64 LE file")
        self.shoff = struct.unpack_from("<Q", self.data, 0x28)[0]
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", self.data, 0x3A)
        self.sections = []
        for i in range(self.shnum):
            hdr = self.shoff + i * self.shentsize
            name, _typ, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", self.data, hdr)
            self.sections.append({"name_off": name, "off": off, "size": size, "hdr": hdr})
        strtab = self.sections[self.shstrndx]["off"]
        for s in self.sections:
            start = strtab + s["name_off"]
            s["name"] = self.data[start:self.data.index(b"\0", start)].decode()

    def sec(self, name):
        for s in self.sections:
            if s["name"] == name:
                return s
        raise KeyError(name)

    def set_size(self, name, size):
        struct.pack_into("<Q", self.data, self.sec(name)["hdr"] + 0x20, size)

    def set_name_off(self, name, name_off):
        struct.pack_into("<I", self.data, self.sec(name)["hdr"], name_off)


class Ext:
    """The .BTF.ext of an object: header fields and where each CO-RE record lives."""

    def __init__(self, elf):
        self.elf = elf
        sec = elf.sec(".BTF.ext")
        self.base = sec["off"]
        self.size = sec["size"]
        d = elf.data
        (self.magic, _ver, _flags, self.hdr_len) = struct.unpack_from("<HBBI", d, self.base)
        self.core_off, self.core_len = struct.unpack_from("<II", d, self.base + 24)
        self.line_off, self.line_len = struct.unpack_from("<II", d, self.base + 16)
        start = self.base + self.hdr_len + self.core_off
        self.rec_size_at = start
        rec_size = struct.unpack_from("<I", d, start)[0]
        self.blocks = []   # absolute offsets of {sec_name_off, num_info}
        self.records = []  # absolute offsets of records
        p, end = start + 4, start + self.core_len
        while p < end:
            self.blocks.append(p)
            num = struct.unpack_from("<I", d, p + 4)[0]
            p += 8
            for _ in range(num):
                self.records.append(p)
                p += rec_size
        # line_info records point at strings (source lines) long enough to overwrite
        self.line_strs = []
        p = self.base + self.hdr_len + self.line_off
        lrec = struct.unpack_from("<I", d, p)[0]
        p, end = p + 4, p + self.line_len
        while p < end:
            num = struct.unpack_from("<I", d, p + 4)[0]
            p += 8
            for _ in range(num):
                self.line_strs.append(struct.unpack_from("<I", d, p + 8)[0])
                p += lrec

    def put32(self, rel, value):
        struct.pack_into("<I", self.elf.data, self.base + rel, value & 0xFFFFFFFF)


def btf_strings(elf):
    """(absolute offset of the .BTF string section, its size)."""
    base = elf.sec(".BTF")["off"]
    hdr_len, _to, _tl, str_off, str_len = struct.unpack_from("<IIIII", elf.data, base + 4)
    return base + hdr_len + str_off, str_len


def set_access(elf, access):
    """Point the first CO-RE record at a new access string, written over a source line."""
    ext = Ext(elf)
    strs, _ = btf_strings(elf)
    need = len(access) + 1
    for off in ext.line_strs:
        start = strs + off
        if elf.data.index(b"\0", start) - start + 1 >= need:
            elf.data[start:start + need] = access.encode() + b"\0"
            struct.pack_into("<I", elf.data, ext.records[0] + 8, off)
            return
    raise RuntimeError("no source line string long enough")


def mutate_ext(field, value):
    def f(elf):
        ext = Ext(elf)
        rel = {"magic": 0, "hdr_len": 4, "core_relo_off": 24, "core_relo_len": 28}[field]
        if field == "magic":
            struct.pack_into("<H", elf.data, ext.base, value)
        else:
            ext.put32(rel, value)
    return f


def mutate_core(what, value):
    def f(elf):
        ext = Ext(elf)
        d = elf.data
        if what == "rec_size":
            struct.pack_into("<I", d, ext.rec_size_at, value)
        elif what == "num_info":
            struct.pack_into("<I", d, ext.blocks[0] + 4, value)
        elif what == "sec_name_off":
            struct.pack_into("<I", d, ext.blocks[0], value)
        elif what == "type_id":
            struct.pack_into("<I", d, ext.records[0] + 4, value)
        elif what == "access_str_off":
            struct.pack_into("<I", d, ext.records[0] + 8, value)
        elif what == "kind":
            struct.pack_into("<I", d, ext.records[0] + 12, value)
    return f


def truncate_ext(which):
    def f(elf):
        ext = Ext(elf)
        if which == "header":
            elf.set_size(".BTF.ext", 16)
        else:  # cut in the middle of the CO-RE records
            elf.set_size(".BTF.ext", ext.hdr_len + ext.core_off + ext.core_len - 10)
    return f


def no_btf(elf):
    elf.set_name_off(".BTF", 0)


def btf_bad_magic(elf):
    struct.pack_into("<H", elf.data, elf.sec(".BTF")["off"], 0x1234)


def btf_truncated(elf):
    elf.set_size(".BTF", 30)


# Object cases: name -> (mutation of the real object, words one of which the cause names).
EXT_WORDS = ["btf.ext", "relo", "record", "header", "magic", "truncat", "section", "size",
             "num_info", "offset", "length", "range", "bound", "malformed", "corrupt"]
OBJ_CASES = {
    "ext_truncated_header": (truncate_ext("header"), EXT_WORDS),
    "ext_truncated_relo": (truncate_ext("relo"), EXT_WORDS),
    "ext_bad_magic": (mutate_ext("magic", 0x1234), EXT_WORDS),
    "ext_hdr_len_small": (mutate_ext("hdr_len", 8), EXT_WORDS),
    "ext_hdr_len_huge": (mutate_ext("hdr_len", 0x7FFFFFF0), EXT_WORDS),
    "ext_core_relo_off_oob": (mutate_ext("core_relo_off", 0x100000), EXT_WORDS),
    "ext_core_relo_off_wrap": (mutate_ext("core_relo_off", 0xFFFFFFF0), EXT_WORDS),
    "ext_core_relo_len_oob": (mutate_ext("core_relo_len", 0xFFFFFFF0), EXT_WORDS),
    "ext_rec_size_small": (mutate_core("rec_size", 8), EXT_WORDS),
    "ext_rec_size_unaligned": (mutate_core("rec_size", 18), EXT_WORDS),
    "ext_rec_size_huge": (mutate_core("rec_size", 0x80000000), EXT_WORDS),
    "ext_num_info_overflow": (mutate_core("num_info", 0x10000001), EXT_WORDS),
    "ext_num_info_zero": (mutate_core("num_info", 0), EXT_WORDS),
    "ext_sec_name_oob": (mutate_core("sec_name_off", 0xFFFFFFF0), EXT_WORDS + ["string", "name"]),
    "relo_type_id_oob": (mutate_core("type_id", 0xFFFFFF), EXT_WORDS + ["type"]),
    "relo_access_str_oob": (mutate_core("access_str_off", 0x0FFFFFFF),
                            EXT_WORDS + ["access", "string"]),
    "ext_beyond_eof": (lambda e: e.set_size(".BTF.ext", 0x1000000),
                       ["truncat", "elf", "beyond", "end", "outside", "corrupt", "unreadable",
                        "invalid section"]),
    "obj_no_btf": (no_btf, [".btf", "btf"]),
    "obj_btf_bad_magic": (btf_bad_magic, [".btf", "btf", "magic"]),
    "obj_btf_truncated": (btf_truncated, [".btf", "btf", "truncat"]),
}

# A CO-RE record whose access string libbpf cannot parse, or whose kind or root it cannot use,
# fails that relocation only: libbpf refuses to load that program, not the object. min_core_btf
# documents it ("reported on stderr, not fatal"): a warning line naming the object and the
# relocation, exit 0, OUTPUT written. mode "either" also accepts rejecting the object (exit 2).
RELO_CASES = {
    "relo_access_negative": (lambda e: set_access(e, "0:-1"), "reported"),
    "relo_access_huge": (lambda e: set_access(e, "0:2147483647"), "reported"),
    "relo_access_int_overflow": (lambda e: set_access(e, "0:99999999999"), "reported"),
    "relo_access_garbage": (lambda e: set_access(e, "0:x:1"), "reported"),
    "relo_access_empty_index": (lambda e: set_access(e, "0::1"), "reported"),
    "relo_kind_unknown": (mutate_core("kind", 13), "either"),
    "relo_kind_huge": (mutate_core("kind", 0xFFFFFFFF), "either"),
    "relo_type_id_void": (mutate_core("type_id", 0), "either"),
}


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def raw_kernel(data_dir):
    """The raw BTF inside the real kernel archive."""
    with tarfile.open(os.path.join(data_dir, KERNEL_TAR), "r:xz") as tar:
        for m in tar.getmembers():
            if m.isfile():
                return tar.extractfile(m).read()
    raise RuntimeError("no member in " + KERNEL_TAR)


def tar_xz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Case:
    """One run: input, objects, which file is bad, the expected exit code and cause words."""

    def __init__(self, inp, objs, bad, rc, words):
        self.inp, self.objs, self.bad, self.rc, self.words = inp, objs, bad, rc, words


def make_case(name, data_dir, work):
    tar_path = os.path.join(data_dir, KERNEL_TAR)
    obj = os.path.join(data_dir, OBJECTS[0])
    kern_words = ["btf", "archive", "tar", "xz", "magic", "truncat", "corrupt", "format",
                  "header", "member", "empty", "lzma", "compress", "data"]

    if name in OBJ_CASES:
        mutate, words = OBJ_CASES[name]
        elf = Elf(read(obj))
        mutate(elf)
        bad = write(os.path.join(work, name + ".bpf.o"), elf.data)
        # the bad object second, so the error names it and not the good one
        return Case(tar_path, [obj, bad], bad, 2, words)
    if name in RELO_CASES:
        mutate, mode = RELO_CASES[name]
        elf = Elf(read(obj))
        mutate(elf)
        bad = write(os.path.join(work, name + ".bpf.o"), elf.data)
        return Case(tar_path, [obj, bad], bad, mode, EXT_WORDS + ["access", "kind", "type"])
    if name == "obj_missing":
        bad = os.path.join(work, "missing.bpf.o")
        return Case(tar_path, [bad], bad, 2, ["no such file", "not found", "exist"])
    if name == "obj_directory":
        bad = os.path.join(work, "dir.bpf.o")
        os.mkdir(bad)
        return Case(tar_path, [bad], bad, 2, ["directory", "not a", "read", "elf"])
    if name == "obj_empty":
        bad = write(os.path.join(work, "empty.bpf.o"), b"")
        return Case(tar_path, [bad], bad, 2, ["elf", "empty", "short", "truncat", "object"])
    if name == "obj_text":
        bad = write(os.path.join(work, "text.bpf.o"), b"this is not an object\n" * 10)
        return Case(tar_path, [bad], bad, 2, ["elf", "object", "format"])
    if name == "obj_host_elf":
        bad = shutil.copy("/bin/true", os.path.join(work, "true"))
        return Case(tar_path, [bad], bad, 2, ["bpf", "machine", "elf", ".btf"])
    if name == "obj_truncated":
        data = read(obj)
        bad = write(os.path.join(work, "cut.bpf.o"), data[:len(data) * 6 // 10])
        # the section headers are at the end: gone, which is a broken ELF, not "no .BTF"
        return Case(tar_path, [bad], bad, 2, ["elf", "truncat", "corrupt", "short", "end of file"])
    if name == "kern_missing":
        bad = os.path.join(work, "missing.btf")
        return Case(bad, [obj], bad, 2, ["no such file", "not found", "exist"])
    if name == "kern_directory":
        bad = os.path.join(work, "kdir")
        os.mkdir(bad)
        return Case(bad, [obj], bad, 2, ["directory", "read", "not a"])
    if name == "kern_empty":
        bad = write(os.path.join(work, "empty.btf"), b"")
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_text":
        bad = write(os.path.join(work, "text.btf"), b"not BTF at all\n" * 100)
        return Case(bad, [obj], bad, 2, kern_words)
    raw = raw_kernel(data_dir) if name.startswith("kern_raw") else None
    if name == "kern_raw_truncated":
        bad = write(os.path.join(work, "cut.btf"), raw[:len(raw) // 2])
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_raw_bad_magic":
        bad = write(os.path.join(work, "magic.btf"), b"\x34\x12" + raw[2:])
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_raw_str_oob":
        data = bytearray(raw)
        struct.pack_into("<I", data, 20, 0x7FFFFFF0)  # str_len
        bad = write(os.path.join(work, "strs.btf"), data)
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_tar_truncated":
        data = read(tar_path)
        bad = write(os.path.join(work, "cut.btf.tar.xz"), data[:len(data) // 2])
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_tar_corrupt":
        data = bytearray(read(tar_path))
        mid = len(data) // 2
        for i in range(mid, mid + 64):
            data[i] ^= 0xA5
        bad = write(os.path.join(work, "corrupt.btf.tar.xz"), data)
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_tar_garbage_member":
        bad = write(os.path.join(work, "garbage.btf.tar.xz"),
                    tar_xz([("5.10.0-30-amd64.btf", b"garbage\n" * 64)]))
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_tar_empty":
        bad = write(os.path.join(work, "none.btf.tar.xz"), tar_xz([]))
        return Case(bad, [obj], bad, 2, kern_words)
    if name == "kern_tar_damaged_header":
        # a good member, then a header whose checksum is wrong (libarchive: ARCHIVE_RETRY)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for n, d in (("5.10.0-30-amd64.btf", raw_kernel(data_dir)), ("next.btf", b"x")):
                info = tarfile.TarInfo(n)
                info.size = len(d)
                tar.addfile(info, io.BytesIO(d))
        data = bytearray(buf.getvalue())
        second = 512 + (len(raw_kernel(data_dir)) + 511) // 512 * 512
        data[second] ^= 0x20  # the name's first byte: the checksum no longer matches
        bad = write(os.path.join(work, "damaged.btf.tar"), data)
        return Case(bad, [obj], bad, 2, ["damaged", "corrupt"])
    if name == "kern_fifo":
        bad = os.path.join(work, "fifo.btf.tar.xz")
        os.mkfifo(bad)
        return Case(bad, [obj], bad, 2, ["regular file"])
    if name == "obj_fifo":
        bad = os.path.join(work, "fifo.bpf.o")
        os.mkfifo(bad)
        return Case(tar_path, [bad], bad, 2, ["regular file"])
    if name == "kern_xz_not_tar":
        bad = write(os.path.join(work, "plain.btf.tar.xz"), lzma.compress(b"plain text " * 100))
        return Case(bad, [obj], bad, 2, kern_words)
    raise KeyError(name)


BAD_CASES = sorted(OBJ_CASES) + sorted(RELO_CASES) + [
    "obj_missing", "obj_directory", "obj_empty", "obj_text", "obj_host_elf", "obj_truncated",
    "kern_missing", "kern_directory", "kern_empty", "kern_text", "kern_raw_truncated",
    "kern_raw_bad_magic", "kern_raw_str_oob", "kern_tar_truncated", "kern_tar_corrupt",
    "kern_tar_garbage_member", "kern_tar_empty", "kern_xz_not_tar", "kern_tar_damaged_header",
    "kern_fifo", "obj_fifo",
]
FUZZ_CASES = ["fuzz_ext", "fuzz_btf", "fuzz_kernel"]
OTHER_CASES = FUZZ_CASES + ["out_dir_missing", "out_is_directory", "keep_existing_output", "happy_tar",
               "happy_raw", "happy_replace_output", "happy_no_ext"]


# Bundles given to the runtime reader and the CLI (ls, info, lookup, extract), and a run whose
# kernel the bundle cannot hold.
BUNDLE_CASES = ["bundle_control_chars", "bundle_fifo", "bundle_json_amplification",
                "bundle_bomb_undeclared", "bundle_not_a_bundle", "run_release_too_long"]

EVIL_RELEASE = "6.1\x1b[2J\x1b]0;pwned\x07\nfake line"


def plain_tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def evil_bundle():
    """A plain-tar bundle whose strings hold terminal escapes and newlines (twice the key)."""
    import json
    kern = {"distro": "debian", "version": "12", "arch": "x86_64", "release": EVIL_RELEASE,
            "status": "failed", "reason": "bad\n\x1b[31mred", "unsatisfied": 0}
    index = {"format": "btfgen-bundle", "format_version": 1,
             "generator": {"name": "btfgen\x1b[5m", "version": "1"},
             "objects": [{"name": "evil\x1b[31m.bpf.o", "arch": "x86_64", "sha256": "0" * 64,
                          "relocations": 1}],
             "kernels": [kern, kern]}
    mk = {k: kern[k] for k in ("distro", "version", "arch", "release")}
    mk["unsatisfied"] = []
    matrix = {"kernels": [mk, mk]}
    return plain_tar([("index.json", json.dumps(index).encode()),
                      ("matrix.json", json.dumps(matrix).encode())])


def zstd_bundle(index_len, declare):
    """A zstd bundle whose index.json is index_len bytes of [0,0,...]: a few KB compressed.
    Streamed into zstd, so a case of hundreds of MiB costs no memory here."""
    head = b'{"format":"btfgen-bundle","format_version":1,"objects":['
    tail = b'0],"kernels":[]}'
    reps = (index_len - len(head) - len(tail)) // 2
    size = len(head) + 2 * reps + len(tail)
    hdr = plain_tar([("index.json", b"x" * size)])[:512]
    total = 512 + size + (-size % 512) + 1024
    cmd = ["zstd", "-q", "-3", "-c"] + ([f"--stream-size={total}"] if declare else [])
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out)
        p.stdin.write(hdr + head)
        chunk = b"0," * (1 << 19)
        while reps:
            n = min(reps, 1 << 19)
            p.stdin.write(chunk[:2 * n])
            reps -= n
        p.stdin.write(tail + bytes(-size % 512 + 1024))
        p.stdin.close()
        if p.wait():
            raise RuntimeError("zstd failed")
        out.seek(0)
        return out.read()


def check_one_line(c, rc, err, want_rc, words):
    text = err.decode(errors="replace")
    lines = [l for l in text.splitlines() if l.strip()]
    c.check(rc == want_rc, f"exit {rc}, want {want_rc}; stderr: {text[:300]!r}")
    c.check(len(lines) == 1, f"{len(lines)} stderr lines, want 1: {text[:500]!r}")
    c.check(any(w in text for w in words), f"stderr names none of {words}: {text[:300]!r}")
    c.check(not any(ch in err for ch in b"\x1b\x07"), "a terminal escape reached stderr")


def run_bundle_case(c, name, binary, data_dir, work, out_dir):
    if name == "bundle_control_chars":
        b = write(os.path.join(work, "evil.bundle"), evil_bundle())
        for cmd in (["ls", b], ["info", b], ["lookup", b, "--distro", "debian", "--version",
                    "12", "--arch", "x86_64", "--release", EVIL_RELEASE],
                    ["extract", b, os.path.join(out_dir, "tree")]):
            rc, out, err = run_cmd([binary] + cmd, timeout=30)
            both = out + err
            c.check(rc >= 0, f"{cmd[0]}: crashed ({rc})")
            c.check(b"\x1b" not in both and b"\x07" not in both,
                    f"{cmd[0]}: a terminal escape reached the output: {both[:300]!r}")
            c.check(b"fake line" not in both or b"\\nfake line" in both,
                    f"{cmd[0]}: a newline from the bundle split a line: {both[:300]!r}")
            if cmd[0] == "ls":
                c.check(rc == 0 and len(out.splitlines()) == 3 and b"\\x1b[2J" in out,
                        f"ls: exit {rc}, want 0, 3 lines with the escapes spelled out: {out!r}")
            if cmd[0] == "extract":
                c.check(rc == 3 and b"File exists" in err, f"extract: exit {rc}: {err!r}")
        c.check(not os.listdir(out_dir), f"output directory holds {os.listdir(out_dir)}")
    elif name == "bundle_fifo":
        f = os.path.join(work, "fifo.bundle")
        os.mkfifo(f)
        rc, _, err = run_cmd([binary, "ls", f], timeout=30)
        check_one_line(c, rc, err, 3, ["not a regular file"])
    elif name == "bundle_json_amplification":
        b = write(os.path.join(work, "amp.bundle"), zstd_bundle(48 << 20, True))
        c.check(os.path.getsize(b) < 1 << 20, "the case is not small")
        rc, _, err = run_cmd([binary, "ls", b], timeout=30)
        check_one_line(c, rc, err, 3, ["limit max_json_values"])
    elif name == "bundle_bomb_undeclared":
        # past btfgen-batch's own bound (512 MiB: it reads whole-BTFHub full forms back)
        b = write(os.path.join(work, "bomb.bundle"), zstd_bundle(640 << 20, False))
        c.check(os.path.getsize(b) < 1 << 20, "the case is not small")
        rc, _, err = run_cmd([binary, "info", b], timeout=30)
        check_one_line(c, rc, err, 3, ["limit max_size"])
    elif name == "bundle_not_a_bundle":
        b = write(os.path.join(work, "x.bundle"), plain_tar([("evil\x1b[2J\nname", b"x")]))
        rc, _, err = run_cmd([binary, "lookup", b, "--release", "x"], timeout=30)
        check_one_line(c, rc, err, 3, ["not a bundle"])
    elif name == "run_release_too_long":
        run_long_release(c, binary, data_dir, work, out_dir)
    else:
        c.fail("unknown case")


def run_long_release(c, binary, data_dir, work, out_dir):
    """A kernel whose release cannot be a tar member name fails alone; the rest lands."""
    import json
    data_dir = os.path.abspath(data_dir)
    arch = os.path.join(work, "archive", "debian", "bullseye", "x86_64")
    os.makedirs(arch)
    good = os.path.join(data_dir, KERNEL_TAR)
    long_rel = "5.10.0-30-amd64" + "-x" * 60
    shutil.copy(good, arch)
    shutil.copy(good, os.path.join(arch, long_rel + ".btf.tar.xz"))
    out = os.path.join(out_dir, "out.bundle")
    m = write(os.path.join(work, "m.json"), json.dumps({
        "version": 1, "archive": os.path.join(work, "archive"),
        "objects": {"x86_64": [os.path.join(data_dir, OBJECTS[0])]},
        "output": out}).encode())
    rc, _, err = run_cmd([binary, "run", "--no-progress", m], timeout=300)
    text = err.decode(errors="replace")
    c.check(rc == 1, f"exit {rc}, want 1: {text[:500]!r}")
    c.check(os.listdir(out_dir) == ["out.bundle"], f"output directory holds {os.listdir(out_dir)}")
    if not os.path.exists(out):
        return
    idx = subprocess.run(f"zstd -dcq '{out}' | tar -xO index.json", shell=True,
                         stdout=subprocess.PIPE).stdout
    kerns = {k["release"]: k for k in json.loads(idx)["kernels"]}
    c.check(kerns.get("5.10.0-30-amd64", {}).get("status") == "ok", "the good kernel is not ok")
    bad = kerns.get(long_rel, {})
    c.check(bad.get("status") == "failed" and "too long" in bad.get("reason", ""),
            f"the long release is not a failed entry with its reason: {bad}")
    c.check("too long" in text, f"stderr does not say why: {text[:300]!r}")


class Checker:
    def __init__(self, name):
        self.name, self.failures = name, 0

    def fail(self, msg):
        print(f"FAIL [{self.name}]: {msg}", file=sys.stderr)
        self.failures += 1

    def check(self, cond, msg):
        if not cond:
            self.fail(msg)
        return cond


# Every command a case runs, for the README's table (--table): argv, exit code, stderr.
RUNS = []


def run_cmd(cmd, timeout=120):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = -1000, b"", f"timed out after {timeout} s: {cmd}".encode()
    RUNS.append((cmd, rc, out, err))
    return rc, out, err


def run(binary, inp, out, objs):
    rc, out, err = run_cmd([binary, "min_core_btf", inp, out] + objs)
    return rc, out.decode(errors="replace"), err.decode(errors="replace")


def check_error(c, rc, err, want_rc, bad, words, out_dir, keep=None, left_ok=()):
    lines = [l for l in err.splitlines() if l.strip()]
    c.check(rc == want_rc, f"exit {rc}, want {want_rc}; stderr: {err[:500]!r}")
    if rc < 0 or rc > 3:
        c.fail(f"crashed or undocumented exit code {rc}")
    if c.check(len(lines) == 1, f"{len(lines)} stderr lines, want 1: {err[:800]!r}") and lines:
        line = lines[0]
        c.check(bad in line, f"error line does not name '{bad}': {line!r}")
        cause = line.split(bad, 1)[-1].lower()
        c.check(sum(ch.isalpha() for ch in cause) >= 8, f"error line gives no cause: {line!r}")
        c.check(any(w in cause for w in words),
                f"cause names none of {words}: {line!r}")
        for junk in ("success", "(null)", "unknown error", "out of memory"):
            c.check(junk not in cause, f"cause says '{junk}': {line!r}")
    left = sorted(os.listdir(out_dir))
    want = sorted([os.path.basename(keep[0])] if keep else list(left_ok))
    c.check(left == want, f"output directory holds {left}, want {want}")
    if keep:
        c.check(read(keep[0]) == keep[1], "existing output was modified")


def check_output(c, rc, err, out_path, out_dir):
    c.check(rc == 0, f"exit {rc}, want 0; stderr: {err[:800]!r}")
    c.check(sorted(os.listdir(out_dir)) == [os.path.basename(out_path)],
            f"output directory holds {sorted(os.listdir(out_dir))}")
    if not os.path.exists(out_path):
        c.fail("no output written")
        return
    data = read(out_path)
    c.check(len(data) > 24 and data[:2] in (b"\x9f\xeb", b"\xeb\x9f"), "output is not BTF")
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    if os.path.exists(bpftool):
        p = subprocess.run([bpftool, "btf", "dump", "file", out_path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        c.check(p.returncode == 0, f"bpftool btf dump file failed: {p.stderr[:300]!r}")
        c.check(b"STRUCT" in p.stdout, "tailored BTF has no struct")


def check_reported(c, rc, err, bad, out_path, out_dir):
    """A relocation-level failure: one warning naming the object and relo #0, OUTPUT written."""
    lines = [l for l in err.splitlines() if l.strip()]
    if c.check(len(lines) == 1, f"{len(lines)} stderr lines, want 1: {err[:800]!r}") and lines:
        c.check(bad in lines[0], f"warning does not name '{bad}': {lines[0]!r}")
        c.check("relo #0" in lines[0], f"warning does not name relo #0: {lines[0]!r}")
    check_output(c, rc, "".join(lines), out_path, out_dir)


BTF_EXTRA = {1: lambda v: 4, 3: lambda v: 12, 4: lambda v: 12 * v, 5: lambda v: 12 * v,
             6: lambda v: 8 * v, 13: lambda v: 8 * v, 14: lambda v: 4, 15: lambda v: 12 * v,
             17: lambda v: 4, 19: lambda v: 12 * v}


def btf_types(raw):
    """[(id, absolute offset, kind, vlen, name)] of a little-endian raw BTF."""
    hdr_len, type_off, type_len, str_off, _ = struct.unpack_from("<IIIII", raw, 4)
    strs = hdr_len + str_off
    p, end, tid, out = hdr_len + type_off, hdr_len + type_off + type_len, 1, []
    while p < end:
        name_off, info = struct.unpack_from("<II", raw, p)
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        name = raw[strs + name_off:raw.index(b"\0", strs + name_off)].decode(errors="replace")
        out.append((tid, p, kind, vlen, name))
        p += 12 + BTF_EXTRA.get(kind, lambda v: 0)(vlen)
        tid += 1
    return out


def fuzz(c, binary, work, out_dir, runs, kernel, objs, rnd_seed):
    """Run 'runs' mutated inputs from runs(); each must end in a documented way, never crash."""
    out = os.path.join(out_dir, "out.btf")
    for i, (inp, obj_list, what) in enumerate(runs):
        rc, _, err = run(binary, inp, out, obj_list)
        lines = [l for l in err.splitlines() if l.strip()]
        if rc not in (0, 2, 3):
            c.fail(f"seed {rnd_seed} run {i} ({what}): exit {rc}; stderr: {err[-600:]!r}")
        elif rc == 0:
            c.check(os.path.exists(out), f"run {i} ({what}): exit 0 without output")
        else:
            # warnings about relocations may come first; the last line is the error
            c.check(lines and "warning" not in lines[-1] and
                    sum("warning" not in l for l in lines) == 1,
                    f"run {i} ({what}): not one error line: {err[:600]!r}")
            c.check(not os.listdir(out_dir), f"run {i} ({what}): failed run left "
                    f"{os.listdir(out_dir)}")
        for f in os.listdir(out_dir):
            os.unlink(os.path.join(out_dir, f))


def fuzz_runs(name, data_dir, work, rnd):
    """Mutated inputs for the fuzz cases: (input, objects, description) each."""
    import random  # noqa: F401  (rnd is a random.Random)
    obj = os.path.join(data_dir, OBJECTS[0])
    raw = raw_kernel(data_dir)
    kpath = write(os.path.join(work, "kernel.btf"), raw)
    base = Elf(read(obj))
    if name in ("fuzz_ext", "fuzz_btf"):
        sec = base.sec(".BTF.ext" if name == "fuzz_ext" else ".BTF")
        for i in range(120):
            elf = Elf(bytes(base.data))
            what = []
            for _ in range(rnd.randint(1, 4)):
                # aligned 32-bit words hit lengths, offsets, ids; single bytes hit the rest
                if rnd.random() < 0.7:
                    off = sec["off"] + rnd.randrange(0, sec["size"] // 4) * 4
                    val = rnd.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, rnd.getrandbits(32),
                                      rnd.getrandbits(8),
                                      (struct.unpack_from("<I", elf.data, off)[0] + 1) & 0xFFFFFFFF])
                    struct.pack_into("<I", elf.data, off, val)
                    what.append(f"u32@{off - sec['off']}={val:#x}")
                else:
                    off = sec["off"] + rnd.randrange(0, sec["size"])
                    elf.data[off] = rnd.getrandbits(8)
                    what.append(f"u8@{off - sec['off']}")
            bad = write(os.path.join(work, f"m{i}.bpf.o"), elf.data)
            yield kpath, [bad], ",".join(what)
    else:
        # damage the kernel types the object's relocations reach: members, targets, sizes
        types = btf_types(raw)
        wanted = {"task_struct", "trace_event_raw_sys_enter", "trace_event_raw_sys_exit",
                  "pid_t", "__kernel_pid_t", "cred", "kuid_t"}
        hot = [t for t in types if t[4] in wanted]
        for i in range(60):
            data = bytearray(raw)
            tid, p, kind, vlen, tname = rnd.choice(hot)
            if kind in (4, 5) and vlen and rnd.random() < 0.8:
                m = p + 12 + 12 * rnd.randrange(vlen)
                field = rnd.choice([4, 8, 0])  # type, offset, name
                val = rnd.choice([0, len(types) + 5, 0x7FFFFFFF, 0xFFFFFFFF, tid,
                                  rnd.getrandbits(32)])
                struct.pack_into("<I", data, m + field, val)
                what = f"{tname} member field {field} = {val:#x}"
            else:
                field = rnd.choice([8, 0])  # size/type, name
                val = rnd.choice([0, tid, len(types) + 1, 0xFFFFFFFF, rnd.getrandbits(32)])
                struct.pack_into("<I", data, p + field, val)
                what = f"{tname} field {field} = {val:#x}"
            bad = write(os.path.join(work, f"k{i}.btf"), data)
            yield bad, [obj], what


# What each case gives the tool, for the README's bad-input table (--table).
GIVEN = {
    "ext_bad_magic": "object: .BTF.ext magic wrong",
    "ext_beyond_eof": "object: .BTF.ext section runs past the end of the file",
    "ext_core_relo_len_oob": ".BTF.ext: CO-RE records length past the section",
    "ext_core_relo_off_oob": ".BTF.ext: CO-RE records offset past the section",
    "ext_core_relo_off_wrap": ".BTF.ext: CO-RE records offset that wraps around",
    "ext_hdr_len_huge": ".BTF.ext: header length 0x7ffffff0",
    "ext_hdr_len_small": ".BTF.ext: header length 8",
    "ext_num_info_overflow": ".BTF.ext: record count 0x10000001",
    "ext_num_info_zero": ".BTF.ext: record count 0",
    "ext_rec_size_huge": ".BTF.ext: CO-RE record size 2^31",
    "ext_rec_size_small": ".BTF.ext: CO-RE record size 8",
    "ext_rec_size_unaligned": ".BTF.ext: CO-RE record size 18",
    "ext_sec_name_oob": ".BTF.ext: section name offset past the strings",
    "ext_truncated_header": "object: .BTF.ext cut inside its header",
    "ext_truncated_relo": "object: .BTF.ext cut inside the CO-RE records",
    "obj_btf_bad_magic": "object: .BTF magic wrong",
    "obj_btf_truncated": "object: .BTF cut short",
    "obj_no_btf": "object without .BTF",
    "relo_access_str_oob": "CO-RE record: access string offset past the strings",
    "relo_type_id_oob": "CO-RE record: type id 0xffffff",
    "relo_access_empty_index": "CO-RE record: access string \"0::1\"",
    "relo_access_garbage": "CO-RE record: access string \"0:x:1\"",
    "relo_access_huge": "CO-RE record: access index 2147483647",
    "relo_access_int_overflow": "CO-RE record: access index 99999999999",
    "relo_access_negative": "CO-RE record: access string \"0:-1\"",
    "relo_kind_huge": "CO-RE record: kind 0xffffffff",
    "relo_kind_unknown": "CO-RE record: kind 13",
    "relo_type_id_void": "CO-RE record: type id 0 (void)",
    "obj_missing": "object that does not exist",
    "obj_directory": "object that is a directory",
    "obj_empty": "empty object file",
    "obj_text": "object that is a text file",
    "obj_host_elf": "object that is a host ELF (/bin/true)",
    "obj_truncated": "object cut at 60%",
    "obj_fifo": "object that is a FIFO",
    "kern_missing": "kernel BTF that does not exist",
    "kern_directory": "kernel BTF that is a directory",
    "kern_empty": "empty kernel BTF file",
    "kern_text": "kernel BTF that is a text file",
    "kern_raw_truncated": "raw kernel BTF cut in half",
    "kern_raw_bad_magic": "raw kernel BTF with a wrong magic",
    "kern_raw_str_oob": "raw kernel BTF, string section past the end",
    "kern_tar_truncated": "BTFHub .tar.xz cut in half",
    "kern_tar_corrupt": "BTFHub .tar.xz with 64 bytes flipped",
    "kern_tar_garbage_member": ".tar.xz whose .btf member is not BTF",
    "kern_tar_empty": ".tar.xz without members",
    "kern_xz_not_tar": ".xz that holds no tar",
    "kern_tar_damaged_header": "tar whose second header checksum is wrong",
    "kern_fifo": "kernel BTF that is a FIFO",
    "out_dir_missing": "OUTPUT in a folder that does not exist",
    "out_is_directory": "OUTPUT that is a directory",
    "keep_existing_output": "a bad object, OUTPUT already there",
    "happy_tar": "good BTFHub .tar.xz and object",
    "happy_raw": "good raw kernel BTF",
    "happy_replace_output": "good inputs, OUTPUT already there",
    "happy_no_ext": "object without .BTF.ext",
    "bundle_control_chars": "bundle whose release holds ESC sequences, BEL and a newline "
                            "(ls, info, lookup, extract)",
    "bundle_fifo": "bundle that is a FIFO (ls)",
    "bundle_json_amplification": "4.7 KB zstd bundle, index.json 48 MiB of [0,0,...] (ls)",
    "bundle_bomb_undeclared": "60 KB zstd bundle, 640 MiB without a declared size (info)",
    "bundle_not_a_bundle": "tar whose first member's name holds escapes (lookup)",
    "run_release_too_long": "run: a kernel whose release (135 chars) cannot be a tar name",
}
# What stays on disk when it is not just the listing of the output folder.
LEFT = {
    "keep_existing_output": "OUTPUT as it was",
    "out_is_directory": "the directory, unchanged",
    "happy_replace_output": "OUTPUT replaced (temp file + rename)",
    "run_release_too_long": "the bundle: the good kernel ok, this one `failed` with the reason",
}


def table_row(name, c, out_dir, work, data_dir):
    """GIVEN | what the user sees | exit code | left on disk, from the case's first command."""
    _, rc, out, err = RUNS[0] if RUNS else (None, None, b"", b"")
    text = err.decode(errors="replace").strip() or out.decode(errors="replace").strip()
    seen = text.splitlines()[-1 if not err.strip() else 0] if text else ""
    for path, short in ((work, "<tmp>"), (os.path.abspath(data_dir), "test-data")):
        seen = seen.replace(path, short)
    left = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
    left = LEFT.get(name) or (", ".join(left) if left else "nothing")
    cell = lambda t: t.replace("|", "\\|")
    seen = f"`{cell(seen)}`" if seen else "(nothing)"
    return f"| {cell(GIVEN.get(name, name))} | {seen} | {rc} | {cell(left)} |"


def run_case(name, binary, data_dir, rows=None):
    c = Checker(name)
    work = tempfile.mkdtemp(prefix="btfgen-badinput.")
    RUNS.clear()
    try:
        out_dir = os.path.join(work, "out")
        os.mkdir(out_dir)
        out = os.path.join(out_dir, "out.btf")
        tar_path = os.path.join(data_dir, KERNEL_TAR)
        objs = [os.path.join(data_dir, o) for o in OBJECTS]
        if name in BAD_CASES:
            case = make_case(name, data_dir, work)
            rc, _, err = run(binary, case.inp, out, case.objs)
            if case.rc == "either" and rc == 2:
                case.rc = 2
            if case.rc in ("reported", "either"):
                check_reported(c, rc, err, case.bad, out, out_dir)
            else:
                check_error(c, rc, err, case.rc, case.bad, case.words, out_dir)
        elif name in BUNDLE_CASES:
            run_bundle_case(c, name, binary, data_dir, work, out_dir)
        elif name in FUZZ_CASES:
            import random
            seed = int(os.environ.get("BADINPUT_SEED", "1"))
            rnd = random.Random(f"{name}:{seed}")
            fuzz(c, binary, work, out_dir, fuzz_runs(name, data_dir, work, rnd),
                 tar_path, objs, seed)
        elif name == "out_dir_missing":
            out = os.path.join(work, "no-such-dir", "out.btf")
            rc, _, err = run(binary, tar_path, out, objs)
            check_error(c, rc, err, 3, out, ["no such file", "directory", "exist"], out_dir)
            c.check(not os.path.exists(os.path.dirname(out)), "output directory was created")
        elif name == "out_is_directory":
            os.mkdir(out)
            rc, _, err = run(binary, tar_path, out, objs)
            check_error(c, rc, err, 3, out, ["directory", "rename", "exist"],
                        out_dir, left_ok=["out.btf"])
            c.check(os.path.isdir(out) and not os.listdir(out), "output directory was changed")
        elif name == "keep_existing_output":
            # a failing run leaves an existing OUTPUT as it was
            write(out, b"keep me")
            bad = write(os.path.join(work, "text.bpf.o"), b"not an object\n" * 8)
            rc, _, err = run(binary, tar_path, out, [objs[0], bad])
            check_error(c, rc, err, 2, bad, ["elf", "object", "format"], out_dir,
                        keep=(out, b"keep me"))
        elif name == "happy_tar":
            rc, _, err = run(binary, tar_path, out, objs[:1])
            check_output(c, rc, err, out, out_dir)
        elif name == "happy_raw":
            raw = write(os.path.join(work, "5.10.0-30-amd64.btf"), raw_kernel(data_dir))
            rc, _, err = run(binary, raw, out, objs)
            check_output(c, rc, err, out, out_dir)
        elif name == "happy_no_ext":
            # an object without .BTF.ext (maps only, or no CO-RE) needs nothing: bpftool fails
            # on it, we write an empty BTF (header and one NUL)
            elf = Elf(read(objs[0]))
            elf.set_name_off(".BTF.ext", 0)
            obj = write(os.path.join(work, "noext.bpf.o"), elf.data)
            rc, _, err = run(binary, tar_path, out, [obj])
            c.check(rc == 0, f"exit {rc}, want 0; stderr: {err[:500]!r}")
            c.check(os.path.exists(out) and len(read(out)) == 25,
                    f"output is not the 25-byte empty BTF")
        elif name == "happy_replace_output":
            write(out, b"old contents")
            rc, _, err = run(binary, tar_path, out, objs)
            check_output(c, rc, err, out, out_dir)
        else:
            c.fail("unknown case")
        if rows is not None:
            rows.append(table_row(name, c, out_dir, work, data_dir))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'ok  ' if not c.failures else 'FAIL'} {name}")
    return c.failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--data")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--table", metavar="README",
                    help="run every case but the random ones and write their table into "
                         "README between the badinput-table markers")
    ap.add_argument("--check", action="store_true",
                    help="with --table: fail if README's table differs, change nothing")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    if args.table:
        return table(args)
    if args.list:
        print(";".join(BAD_CASES + OTHER_CASES + BUNDLE_CASES))
        return 0
    cases = args.cases or BAD_CASES + OTHER_CASES + BUNDLE_CASES
    failures = sum(run_case(n, args.bin, args.data) for n in cases)
    return 1 if failures else 0


TABLE_BEGIN = "<!-- badinput-table: generated by tests/badinput/badinput.py --table; do not edit -->"
TABLE_END = "<!-- badinput-table end -->"


def table(args):
    rows = []
    names = [n for n in BAD_CASES + OTHER_CASES + BUNDLE_CASES if n not in FUZZ_CASES]
    failures = sum(run_case(n, args.bin, args.data, rows) for n in names)
    if failures:
        print(f"badinput --table: {failures} failure(s): the table would lie", file=sys.stderr)
        return 1
    body = "\n".join([TABLE_BEGIN,
                      "| We were given | The user sees (first line) | Exit | Left on disk |",
                      "|---|---|---|---|"] + rows + [TABLE_END])
    with open(args.table) as f:
        readme = f.read()
    if TABLE_BEGIN not in readme or TABLE_END not in readme:
        print(f"{args.table}: no badinput-table markers", file=sys.stderr)
        return 1
    a = readme.index(TABLE_BEGIN)
    b = readme.index(TABLE_END) + len(TABLE_END)
    new = readme[:a] + body + readme[b:]
    if args.check:
        if new != readme:
            import difflib
            sys.stdout.writelines(difflib.unified_diff(
                readme[a:b].splitlines(True), body.splitlines(True), "README (now)",
                "README (from the tests)"))
            print(f"\n{args.table}: the bad-input table is out of date: run "
                  "scripts/badinput-table.sh", file=sys.stderr)
            return 1
        print(f"{args.table}: the bad-input table matches the tests ({len(rows)} rows)")
        return 0
    with open(args.table, "w") as f:
        f.write(new)
    print(f"{args.table}: bad-input table written ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
