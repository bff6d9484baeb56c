import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { loadLinuxSyscalls } from '../../src/data/linux-syscalls.js';
import type { Arch } from '../../src/model/vocab.js';

// Oracle: the installed kernel UAPI headers, expanded by the arch's own C preprocessor so that
// asm-generic's #if blocks (32-bit-only *_time64 calls) resolve exactly as for that target.
const CPP: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };

function readHeaderNumbers(arch: Arch): Map<string, number> | undefined {
  const cc = CPP[arch];
  const run = (src: string, flags: string[]): string | undefined => {
    try {
      return execFileSync(cc, [...flags, '-x', 'c', '-'], { input: src, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  const macros = run('#include <asm/unistd.h>\n', ['-E', '-dM']);
  if (!macros) return undefined;
  const names = [...macros.matchAll(/^#define __NR_([a-z_0-9]+) /gm)].map((m) => m[1]!).filter((n) => n !== 'syscalls' && n !== 'arch_specific_syscall');
  const expanded = run('#include <asm/unistd.h>\n' + names.map((n) => `ukport_nr ${n} __NR_${n}`).join('\n') + '\n', ['-E', '-P']);
  const out = new Map<string, number>();
  for (const m of expanded!.matchAll(/^ukport_nr (\w+) \(?\s*(\d+)\s*\)?\s*$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

describe('loadLinuxSyscalls', () => {
  for (const arch of ['x86_64', 'aarch64'] as const) {
    test(`${arch}: agrees with every __NR_ of the system header`, () => {
      const t = loadLinuxSyscalls(arch);
      const want = readHeaderNumbers(arch);
      if (!want) return; // no cross compiler on this machine
      expect(want.size).toBeGreaterThan(250);
      const disagree: string[] = [];
      for (const [name, nr] of want) {
        if (t.byName.get(name) !== nr) disagree.push(`${name}: header ${nr}, table ${t.byName.get(name)}`);
      }
      expect(disagree).toEqual([]);
      process.stdout.write(`${arch}: ${t.byName.size} syscalls, ${want.size} defined by <asm/unistd.h>\n`);
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
