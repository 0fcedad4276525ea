#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Runs examples/ci/github-actions.yml's own steps locally, as the runner would: every `run:`
# step of the matrix job once per matrix value (matrix variables substituted), its uploaded
# artifact handed to the merge job's download, then the merge job. Steps whose id starts
# with "gh-" (install, network, tokens) and `uses:` actions other than the artifact ones are
# the runner's; this test builds the binary and brings the archive itself.
# Checks: the merged bundle is the bytes of a single run; against a previous bundle equal to
# it the workflow passes; against a previous bundle on which bindsnoop's probe_exit worked
# (the archive's debian/12/x86_64/6.1.0-47-amd64 now holds 6.12.43's BTF) the diff step
# fails the workflow, with diff.json naming the regression.
# usage: ci_workflow.py BTFGEN_BATCH WORKFLOW.yml TEST_DATA
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit('FAIL: python3-yaml is missing (scripts/setup.sh installs it)')

FAILS = []
EXPR = re.compile(r'\$\{\{\s*([^}]*?)\s*\}\}')


def fail(msg):
    print(f'FAIL: {msg}')
    FAILS.append(msg)


def substitute(text, values):
    def one(m):
        if m.group(1) not in values:
            raise KeyError(m.group(1))
        return str(values[m.group(1)])
    return EXPR.sub(one, text)


def run_job(job, ws, values, env, artifacts, log):
    """Runs the job's steps in ws as the runner would; returns (failed step name, rc)."""
    os.makedirs(ws, exist_ok=True)
    failed = None
    for step in job['steps']:
        name = substitute(step.get('name', step.get('uses', step.get('id', '?'))), values)
        cond = str(step.get('if', ''))
        if step.get('id', '').startswith('gh-'):
            log.append(f'skip (runner) {name}')
            continue
        if failed and cond != 'always()':
            log.append(f'not run (an earlier step failed) {name}')
            continue
        if cond not in ('', 'always()'):
            raise SystemExit(f'FAIL: step {name}: condition {cond!r} this test cannot evaluate')
        uses = step.get('uses', '')
        if uses.startswith('actions/checkout'):
            continue
        with_ = {k: substitute(str(v), values) for k, v in step.get('with', {}).items()}
        if uses.startswith('actions/upload-artifact'):
            dest = os.path.join(artifacts, with_['name'])
            os.makedirs(dest, exist_ok=True)
            found = [p for p in with_['path'].split() if os.path.exists(os.path.join(ws, p))]
            for p in found:
                shutil.copy(os.path.join(ws, p), dest)
            if not found and with_.get('if-no-files-found') == 'error':
                fail(f'{name}: no {with_["path"]} to upload')
            continue
        if uses.startswith('actions/download-artifact'):
            pat = re.compile('^' + re.escape(with_['pattern']).replace(r'\*', '.*') + '$')
            dest = os.path.join(ws, with_['path'])
            os.makedirs(dest, exist_ok=True)
            for a in sorted(os.listdir(artifacts)):
                if pat.match(a):
                    for f in os.listdir(os.path.join(artifacts, a)):
                        shutil.copy(os.path.join(artifacts, a, f), dest)
            continue
        if uses:
            raise SystemExit(f'FAIL: step {name}: action {uses} this test does not know')
        script = substitute(step['run'], values)
        if name == 'Report' and not has_report(env['BTFGEN']):
            # the report command comes with the verdicts work; until it is in this build
            log.append(f'SKIP {name}: this build has no report command')
            continue
        step_env = dict(env)
        step_env.update({k: substitute(str(v), values) for k, v in step.get('env', {}).items()})
        r = subprocess.run(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
                           cwd=ws, env=step_env, capture_output=True, text=True, timeout=900)
        log.append(f'run {name}: exit {r.returncode}')
        if r.returncode:
            log.append(r.stdout[-2000:] + r.stderr[-2000:])
            failed = (name, r.returncode)
    return failed


def has_report(binary):
    return subprocess.run([binary, 'report', '--help'], capture_output=True).returncode == 0


def setup(tmp, data):
    """The workflow's archive (one kernel swapped for a newer BTF) and its manifest."""
    arch = os.path.join(tmp, 'btfhub-archive')
    shutil.copytree(os.path.join(data, 'btfhub'), arch)
    x86 = os.path.join(arch, 'debian', '12', 'x86_64')
    shutil.copy(os.path.join(x86, '6.12.43+deb12-amd64.btf.tar.xz'),
                os.path.join(x86, '6.1.0-47-amd64.btf.tar.xz'))
    objs = [os.path.join(data, 'objects', 'libbpf-tools', f'{o}.bpf.o')
            for o in ('bindsnoop', 'execsnoop', 'biolatency', 'opensnoop')]
    manifests = {}
    for label, archive in (('new', arch), ('previous', os.path.join(data, 'btfhub'))):
        m = os.path.join(tmp, label, 'manifest.json')
        os.makedirs(os.path.dirname(m))
        with open(m, 'w') as f:
            json.dump({'version': 1, 'archive': archive, 'objects': {'x86_64': objs},
                       'output': 'bundle.tar.zst'}, f)
        manifests[label] = m
    return manifests


def single_run(binary, manifest, out):
    r = subprocess.run([binary, 'run', '--no-progress', '-o', out, manifest],
                       capture_output=True, text=True, timeout=900)
    if r.returncode:
        raise SystemExit(f'FAIL: single run of {manifest}: exit {r.returncode}: {r.stderr}')


def main():
    binary, workflow, data = (os.path.abspath(a) for a in sys.argv[1:4])
    wf = yaml.safe_load(open(workflow))
    on = wf.get('on', wf.get(True))  # YAML 1.1 reads the key `on` as true
    for trigger in ('push', 'schedule'):
        if trigger not in on:
            fail(f'the workflow does not run on {trigger}')
    jobs = wf['jobs']
    shard_job = next(j for j in jobs.values() if 'matrix' in j.get('strategy', {}))
    merge_name, merge_job = next((n, j) for n, j in jobs.items() if j.get('needs'))
    shards = shard_job['strategy']['matrix']['shard']
    if len(shards) < 2:
        fail(f'the matrix has {len(shards)} shard(s)')

    tmp = tempfile.mkdtemp(prefix='btfgen-ci.')
    try:
        manifests = setup(tmp, data)
        env = dict(os.environ)
        env.update({k: str(v) for k, v in wf.get('env', {}).items()})
        env.update({'BTFGEN': binary, 'MANIFEST': manifests['new']})
        env.pop('GITHUB_STEP_SUMMARY', None)
        artifacts = os.path.join(tmp, 'artifacts')
        log = []
        for k in shards:
            values = {'matrix.shard': k, 'strategy.job-total': len(shards)}
            failed = run_job(shard_job, os.path.join(tmp, f'shard-{k}'), values, env,
                             artifacts, log)
            if failed:
                fail(f'shard {k}: step {failed[0]} exited {failed[1]}')
        single = {label: os.path.join(tmp, f'single-{label}.tar.zst') for label in manifests}
        for label, out in single.items():
            single_run(binary, manifests[label], out)

        # A: the previous bundle is this run's: the workflow passes
        ws = os.path.join(tmp, 'merge-a')
        os.makedirs(ws)
        shutil.copy(single['new'], os.path.join(ws, 'previous.tar.zst'))
        failed = run_job(merge_job, ws, {}, env, artifacts, log)
        if failed:
            fail(f'{merge_name} (same previous bundle): step {failed[0]} exited {failed[1]}')
        merged = os.path.join(ws, 'bundle.tar.zst')
        if not os.path.exists(merged):
            fail('the merge job wrote no bundle.tar.zst')
        elif open(merged, 'rb').read() != open(single['new'], 'rb').read():
            fail(f'the merged bundle of {len(shards)} shards differs from a single run')
        else:
            print(f'ok: {len(shards)} shards merged by the workflow = a single run\'s bytes '
                  f'({os.path.getsize(merged)} bytes)')
        if has_report(binary) and not os.path.exists(os.path.join(ws, 'report.html')):
            fail('the Report step wrote no report.html')
        d = json.load(open(os.path.join(ws, 'diff.json')))
        if d.get('regressed') is not False:
            fail(f'diff against the same bundle: regressed={d.get("regressed")}')
        # the runtime form uploaded next to it: lookup gives the merged bundle's BTF from it
        rt = os.path.join(ws, 'bundle.runtime')
        rt_ok = os.path.exists(rt) and all(
            subprocess.run([binary, 'lookup', f, '--distro', 'debian', '--version', '12',
                            '--arch', 'x86_64', '--release', '6.1.0-47-amd64', '-o', f + '.btf'],
                           capture_output=True).returncode == 0 for f in (merged, rt))
        if not rt_ok or open(merged + '.btf', 'rb').read() != open(rt + '.btf', 'rb').read():
            fail('the runtime step wrote no bundle.runtime, or its lookup differs')
        elif os.path.getsize(rt) >= os.path.getsize(merged):
            fail(f'bundle.runtime ({os.path.getsize(rt)} B) is not smaller than the full form')
        else:
            print(f'ok: the runtime form ({os.path.getsize(rt)} bytes, full form '
                  f'{os.path.getsize(merged)}) gives the same BTF')
        uploaded = os.listdir(os.path.join(tmp, 'artifacts', 'btf-bundle'))
        want = {'bundle.tar.zst', 'bundle.runtime', 'diff.json'} | (
            {'report.html'} if has_report(binary) else set())
        if not want <= set(uploaded):
            fail(f'uploaded: {uploaded}')

        # B: the previous bundle had 6.1's BTF for the kernel: the compare step fails
        ws = os.path.join(tmp, 'merge-b')
        os.makedirs(ws)
        shutil.copy(single['previous'], os.path.join(ws, 'previous.tar.zst'))
        shutil.copytree(artifacts, os.path.join(tmp, 'artifacts-b'),
                        ignore=shutil.ignore_patterns('btf-bundle'))
        failed = run_job(merge_job, ws, {}, env, os.path.join(tmp, 'artifacts-b'), log)
        if not failed or failed[1] != 1 or not failed[0].startswith('Compare'):
            fail(f'a regressed bundle: the workflow failed at {failed}, want the compare '
                 'step with exit 1')
        d = json.load(open(os.path.join(ws, 'diff.json')))
        reg = [p for p in d.get('programs_changed', []) if p.get('regression')]
        if not d.get('regressed') or not reg or any(
                p['kernel'] != 'debian/12/x86_64/6.1.0-47-amd64' or
                not p['object'].endswith('bindsnoop.bpf.o') for p in reg):
            fail(f'diff.json of the regressed bundle: {json.dumps(reg)[:500]}')
        else:
            print(f'ok: the workflow fails on the regression: '
                  f'{", ".join(p["program"] for p in reg)} on {reg[0]["kernel"]}')
        if not os.path.exists(os.path.join(tmp, 'artifacts-b', 'btf-bundle', 'diff.json')):
            fail('a failed comparison uploaded no diff.json (if: always())')
        print('\n'.join(log))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if FAILS else 0)


if __name__ == '__main__':
    main()
