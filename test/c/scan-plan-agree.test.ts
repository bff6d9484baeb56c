import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { SyscallFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { ROOT } from '../helpers/tools.js';

// Source scans say what plan uses (issue #24, part 6): `scan` of a C tree lists the syscalls of its libc calls under the
// chosen libc (default musl) with a file:line → function → syscall chain, and `plan` of the same tree counts the same.
const TREE = join(ROOT, 'fixtures', 'c-projects', 'epoll-server');
const syscallsOf = (facts: readonly { kind: string }[]) => facts.filter((f): f is SyscallFact => f.kind === 'syscall' && (f as SyscallFact).evidence.some((e) => e.offLinux === undefined));

describe('scan and plan of a C source tree', () => {
  test('scan is native by default for sources alone, with libc-call syscalls and their chains', async () => {
    const scan = await runPipeline({ paths: [TREE] });
    expect(scan.mode).toBe('native');
    const viaLibc = syscallsOf(scan.facts).filter((f) => f.evidence.some((e) => e.extractor === 'libc-summary.musl'));
    expect(viaLibc.length).toBeGreaterThan(5);
    for (const f of viaLibc) {
      const e = f.evidence.find((x) => x.extractor === 'libc-summary.musl')!;
      // file:line (and the calling function) → the libc function → the syscall
      expect(e.chain).toHaveLength(3);
      expect(e.chain![0]).toMatch(new RegExp(`^${e.location!.file}:${e.location!.line}\\b`));
      expect(e.chain![2]).toBe(f.name);
    }
    // epoll_wait is called as a function and is a syscall
    expect(viaLibc.map((f) => f.name)).toContain('epoll_wait');
  }, 120_000);

  test('plan counts exactly the syscalls scan lists', async () => {
    const scan = await runPipeline({ paths: [TREE] });
    const plan = await runPipeline({ paths: [TREE], plan: { release: 'v0.17.0' } });
    const scanned = new Set(syscallsOf(scan.facts).map((f) => f.name));
    const planned = new Set([
      ...plan.plan!.libraries.flatMap((l) => l.because.filter((b) => b.startsWith('syscall:')).map((b) => b.slice(8))),
      ...plan.plan!.uncovered.filter((u) => u.kind === 'syscall').map((u) => u.name),
    ]);
    expect([...planned].filter((n) => !scanned.has(n))).toEqual([]);
    expect(plan.plan!.releases!.at(-1)!.total).toBe(scanned.size);
  }, 120_000);

  test('with --libc newlib, scan maps the calls through newlib instead', async () => {
    const musl = await runPipeline({ paths: [TREE] });
    const newlib = await runPipeline({ paths: [TREE], mode: 'native', libc: 'newlib' });
    expect(syscallsOf(newlib.facts).some((f) => f.evidence.some((e) => e.extractor === 'libc-summary.newlib'))).toBe(true);
    expect(syscallsOf(newlib.facts).some((f) => f.evidence.some((e) => e.extractor === 'libc-summary.musl'))).toBe(false);
    expect(new Set(syscallsOf(newlib.facts).map((f) => f.name))).not.toEqual(new Set(syscallsOf(musl.facts).map((f) => f.name)));
  }, 120_000);
});
