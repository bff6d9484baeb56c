import { describe, expect, test } from '@jest/globals';
import { ADDR, CONST, RegState, loadKind, loadShape } from '../../src/extract/elf/reg-state.js';
import { loadedNumbers, readOnlyData } from '../../src/extract/elf/readonly-values.js';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { readSymbols } from '../../src/extract/elf/symbols.js';
import { FIXTURES, ensureFixtures } from './helpers.js';
import { join } from 'node:path';

// Syscall numbers loaded from read-only data (fixtures/syscalls/syscall_table.c: `ids` holds getuid getgid geteuid
// getegid as longs, `walked` getppid gettid sched_yield munlockall getpgid getsid as ints).
describe('register state', () => {
  test('two addresses meet as a pointer at or after the lower one (a pointer stepped through a loop)', () => {
    const a = new RegState(), b = new RegState();
    a.setConst(3, 0x2020); b.setConst(3, 0x2024);
    a.setConst(4, 5); b.setConst(4, 5);
    a.meet(b);
    expect([a.kind[3], a.val[3], a.kind[4], a.val[4]]).toEqual([ADDR, 0x2020, CONST, 5]);
    expect(a.covers(b)).toBe(true);
    const c = new RegState(); c.setConst(3, 0x2000);
    expect(a.covers(c)).toBe(false);
  });
  test('load kinds carry width, sign and whether one address is read', () => {
    expect(loadShape(loadKind(4, true, false))).toEqual({ width: 4, signed: true, single: false });
    expect(loadShape(loadKind(8, false, true))).toEqual({ width: 8, signed: false, single: true });
    expect(loadShape(CONST)).toBeUndefined();
  });
});

describe('read-only tables', () => {
  ensureFixtures();
  const symbolOf = (path: string, name: string): number => Number(readSymbols(loadElf(path).elf, 'symtab').find((s) => s.name === name)!.value);
  const X86 = { getuid: 102, getgid: 104, geteuid: 107, getegid: 108, getppid: 110, gettid: 186, sched_yield: 24, munlockall: 152, getpgid: 121, getsid: 124 };
  const ids = [X86.getuid, X86.getgid, X86.geteuid, X86.getegid].sort((a, b) => a - b);
  const walked = [X86.getppid, X86.gettid, X86.sched_yield, X86.munlockall, X86.getpgid, X86.getsid].sort((a, b) => a - b);
  test.each(['dyn', 'static', 'musl'])('%s build: a table is bounded by its symbol, an element of it read at any index', (variant) => {
    const path = join(FIXTURES, `syscall_table.${variant}`);
    const m = loadElf(path);
    const ro = readOnlyData(m.elf, [...readSymbols(m.elf, 'symtab'), ...m.decoded.dynsym]);
    const at = symbolOf(path, 'ids'), w = symbolOf(path, 'walked');
    expect(loadedNumbers(m.elf, ro, loadKind(8, false, false), at)).toEqual(ids);
    expect(loadedNumbers(m.elf, ro, loadKind(4, true, false), w + 4)).toEqual(walked);
    expect(loadedNumbers(m.elf, ro, loadKind(8, false, true), at + 8)).toEqual([X86.getgid]);
    // not read-only data (the code), and a table element that is no syscall number
    expect(loadedNumbers(m.elf, ro, loadKind(8, false, false), Number(m.elf.entry))).toBeUndefined();
  });
  test('stripped: a table runs from the address read over the elements that are syscall numbers', () => {
    const path = join(FIXTURES, 'syscall_table.dyn-stripped');
    const m = loadElf(path);
    const ro = readOnlyData(m.elf, m.decoded.dynsym);
    const at = symbolOf(join(FIXTURES, 'syscall_table.dyn'), 'ids');
    const got = loadedNumbers(m.elf, ro, loadKind(8, false, false), at)!;
    expect(ids.every((n) => got.includes(n))).toBe(true);
    expect(got.length).toBeLessThan(16);
  });
});
