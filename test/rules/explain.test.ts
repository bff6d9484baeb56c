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

  test('a syscall\'s history runs through v0.21.0 and marks the partial releases with their sources', async () => {
    const { code, out } = await explain('tgkill');
    expect(code).toBe(0);
    expect(out).toMatch(/^Unikraft: provided since v0\.19\.0 by posix-process; v0\.21\.0: implemented in posix-process/m);
    expect(out).toContain('  v0.4 – v0.18.0       missing\n');
    expect(out).toMatch(/  v0\.19\.0 – v0\.21\.0    implemented in posix-process \(CONFIG_LIBPOSIX_PROCESS\)  \[partial: lib\/posix-process\/Makefile\.uk@[0-9a-f]{12}; content\/blog\/2025-05-15-multiprocess\.mdx:\d+/);
    expect(out).toContain('Partial: v0.19.0, v0.19.1, v0.20.0, v0.21.0 are not read from their release trees');
    // an entry no input changed is carried over from the exact basis, and says so
    expect((await explain('poll')).out).toContain('v0.19.0 – v0.21.0    implemented in posix-poll (CONFIG_LIBPOSIX_POLL)  [partial: carried over from v0.18.0]');
  });

  test('neither a rule nor a syscall is a usage error', async () => {
    await expect(explain('no-such-thing')).rejects.toMatchObject({ code: 'usage' });
  });

  test('every rule renders its matcher', () => {
    for (const r of loadRules()) expect(describeWhen(r.when).length).toBeGreaterThan(5);
  });
});
