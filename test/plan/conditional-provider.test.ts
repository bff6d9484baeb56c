import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { buildFixtures } from '../helpers/tools.js';
import { runPipeline } from '../../src/pipeline.js';
import { loadTables } from '../../src/data/tables.js';
import { pickRelease } from '../../src/plan/releases.js';

// Observed by ukport verify (tcpd.dyn on app-elfloader v0.16.3, TCG): with posix-futex on but LIBPOSIX_PROCESS_CLONE off,
// the shim answered set_tid_address "not available": posix-futex's Makefile.uk declares it inside
// ifeq ($(CONFIG_LIBPOSIX_PROCESS_CLONE),y) (unikraft RELEASE-0.16.3 lib/posix-futex/Makefile.uk:14-16).
describe('a syscall declared inside a Makefile.uk conditional', () => {
  test('the v0.16.3 table says set_tid_address needs LIBPOSIX_PROCESS_CLONE besides LIBPOSIX_FUTEX', () => {
    const e = pickRelease(loadTables().unikraft, 'v0.16.3').syscalls.set_tid_address!;
    expect([e.library, e.kconfig, e.requires]).toEqual(['posix-futex', 'LIBPOSIX_FUTEX', ['LIBPOSIX_PROCESS_CLONE']]);
  });

  test('v0.19.0 merged LIBPOSIX_PROCESS_CLONE into LIBPOSIX_PROCESS_MULTITHREADING: the partial tables follow the rename', () => {
    for (const release of ['v0.19.0', 'v0.20.0', 'v0.21.0']) {
      const t = pickRelease(loadTables().unikraft, release);
      expect({ release, requires: t.syscalls.set_tid_address!.requires }).toEqual({ release, requires: ['LIBPOSIX_PROCESS_MULTITHREADING'] });
      expect(t.kconfig?.LIBPOSIX_PROCESS_MULTITHREADING).toBeDefined();
    }
  });

  test('a dynamic glibc program (set_tid_address at start-up) is planned with LIBPOSIX_PROCESS_CLONE on', async () => {
    const report = await runPipeline({ paths: [join(buildFixtures('verify'), 'tcpd.dyn')], plan: { release: 'v0.16.3' } });
    expect(report.facts.some((f) => f.kind === 'syscall' && f.name === 'set_tid_address')).toBe(true);
    expect(report.plan!.kconfig).toContain('CONFIG_LIBPOSIX_PROCESS_CLONE=y');
    expect(report.plan!.uncovered.map((u) => u.name)).not.toContain('set_tid_address');
  }, 120_000);
});
