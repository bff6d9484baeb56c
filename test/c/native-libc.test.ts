import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { Report } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { loadTables } from '../../src/data/tables.js';
import { ROOT } from '../helpers/tools.js';

// Native-mode accuracy on fixtures/native-libc/portable.c (issue #24, part 5): what Unikraft provides outside the libc
// port, what lib-musl really builds, what the compiler ships, and what no Linux build compiles.
const APP = join(ROOT, 'fixtures', 'native-libc', 'portable.c');
let report: Report;
const plan = async () => (report ??= await runPipeline({ paths: [APP], plan: { release: 'v0.17.0' } }));

describe('native plan of portable.c on v0.17.0', () => {
  test('functions core micro-libraries define are not missing from musl: posix-environ and vfscore join the plan', async () => {
    const r = await plan();
    expect(r.plan!.mode).toBe('native');
    expect(r.plan!.libc).toBe('musl');
    expect(r.plan!.uncovered.filter((u) => u.kind === 'function')).toEqual([]);
    const because = (lib: string) => r.plan!.libraries.find((l) => l.name === lib)?.because ?? [];
    expect(because('posix-environ')).toEqual(expect.arrayContaining(['function:getenv', 'function:putenv', 'function:setenv']));
    expect(because('vfscore')).toEqual(expect.arrayContaining(['function:closedir', 'function:opendir', 'function:readdir']));
    expect(r.plan!.kconfig).toEqual(expect.arrayContaining(['CONFIG_LIBPOSIX_ENVIRON=y', 'CONFIG_LIBVFSCORE=y']));
    // the same in the findings: no libc-function-missing for them
    expect(r.findings.filter((f) => f.ruleId === 'libc-function-missing')).toEqual([]);
  });

  test('regcomp is built by lib-musl (its return type on the line before the name in musl\'s regcomp.c)', () => {
    const musl = loadTables().libc.find((t) => t.target === 'musl')!;
    expect(musl.functions).toContain('regcomp');
    expect(musl.declaredNotBuilt ?? []).not.toContain('regcomp');
  });

  test('compiler headers are never missing; headers of branches no Linux build compiles are not needs', async () => {
    const r = await plan();
    expect(r.plan!.uncovered.filter((u) => u.kind === 'header')).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'header-missing-in-libc')).toEqual([]);
    // they are still reported, under their condition
    const off = r.facts.filter((f) => f.kind === 'header' && f.evidence.every((e) => e.offLinux !== undefined)).map((f) => [f.kind === 'header' ? f.name : '', f.evidence[0]!.offLinux]);
    expect(off).toEqual(expect.arrayContaining([['config-darwin.h', 'defined(__APPLE__)'], ['mach/mach_time.h', 'defined(__APPLE__)'], ['sys/sysctl.h', 'BSD >= 199103']]));
  });

  test('i386 syscall numbers in a disabled branch are reported under it, not decoded as x86_64 needs; no compat stub for them', async () => {
    const r = await plan();
    const syscalls = r.facts.filter((f) => f.kind === 'syscall');
    const named = (n: string) => syscalls.find((f) => f.kind === 'syscall' && f.name === n);
    // syscall(NR_GETRANDOM): the x86_64 definition, 318; the i386 one (355) is not used
    expect(named('getrandom')?.evidence.every((e) => e.offLinux === undefined)).toBe(true);
    // syscall(282) under #if defined(__i386__): x86_64's 282 is signalfd; it is there, marked, and not a need
    expect(named('signalfd')?.evidence.map((e) => e.offLinux)).toEqual(['defined(__i386__)']);
    expect(r.plan!.uncovered.some((u) => u.name === 'signalfd')).toBe(false);
    expect(r.verdict!.items.some((i) => i.subject === 'syscall:signalfd')).toBe(false);
    expect(syscalls.some((f) => f.kind === 'syscall' && f.name === 'sysctl')).toBe(false);
    // syscall(NR_GETSET): defined only for i386, so not resolved on Linux x86_64: an unknown under the condition, not a need
    const unresolved = r.facts.filter((f) => f.kind === 'unknown' && f.evidence[0]?.location?.line === 68);
    expect(unresolved.map((f) => f.evidence[0]!.offLinux)).toEqual(['defined(__i386__)']);
    expect(r.verdict!.items.filter((i) => i.subject.includes('portable.c'))).toEqual([]);
  });
});
