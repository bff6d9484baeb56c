import { afterAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fact, Finding } from '../../src/model/index.js';
import { loadPatches } from '../../src/data/patches.js';
import { emitPatchSet } from '../../src/emit/patchset.js';
import { patchCommand } from '../../src/cli/commands/patch.js';
import { UkportError } from '../../src/errors.js';
import { ROOT } from '../helpers/tools.js';

const templates = loadPatches();

function call(name: string, file: string, line: number, column: number, args?: Record<number, string>): Fact {
  return { kind: 'symbol', name, role: 'call', ...(args ? { args } : {}), evidence: [{ artifact: file, extractor: 'c.call', location: { file, line, column } }] };
}

function series(findings: Finding[], sources: Record<string, string>, root = 'app'): Map<string, string> {
  return emitPatchSet({ findings, sources: new Map(Object.entries(sources)), root, templates, summaries: new Map(), version: 'test' });
}

const forkFinding = (f: Fact): Finding => ({ ruleId: 'fork-single-address-space', severity: 'error', message: 'm', facts: [f], remedy: { patch: 'guard-process-spawn' } });

describe('a template only applies where the source text matches its pattern', () => {
  test('a one-line fork() call is guarded, with the hunk counts git expects', () => {
    const src = '#include <unistd.h>\n\nint main(void)\n{\n\tif (fork() == 0)\n\t\treturn 1;\n\treturn 0;\n}\n';
    const out = series([forkFinding(call('fork', 'app/a.c', 5, 6))], { 'app/a.c': src });
    const text = [...out.values()][0]!;
    // the include (after line 1) and the call (line 5) are 3 lines apart: one hunk over all 8 lines, 13 after
    expect(text).toContain('@@ -1,8 +1,13 @@\n #include <unistd.h>\n+#include <errno.h>\n \n int main(void)\n {\n-\tif (fork() == 0)\n+#ifdef __Unikraft__\n');
    expect(text).toContain('+\tif ((errno = ENOSYS, -1) == 0) /* ukport fork-single-address-space: no fork() on Unikraft */\n');
    // oracle: git applies it
    const dir = mkdtempSync(join(tmpdir(), 'ukport-hunk-'));
    try {
      writeFileSync(join(dir, 'a.c'), src);
      writeFileSync(join(dir, 'p.patch'), text);
      expect(spawnSync('git', ['apply', 'p.patch'], { cwd: dir, encoding: 'utf8' }).stderr).toBe('');
      expect(readFileSync(join(dir, 'a.c'), 'utf8').split('\n')).toHaveLength(14);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a call spread over lines, an already guarded call, a file outside the root or without a final newline: no patch', () => {
    const multi = '#include <unistd.h>\nint f(void)\n{\n\treturn fork(\n\t);\n}\n';
    const guarded = '#include <unistd.h>\nint f(void)\n{\n#ifdef __Unikraft__\n\treturn -1;\n#else\n\treturn fork();\n#endif\n}\n';
    expect(series([forkFinding(call('fork', 'app/m.c', 4, 9))], { 'app/m.c': multi }).size).toBe(0);
    expect(series([forkFinding(call('fork', 'app/g.c', 7, 9))], { 'app/g.c': guarded }).size).toBe(0);
    expect(series([forkFinding(call('fork', 'other/m.c', 4, 9))], { 'other/m.c': guarded.replace('#ifdef __Unikraft__', '#ifdef X') }).size).toBe(0);
    expect(series([forkFinding(call('fork', 'app/n.c', 3, 8))], { 'app/n.c': 'int f(void)\n{\n\treturn fork();\n}' }).size).toBe(0);
  });

  test('evidence that does not point at the call is ignored', () => {
    const src = 'int f(void)\n{\n\treturn 0;\n}\n';
    expect(series([forkFinding(call('fork', 'app/x.c', 3, 2))], { 'app/x.c': src }).size).toBe(0);
  });

  test('a config macro also used outside open calls is left alone', () => {
    const src = '#include <stdio.h>\n#define CONF "/etc/app.conf"\nFILE *open_conf(void)\n{\n\tprintf("%s\\n", CONF);\n\treturn fopen(CONF, "r");\n}\n';
    const fact: Fact = { kind: 'string', value: '/etc/app.conf', evidence: [{ artifact: 'app/c.c', extractor: 'c.string', location: { file: 'app/c.c', line: 2, column: 14 } }] };
    const finding: Finding = { ruleId: 'config-file-at-boot', severity: 'warning', message: 'm', facts: [fact], remedy: { patch: 'config-path-override' } };
    expect(series([finding], { 'app/c.c': src }).size).toBe(0);
    expect(series([finding], { 'app/c.c': src.replace('\tprintf("%s\\n", CONF);\n', '') }).size).toBe(1);
  });

  test('a finding whose rule the template does not list gets no patch', () => {
    const src = '#include <unistd.h>\nint f(void)\n{\n\treturn fork();\n}\n';
    const f = { ...forkFinding(call('fork', 'app/a.c', 4, 9)), ruleId: 'syscall-missing' };
    expect(series([f], { 'app/a.c': src }).size).toBe(0);
  });
});

describe('ukport patch writes only inside --out', () => {
  const work = mkdtempSync(join(tmpdir(), 'ukport-patch-cli-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false, color: false, env: {}, cwd: process.cwd() } };
  };
  const digest = (dir: string) => readdirSync(dir).map((f) => `${f}:${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}`);

  test('writes the series, leaves the sources alone, refuses a directory that already holds one', async () => {
    const app = join(work, 'broker');
    cpSync(join(ROOT, 'fixtures', 'rule-apps', 'broker'), app, { recursive: true });
    const before = digest(app);
    const out = join(work, 'series');
    const a = io();
    expect(await patchCommand.run({ out }, [app], a.io)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(a.out.map((l) => l.trim().split('/').pop()).sort());
    // on the default (newest) release: conf path, fork guard, socketpair; execvp needs no guard there (multiprocess-support)
    expect(readdirSync(out)).toHaveLength(3);
    expect(digest(app)).toEqual(before);
    const b = io();
    await expect(patchCommand.run({ out }, [app], b.io)).rejects.toThrow(UkportError);
    await expect(patchCommand.run({ out }, [app], b.io)).rejects.toMatchObject({ code: 'file-exists' });
    expect(readdirSync(out)).toHaveLength(3);
  });

  test('usage errors', async () => {
    await expect(patchCommand.run({}, ['x'], io().io)).rejects.toMatchObject({ code: 'usage' });
    await expect(patchCommand.run({ out: join(work, 'o'), libc: 'glibc' }, ['x'], io().io)).rejects.toMatchObject({ code: 'usage' });
  });
});
