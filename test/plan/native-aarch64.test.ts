import { beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { ensureBuilt, ROOT, runCli } from '../helpers/tools.js';
import { ensureFixtures } from '../syscalls/helpers.js';

beforeAll(() => { ensureBuilt(); ensureFixtures(); });

const ECHO = join(ROOT, 'fixtures', 'build', 'syscalls', 'echo_server.a64-dyn');

type Plan = { arch: string; mode: string; libc: string; libraries: { name: string }[]; network?: { stack: string }; targets?: { name: string; kconfig: string[] }[] };
type Item = { subject: string; rules?: string[] };

// Native plans for aarch64 map the app's libc calls through musl's aarch64 summaries (Debian's musl:arm64 libc.so).
describe('a native plan for an aarch64 binary', () => {
  test('plans musl, the socket stack with lwip and arm64 targets; stdout and optarg are no missing libc functions', () => {
    const r = runCli(['plan', '-q', '--format', 'json', '--mode', 'native', '--sysroot', '/usr/aarch64-linux-gnu', ECHO]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout) as { plan: Plan; verdict: { items: Item[] }; symbols: { name: string; type: string; role: string }[] };
    expect([out.plan.arch, out.plan.mode, out.plan.libc]).toEqual(['aarch64', 'native', 'musl']);
    expect(out.plan.libraries.map((l) => l.name)).toEqual(expect.arrayContaining(['posix-socket', 'lwip', 'posix-poll']));
    expect(out.plan.network?.stack).toBe('lwip');
    expect(out.plan.targets?.map((t) => t.name)).toEqual(['qemu/arm64', 'fc/arm64']);
    expect(out.plan.targets?.every((t) => t.kconfig.includes('CONFIG_ARCH_ARM_64=y'))).toBe(true);
    // the aarch64 build imports stdout as a data object (no copy relocation); musl exports it (its .dynsym)
    expect(out.symbols).toContainEqual(expect.objectContaining({ name: 'stdout', type: 'object', role: 'import' }));
    expect(out.verdict.items.filter((i) => i.rules?.includes('libc-function-missing')).map((i) => i.subject)).toEqual([]);
  });

  // the hint is for a program of another machine than the host (these tests run on x86_64)
  (process.arch === 'x64' ? test : test.skip)('without the aarch64 sysroot the glibc libraries are unresolved, and the hint names --sysroot', () => {
    const r = runCli(['scan', '-q', '--format', 'json', ECHO]);
    expect(r.status).toBe(0);
    const unknowns = (JSON.parse(r.stdout) as { unknowns: { reason: string; message: string }[] }).unknowns.filter((u) => u.reason === 'unresolved-library');
    expect(unknowns.map((u) => u.message)).toContain(`libc.so.6 not found (needed by ${ECHO}; an aarch64 program on this x86_64 host: give the root file system it runs on with --sysroot DIR (Debian's cross libraries: --sysroot /usr/aarch64-linux-gnu))`);
    // with the sysroot every library resolves, and no hint
    const s = runCli(['scan', '-q', '--format', 'json', '--sysroot', '/usr/aarch64-linux-gnu', ECHO]);
    expect((JSON.parse(s.stdout) as { unknowns: { reason: string }[] }).unknowns.filter((u) => u.reason === 'unresolved-library')).toEqual([]);
  });
});
