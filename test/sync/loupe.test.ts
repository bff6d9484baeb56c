import { describe, expect, test } from '@jest/globals';
import { parseDynCsv, syncLoupe } from '../../src/sync/loupe.js';
import { loadLinuxSyscalls } from '../../src/data/linux-syscalls.js';
import { loadTables } from '../../src/data/tables.js';

const DB = new URL('../../fixtures/loupedb-tree/', import.meta.url).pathname;
const x86 = loadLinuxSyscalls('x86_64');

describe('Loupe priors', () => {
  test('columns follow the Loupe writer: used, faked-only, stubbed-only, both', () => {
    expect(parseDynCsv('# syscall, used, works faked, works stubbed, works both\n202,Y,Y,N,N\n12,Y,N,Y,N\n')).toEqual([
      { nr: 202, used: true, fakeOnly: true, stubOnly: false, both: false },
      { nr: 12, used: true, fakeOnly: false, stubOnly: true, both: false },
    ]);
  });

  test('per-app verdicts are the AND of all runs; counts per syscall name', () => {
    const t = syncLoupe(DB, (nr) => x86.byNumber.get(nr));
    expect(t.apps).toEqual(['nginx', 'redis']);
    expect(t.priors).toEqual({
      read: { apps: 2, stubOk: 0, fakeOk: 0, required: 2 },
      // redis: stub-only in one run, both in the other → stub ok, fake not; nginx: stub-only
      brk: { apps: 2, stubOk: 2, fakeOk: 0, required: 0 },
      // redis: fake-only (unused in the suite run); nginx: both
      futex: { apps: 2, stubOk: 1, fakeOk: 2, required: 0 },
      // redis: both, then fake-only → fake ok only
      set_tid_address: { apps: 1, stubOk: 0, fakeOk: 1, required: 0 },
    });
    expect(t.attribution).toMatch(/CC BY 4\.0/);
  });

  test('shipped priors: 116 apps, futex is fakeable far more often than stubbable', () => {
    const priors = loadTables().priors;
    expect(priors['futex']!.fakeOk).toBeGreaterThan(priors['futex']!.stubOk * 5);
    expect(priors['read']!.apps).toBe(116);
  });
});
