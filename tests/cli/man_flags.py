#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Every flag a command's --help lists is in the man page's section for that command, and
# every flag that section lists is in --help: the two cannot drift apart.
# usage: man_flags.py BTFGEN_BATCH MANPAGE COMMAND...
import re
import subprocess
import sys

FLAG = re.compile(r'(?<![\w-])(--?[A-Za-z][\w-]*)')


PAIRS = {}  # short flag -> {long flag: [commands]} over every command's --help


def help_flags(binary, cmd):
    out = subprocess.run([binary, cmd, '--help'], capture_output=True, text=True,
                         timeout=30)
    if out.returncode != 0:
        raise SystemExit(f'FAIL: {cmd} --help exited {out.returncode}')
    flags = set()
    for line in out.stdout.splitlines():
        # option lines: indented, starting with a flag; the flags and their ARGUMENTs
        # (upper case) come first, the description after ("  -o, --output FILE  write")
        if not re.match(r'^\s+-', line):
            continue
        line_flags = []
        for tok in line.split():
            tok = tok.rstrip(',')
            if tok.startswith('-'):
                line_flags += FLAG.findall(tok)
            elif not re.fullmatch(r'[A-Z][A-Z0-9_/.|]*', tok):
                break
        flags.update(line_flags)
        shorts = [f for f in line_flags if not f.startswith('--')]
        longs = [f for f in line_flags if f.startswith('--')]
        for short in shorts:
            PAIRS.setdefault(short, {}).setdefault(' '.join(longs), []).append(cmd)
    return flags


def man_sections(path):
    sections, name, tp = {}, None, False
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('.SH') or line.startswith('.SS'):
            name = line.split(None, 1)[1].strip() if line.startswith('.SS') else None
            if name:
                sections[name] = set()
            tp = False
            continue
        if line.startswith('.TP'):
            tp = True
            continue
        if tp and name:
            # the tag line of an option: roff escapes and font changes removed
            text = re.sub(r'\\f[BIRP]', '', line.replace('\\-', '-'))
            sections[name].update(FLAG.findall(text))
        tp = False
    return sections


def main():
    binary, manpage, cmds = sys.argv[1], sys.argv[2], sys.argv[3:]
    sections = man_sections(manpage)
    fails = 0
    for cmd in cmds:
        if cmd not in sections:
            print(f'FAIL: the man page has no section ".SS {cmd}"')
            fails += 1
            continue
        h, m = help_flags(binary, cmd), sections[cmd]
        if not h:
            print(f'FAIL: {cmd} --help lists no option')
            fails += 1
        for f in sorted(h - m):
            print(f'FAIL: {cmd} --help has {f}, its man page section does not')
            fails += 1
        for f in sorted(m - h):
            print(f'FAIL: the man page section of {cmd} has {f}, {cmd} --help does not')
            fails += 1
        if h == m:
            print(f'ok: {cmd}: {" ".join(sorted(h))}')
    # one meaning per flag across commands, bpftool's -j and -p in every one
    for short, longs in sorted(PAIRS.items()):
        if len(longs) > 1:
            print(f'FAIL: {short} means different things: {longs}')
            fails += 1
    for short, long in (('-j', '--json'), ('-p', '--pretty')):
        have = set(PAIRS.get(short, {}).get(long, []))
        for cmd in cmds:
            if cmd not in have:
                print(f'FAIL: {cmd} has no {short}, {long}')
                fails += 1
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
