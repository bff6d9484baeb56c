import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPatchSeries } from '../../src/cli/commands/patch.js';
import { ROOT } from '../helpers/tools.js';

const APPS = join(ROOT, 'fixtures', 'rule-apps');
const work = mkdtempSync(join(tmpdir(), 'ukport-patches-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(cwd: string, cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A fresh copy of a fixture app in its own temp directory. */
function freshCopy(app: string, tag: string): string {
  const dir = join(work, `${app}-${tag}`);
  cpSync(join(APPS, app), dir, { recursive: true });
  return dir;
}

/** Applies the series in order, each checked first with `git apply --check`. */
function applySeries(dir: string, series: Map<string, string>): void {
  for (const [name, text] of series) {
    const file = join(work, `${dir.split('/').pop()}-${name}`);
    writeFileSync(file, text);
    // the explanation cites the site as the patch finds it: that line is one the patch removes
    const [, cited, line] = /\sat\s+([\w./-]+):(\d+)/.exec(text)!;
    const current = readFileSync(join(dir, cited!), 'utf8').split('\n')[Number(line) - 1];
    expect({ name, removes: text.split('\n').includes(`-${current}`) }).toEqual({ name, removes: true });
    const check = sh(dir, 'git', ['apply', '--check', file]);
    expect({ name, ...check }).toEqual({ name, status: 0, out: '' });
    expect(sh(dir, 'git', ['apply', file]).status).toBe(0);
  }
}

function compiles(dir: string, flags: string[]): { status: number | null; out: string } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.c'));
  return sh(dir, 'gcc', ['-fsyntax-only', '-Wall', ...flags, ...files]);
}

const subjects = (series: Map<string, string>): string[] => [...series.values()].map((t) => /^Subject: (.*)$/m.exec(t)![1]!);

/** The release the series are made for: v0.18.0, the last without multiprocess support, where exec calls get guards
 *  too (from v0.19.0 only fork() does; rule multiprocess-support). */
const RELEASE = 'v0.18.0';

/** The fixture apps, the libc to port to, and the patches their evidence calls for (written by hand from the sources). */
const CASES = [
  {
    app: 'broker', libc: 'musl' as const,
    subjects: [
      '[PATCH 1/4] Let MQTTD_CONF_PATH override /etc/mqttd/mqttd.conf in broker.c',
      '[PATCH 2/4] Guard fork() in broker.c for Unikraft',
      '[PATCH 3/4] Guard execvp() in broker.c for Unikraft',
      // b.bridge is used with send()/recv(): a real socket pair, left alone
      '[PATCH 4/4] Use a pipe instead of socketpair() for b.wake in broker.c',
    ],
  },
  {
    app: 'keyserver-tls', libc: 'musl' as const,
    subjects: [
      '[PATCH 1/3] Let KEYSERVER_CONF_PATH override /etc/keyserver/keyserver.conf in keyserver.c',
      '[PATCH 2/3] Guard fork() in keyserver.c for Unikraft',
      '[PATCH 3/3] Guard execl() in keyserver.c for Unikraft',
    ],
  },
  {
    app: 'sysmon-linux', libc: 'newlib' as const,
    subjects: [
      '[PATCH 1/3] Make <linux/limits.h> optional in sysmon.c for newlib',
      '[PATCH 2/3] Make <sys/inotify.h> optional in sysmon.c for newlib',
      // <sys/sysinfo.h> is not patched: `struct sysinfo` is used outside a call
      '[PATCH 3/3] Make <sys/prctl.h> optional in sysmon.c for newlib',
    ],
  },
];

describe.each(CASES)('patch series for $app ($libc)', ({ app, libc, subjects: expected }) => {
  test('the series is the expected one, applies in order and compiles with and without __Unikraft__', async () => {
    const { series } = await buildPatchSeries([join(APPS, app)], { libc, release: RELEASE });
    expect(subjects(series)).toEqual(expected);
    for (const [name, text] of series) {
      expect(name).toMatch(/^\d{4}-[a-z0-9-]+\.patch$/);
      expect(text).toMatch(/^From 0{40} Mon Sep 17 00:00:00 2001\nFrom: .*\nDate: .*\nSubject: \[PATCH \d+\/\d+\] /);
      expect(text).toMatch(/\nRule: [a-z0-9-]+ \(see `ukport explain [a-z0-9-]+`\)\n/);
    }
    const dir = freshCopy(app, 'apply');
    applySeries(dir, series);
    expect(compiles(dir, [])).toEqual({ status: 0, out: '' });
    expect(compiles(dir, ['-D__Unikraft__'])).toEqual({ status: 0, out: '' });
  });

  test('applying twice is refused and a second run finds nothing left to patch', async () => {
    const { series } = await buildPatchSeries([join(APPS, app)], { libc, release: RELEASE });
    const dir = freshCopy(app, 'twice');
    applySeries(dir, series);
    for (const [name, text] of series) {
      const file = join(work, `again-${app}-${name}`);
      writeFileSync(file, text);
      const again = sh(dir, 'git', ['apply', '--check', file]);
      expect(again.status).not.toBe(0);
      expect(again.out).toMatch(/patch does not apply|already exists/);
    }
    const before = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    expect((await buildPatchSeries([dir], { libc })).series.size).toBe(0);
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(before);
  });
});

test('git am accepts the series as commits', async () => {
  const { series } = await buildPatchSeries([join(APPS, 'broker')], { libc: 'musl' });
  const dir = freshCopy('broker', 'am');
  const git = (...args: string[]) => sh(dir, 'git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args]);
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'import');
  const files = [...series].map(([name, text]) => { const f = join(work, `am-${name}`); writeFileSync(f, text); return f; });
  expect(git('am', '-q', ...files).status).toBe(0);
  expect(git('log', '--format=%s').out.trim().split('\n')).toEqual([...subjects(series).map((s) => s.replace(/^\[PATCH \d+\/\d+\] /, '')).reverse(), 'import']);
});

const NEWLIB = '/usr/include/newlib';
// oracle: Debian's newlib headers (libnewlib-dev); the patches fix every include they can
(existsSync(NEWLIB) ? test : test.skip)('against real newlib headers only the unpatchable <sys/sysinfo.h> still fails', async () => {
  const gccInclude = sh(ROOT, 'gcc', ['-print-file-name=include']).out.trim();
  const newlib = (dir: string) => sh(dir, 'gcc', ['-fsyntax-only', '-nostdinc', '-isystem', gccInclude, '-isystem', NEWLIB, '-D__Unikraft__', 'sysmon.c']);
  const original = freshCopy('sysmon-linux', 'newlib-before');
  expect(newlib(original).out).toMatch(/fatal error: linux\/limits\.h: No such file/);
  const dir = freshCopy('sysmon-linux', 'newlib-after');
  applySeries(dir, (await buildPatchSeries([join(APPS, 'sysmon-linux')], { libc: 'newlib' })).series);
  const after = newlib(dir);
  expect(after.out).toMatch(/fatal error: sys\/sysinfo\.h: No such file/);
  expect(after.out).not.toMatch(/prctl|inotify|linux\/limits/);
});

// every C fixture of the project, not only ours: whatever series is generated must apply and keep compiling
const OTHERS = ['c-projects', 'plan-apps'].flatMap((area) => {
  const base = join(ROOT, 'fixtures', area);
  if (!existsSync(base)) return [];
  const dirs = readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(base, e.name));
  return readdirSync(base).some((f) => f.endsWith('.c')) ? [base, ...dirs] : dirs;
}).flatMap((dir) => (['musl', 'newlib'] as const).map((libc) => ({ dir, libc, name: `${dir.slice(ROOT.length + 1)} (${libc})` })));

test.each(OTHERS)('$name: any generated series applies and compiles as before', async ({ dir, libc }) => {
  const { series } = await buildPatchSeries([dir], { libc });
  const copy = join(work, `other-${dir.split('/').slice(-2).join('-')}-${libc}`);
  cpSync(dir, copy, { recursive: true });
  const flags = (extra: string[]) => ['-fsyntax-only', '-Iinclude', ...extra, ...readdirSync(copy).filter((f) => f.endsWith('.c'))];
  const before = [sh(copy, 'gcc', flags([])).status, sh(copy, 'gcc', flags(['-D__Unikraft__'])).status];
  applySeries(copy, series);
  expect([sh(copy, 'gcc', flags([])).status, sh(copy, 'gcc', flags(['-D__Unikraft__'])).status]).toEqual(before);
});
