import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { collectProblems } from '../../src/match/problems.js';
import { ensureBuilt, runCli } from '../helpers/tools.js';

// /usr/bin/id looks users and groups up (getpwuid, getgrouplist): glibc loads the modules of the passwd and group
// lines of nsswitch.conf. Debian's libnss_systemd (scripts/apt-packages.txt) brings inotify, signalfd4 and pidfd
// syscalls to every such program; the findings must name that module and the line, not blame libc.so.6.
const ID = '/usr/bin/id';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ukport-nss-'));
  writeFileSync(join(dir, 'host.conf'), '# a host configuration\npasswd: files systemd\ngroup: files systemd\nhosts: files dns\n');
  writeFileSync(join(dir, 'image.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NSS modules in findings', () => {
  test('a syscall only an NSS module makes names the module and the nsswitch.conf line that loads it', async () => {
    const host = join(dir, 'host.conf');
    const r = await runPipeline({ paths: [ID], nsswitch: host, cacheDir: join(dir, 'cache'), plan: { release: 'v0.17.0' } });
    const inotify = r.findings.find((f) => f.ruleId === 'inotify-watches');
    expect(inotify?.message).toContain(`through the NSS module libnss_systemd.so.2 (service "systemd", loaded for ${host}:2 "passwd: files systemd")`);
    const pidfd = r.plan!.uncovered.find((u) => u.name === 'pidfd_send_signal');
    expect(pidfd?.reason).toContain(`needed only through the NSS module libnss_systemd.so.2 (service "systemd", loaded for ${host}:2 "passwd: files systemd"): the image's nsswitch.conf decides (--nsswitch FILE)`);
    // one problem per syscall, with the module's evidence
    const problems = collectProblems(r).filter((p) => p.subject === 'syscall:inotify_init1');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.evidence[0]!.chain?.some((c) => c.startsWith('(NSS service "systemd", libnss_systemd.so.2, '))).toBe(true);
  }, 300_000);

  test('--nsswitch with the image\'s file: the module is not loaded and its syscalls are not needs', async () => {
    const r = await runPipeline({ paths: [ID], nsswitch: join(dir, 'image.conf'), cacheDir: join(dir, 'cache'), plan: { release: 'v0.17.0' } });
    const names = new Set(r.facts.filter((f) => f.kind === 'syscall').map((f) => f.kind === 'syscall' ? f.name : ''));
    for (const s of ['inotify_init1', 'signalfd4', 'pidfd_send_signal']) expect([s, names.has(s)]).toEqual([s, false]);
    expect(r.findings.some((f) => f.message.includes('NSS module'))).toBe(false);
  }, 300_000);

  test('a missing --nsswitch file is an input error before anything is analysed', () => {
    ensureBuilt();
    const r = runCli(['scan', '--nsswitch', join(dir, 'absent.conf'), ID]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(`${join(dir, 'absent.conf')}: no such file`)]);
  });
});
