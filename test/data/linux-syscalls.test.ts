import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { loadLinuxSyscalls } from '../../src/data/linux-syscalls.js';
import type { Arch } from '../../src/model/vocab.js';

// Oracle: the installed kernel UAPI headers. Every __NR_ they define must agree with our table.
const HEADERS: Record<Arch, string> = {
  x86_64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  aarch64: '/usr/aarch64-linux-gnu/include/asm-generic/unistd.h',
};

function readHeaderNumbers(file: string): Map<string, number> {
  const out = new Map<string, number>();
  const text = readFileSync(file, 'utf8');
  const re = /^#define __NR3?2?_?([a-z_0-9]+)\s+(\d+)\s*$/gm;
  for (const m of text.matchAll(re)) out.set(m[1]!, Number(m[2]));
  return out;
}

describe('loadLinuxSyscalls', () => {
  for (const arch of ['x86_64', 'aarch64'] as const) {
    test(`${arch}: agrees with every __NR_ of the system header`, () => {
      const t = loadLinuxSyscalls(arch);
      const header = HEADERS[arch];
      if (!existsSync(header)) return;
      const want = readHeaderNumbers(header);
      expect(want.size).toBeGreaterThan(250);
      const disagree: string[] = [];
      for (const [name, nr] of want) {
        if (t.byName.get(name) !== nr) disagree.push(`${name}: header ${nr}, table ${t.byName.get(name)}`);
      }
      expect(disagree).toEqual([]);
      process.stdout.write(`${arch}: ${t.byName.size} syscalls, ${want.size} in ${header}\n`);
    });
    test(`${arch}: has the new syscalls and maps numbers back`, () => {
      const t = loadLinuxSyscalls(arch);
      for (const n of ['clone3', 'close_range', 'memfd_create', 'pidfd_open', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self', 'futex_waitv']) {
        expect(t.byName.has(n)).toBe(true);
      }
      expect(t.byNumber.get(t.byName.get('clone3')!)).toBe('clone3');
      expect(loadLinuxSyscalls(arch)).toBe(t);
    });
  }
  test('x86_64 has only the 64-bit ABI and legacy calls; aarch64 lacks them', () => {
    const x = loadLinuxSyscalls('x86_64');
    const a = loadLinuxSyscalls('aarch64');
    expect(Math.max(...x.byNumber.keys())).toBeLessThan(512);
    expect(x.byName.get('read')).toBe(0);
    expect(x.byName.get('open')).toBe(2);
    for (const n of ['open', 'fork', 'pipe', 'poll', 'select']) expect(a.byName.has(n)).toBe(false);
    expect(a.byName.get('openat')).toBe(56);
  });
});
