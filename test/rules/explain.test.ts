import { describe, expect, test } from '@jest/globals';
import { explainCommand, describeWhen } from '../../src/cli/commands/explain.js';
import { loadRules } from '../../src/data/rules.js';
import { loadTables } from '../../src/data/tables.js';

async function explain(arg: string): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: () => {}, isTTY: false, color: false, env: {}, cwd: process.cwd() };
  const code = await explainCommand.run({}, [arg], io);
  return { code, out: out.join('') };
}

describe('ukport explain', () => {
  test('a rule: summary, why, what it matches, remedy with its patch template', async () => {
    const rule = loadRules().find((r) => r.id === 'socketpair-not-available')!;
    const { code, out } = await explain(rule.id);
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 2)).toEqual(['socketpair-not-available (warning)', rule.summary]);
    expect(out.replace(/\s+/g, ' ')).toContain(rule.why.replace(/\s+/g, ' '));
    expect(out).toContain('Matches:\n  (libc call socketpair or syscall socketpair) and socketpair is missing|stub in the release\n');
    expect(out).toContain('  patch:     socketpair-to-pipe (Use a pipe instead of socketpair() for {name} in {file})');
  });

  test('a syscall: the release it is provided since, by which library, and the rules naming it', async () => {
    const tables = loadTables();
    // first release of the shipped tables from which socketpair is never missing again
    const rows = tables.unikraft.map((t) => ({ release: t.release, c: t.syscalls['socketpair'] }));
    let since: string | undefined;
    for (const r of rows) since = r.c && r.c.status !== 'missing' ? (since ?? r.release) : undefined;
    const lib = rows.find((r) => r.release === since)!.c!.library!;
    const { code, out } = await explain('socketpair');
    expect(code).toBe(0);
    expect(out).toContain(`Unikraft: provided since ${since} by ${lib};`);
    expect(out).toMatch(/Linux syscall: x86_64 53, aarch64 199/);
    expect(out).toContain('  socketpair-not-available: ');
    expect(out).toContain('  unix-sockets-need-posix-unixsocket: ');
  });

  test('neither a rule nor a syscall is a usage error', async () => {
    await expect(explain('no-such-thing')).rejects.toMatchObject({ code: 'usage' });
  });

  test('every rule renders its matcher', () => {
    for (const r of loadRules()) expect(describeWhen(r.when).length).toBeGreaterThan(5);
  });
});
