import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { buildFixtures, hasTool, ROOT } from '../helpers/tools.js';
import { EPOLL, PLAIN, includedHeaders, straceSyscalls, undefinedSymbols } from './fixture-apps.js';
import { facts } from './mini-tables.js';
import { droppableLibraries } from './minimality.js';
import { planPort } from '../../src/plan/plan-port.js';
import { loadTables } from '../../src/data/tables.js';
import { runPipeline } from '../../src/pipeline.js';

const SRC = join(ROOT, 'fixtures', 'plan-apps');
const canTrace = hasTool('strace') && hasTool('musl-gcc');

describe('fixture app descriptions agree with their oracles', () => {
  (canTrace ? test : test.skip)('strace (minus musl start-up), nm -u and #include lines', () => {
    const out = buildFixtures('plan-apps');
    const startup = new Set(straceSyscalls(join(out, 'empty')));
    expect([...startup].sort()).toEqual(['arch_prctl', 'execve', 'exit_group', 'set_tid_address']);
    for (const [name, d] of [['epoll-echo', EPOLL], ['plain', PLAIN]] as const) {
      expect(straceSyscalls(join(out, name)).filter((s) => !startup.has(s)).sort()).toEqual([...d.syscalls].sort());
      expect(undefinedSymbols(join(out, `${name}.o`))).toEqual([...d.calls].sort());
      expect(includedHeaders(join(SRC, `${name}.c`))).toEqual([...d.headers].sort());
    }
  });
});

describe('plans on the shipped tables', () => {
  const tables = loadTables();
  const newest = tables.unikraft.filter((t) => /^v\d+(\.\d+)*$/.test(t.release)).pop()!;

  // without calls: a shipped libc summary would add the syscalls printf() & co. can make, which this test is not about
  test('epoll-echo on the newest release: every syscall served, the libraries that serve them, nothing droppable', () => {
    const plan = planPort(facts({ ...EPOLL, calls: [] }), tables, { arch: 'x86_64' });
    expect(plan.release).toBe(newest.release);
    expect(plan.libc).toBe('musl');
    expect(plan.uncovered.filter((u) => u.kind === 'syscall')).toEqual([]);
    const by = (s: string) => plan.libraries.find((l) => l.because.includes(`syscall:${s}`))?.name;
    // the table's own declarations (Makefile.uk UK_PROVIDED_SYSCALLS) are the oracle for who serves what
    for (const s of EPOLL.syscalls) expect(by(s)).toBe(newest.syscalls[s]!.library);
    expect(droppableLibraries(plan, newest, EPOLL.syscalls, tables.ports)).toEqual([]);
    for (const l of plan.libraries) expect(l.because.length).toBeGreaterThan(0);
    // oldest covering release, recomputed straight from the tables
    const oldest = tables.unikraft.find((t) => EPOLL.syscalls.every((s) => t.syscalls[s]?.library && t.syscalls[s]!.status !== 'missing'));
    expect(plan.oldestCoveringRelease).toBe(oldest?.release);
  });

  test('random syscall sets on the newest release: every plan is minimal and serves every servable syscall', () => {
    const served = Object.keys(newest.syscalls).filter((s) => newest.syscalls[s]!.library && newest.syscalls[s]!.status !== 'missing' && !newest.syscalls[s]!.library!.startsWith('app-')).sort();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let round = 0; round < 25; round++) {
      const pick = [...new Set(Array.from({ length: 12 }, () => served[next() % served.length]!))];
      const plan = planPort(facts({ syscalls: pick }), tables, { arch: 'x86_64' });
      expect({ round, droppable: droppableLibraries(plan, newest, pick, tables.ports) }).toEqual({ round, droppable: [] });
      const x86 = pick.filter((s) => newest.syscalls[s]!.nr.x86_64 !== undefined || Object.keys(newest.syscalls[s]!.nr).length === 0);
      // served, or uncovered with the reason: only the file-system stack the plan does not use provides it
      for (const s of x86) {
        const served = plan.libraries.some((l) => l.because.includes(`syscall:${s}`));
        const other = plan.uncovered.find((u) => u.kind === 'syscall' && u.name === s && u.status !== 'covered' && /^only (posix-vfs|vfscore) provides /.test(u.reason));
        expect({ round, s, ok: served || !!other }).toEqual({ round, s, ok: true });
      }
    }
  });

  test('plain on the newest release allows newlib and needs a rootfs', () => {
    const plan = planPort(facts({ ...PLAIN, calls: [] }), tables, { arch: 'x86_64' });
    expect(plan.libcCandidates).toContain('newlib');
    expect(plan.rootfs).toEqual(['opens /etc/plain-app.conf']);
    expect(plan.libraries.find((l) => l.name === 'vfscore')?.because).toContain('syscall:open');
    expect(droppableLibraries(plan, newest, PLAIN.syscalls, tables.ports)).toEqual([]);
  });

  test('from the C sources through the pipeline: <sys/epoll.h> app gets musl, the plain one may use newlib', async () => {
    const epoll = await runPipeline({ paths: [join(SRC, 'epoll-echo.c')], plan: {} });
    expect(epoll.facts.some((f) => f.kind === 'header' && f.name === 'sys/epoll.h')).toBe(true);
    expect(epoll.plan?.libc).toBe('musl');
    expect(epoll.plan?.mode).toBe('native');
    expect(epoll.plan?.libcCandidates).toEqual(['musl']);
    // without a libc summary, the calls named like syscalls are those syscalls: the same providers as the strace description
    const served = (s: string) => epoll.plan?.libraries.find((l) => l.because.includes(`syscall:${s}`))?.name;
    for (const s of ['socket', 'bind', 'listen', 'epoll_create1', 'epoll_ctl', 'close']) expect(served(s)).toBe(newest.syscalls[s]!.library);
    const plain = await runPipeline({ paths: [join(SRC, 'plain.c')], plan: {} });
    expect(plain.plan?.libcCandidates).toEqual(['musl', 'newlib']);
    const forced = await runPipeline({ paths: [join(SRC, 'epoll-echo.c')], plan: { libc: 'newlib' } });
    expect(forced.plan?.libc).toBe('newlib');
    // a header newlib lacks is porting work (the sources do not compile as they are): warning, needs-work
    expect(forced.plan?.uncovered.some((u) => u.kind === 'header' && u.status === 'missing-required' && u.severity === 'warning')).toBe(true);
    expect(forced.verdict?.verdict).toBe('needs-work');
  });
});
