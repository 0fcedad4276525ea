#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A full bundle the size of a whole BTFHub's (4,000 kernels: 104 MiB decompressed, ~3.8 M JSON
# values in matrix.json) is past the runtime library's default limits, which are for
# applications; the tool reads back its own bundles with larger bounds (batch__bundle_opts):
# ls, strip and info work on one, and a bundle past those bounds is still refused, cheaply.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# big_bundle OUT RECORDS: one failed kernel with RECORDS unsatisfied relocations in matrix.json
big_bundle() {
	python3 - "$work/b" "$2" <<'PY'
import io, json, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
key = {'distro': 'debian', 'version': '12', 'arch': 'x86_64', 'release': '6.1.0-1-amd64'}
index = dict(format='btfgen-bundle', format_version=1,
             generator=dict(name='btfgen-batch', version='0', libbpf='1.1', libarchive='',
                            zstd='', jansson=''),
             summary=dict(kernels=1, ok=0, failed=1, skipped=0, blobs=0, objects=0,
                          unsatisfied=n, failing_kernels=0),
             objects=[], kernels=[dict(key, status='failed', reason='synthetic',
                                       input_size=0, input_sha256='', full_btf_size=0,
                                       unsatisfied=n)])
rec = dict(object='o.bpf.o', program='p', relocation=0, kind='field_exists', type='t',
           access='0:1', reason='type t: no candidate has this access', insn=1,
           verdict='probe')
m = io.BytesIO()
m.write(b'{"kernels":[' + json.dumps(dict(key), separators=(',', ':'))[:-1].encode() +
        b',"unsatisfied":[')
r = json.dumps(rec, separators=(',', ':')).encode()
m.write(b','.join([r] * n))
m.write(b']}]}\n')
with tarfile.open(out + '.tar', 'w', format=tarfile.USTAR_FORMAT) as t:
    for name, data in (('index.json', json.dumps(index, separators=(',', ':')).encode()),
                       ('matrix.json', m.getvalue())):
        ti = tarfile.TarInfo(name)
        ti.size, ti.uname, ti.gname = len(data), 'root', 'root'
        t.addfile(ti, io.BytesIO(data))
PY
	zstd -q -3 -f "$work/b.tar" -o "$1" && rm -f "$work/b.tar"
}

# 450,000 records: 76 MB of matrix.json, 4.5 M JSON values (defaults: 64 MiB, 2^21 values)
big_bundle "$work/big.tar.zst" 450000
size=$(zstd -lv "$work/big.tar.zst" 2>/dev/null | awk '/Decompressed Size/ {gsub(/[(),]/, ""); print $(NF-1)}')
if [ "${size:-0}" -gt $((64 << 20)) ]; then
	ok "the synthetic bundle decompresses to $size bytes (> 64 MiB)"
else
	fail "synthetic bundle too small: '$size' bytes"
fi
for c in ls info; do
	if "$BTFGEN" "$c" "$work/big.tar.zst" >"$work/$c.out" 2>"$work/$c.err"; then
		ok "$c reads a BTFHub-sized full bundle"
	else
		fail "$c: $(cat "$work/$c.err")"
	fi
done
grep -q 'matrix.json and the stream checksums are intact' "$work/info.out" ||
	fail "info did not check matrix.json: $(head -c 300 "$work/info.out")"
if "$BTFGEN" strip "$work/big.tar.zst" "$work/big.rt" 2>"$work/strip.err" &&
	[ "$(stat -c %s "$work/big.rt")" -lt 2000 ]; then
	ok "strip of a BTFHub-sized full bundle: $(stat -c %s "$work/big.rt") bytes"
else
	fail "strip: $(cat "$work/strip.err")"
fi
# past the tool's bounds (512 MiB decompressed, declared in the frame): refused before the
# memory is allocated, with one line naming the limit
python3 - "$work/huge.tar" <<'PY'
import sys
size = 520 << 20
hdr = bytearray(512)
hdr[0:10] = b'index.json'
for off, val in ((100, b'0000644'), (108, b'0000000'), (116, b'0000000'),
                 (124, b'%011o' % size), (136, b'00000000000')):
    hdr[off:off + len(val)] = val
hdr[156:157] = b'0'
hdr[257:263] = b'ustar\0'
hdr[263:265] = b'00'
hdr[148:156] = b' ' * 8
hdr[148:155] = b'%06o\0' % sum(hdr)
with open(sys.argv[1], 'wb') as f:
    f.write(hdr)
    zero = bytes(1 << 20)
    for _ in range(size >> 20):
        f.write(zero)
    f.write(bytes(1024))
PY
zstd -q -1 -f --rm "$work/huge.tar" -o "$work/huge.tar.zst"
/usr/bin/time -o "$work/huge.time" -f '%M' "$BTFGEN" info "$work/huge.tar.zst" >/dev/null \
	2>"$work/huge.err"
rc=$?
if [ $rc = 3 ] && grep -q 'limit max_size' "$work/huge.err" && [ "$(wc -l <"$work/huge.err")" = 1 ] &&
	[ "$(tail -n 1 "$work/huge.time")" -lt $((100 << 10)) ]; then
	ok "a bundle past the tool's bounds is refused in $(tail -n 1 "$work/huge.time") KB: $(cat "$work/huge.err")"
else
	fail "huge bundle: rc $rc, $(tail -n 1 "$work/huge.time") KB: $(cat "$work/huge.err")"
fi
finish
