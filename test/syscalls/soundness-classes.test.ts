import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { readSymbols } from '../../src/extract/elf/symbols.js';
import { readFdeRanges } from '../../src/extract/elf/eh-frame.js';
import { FIXTURES, ensureFixtures, missing, observe, predict, tempCache } from './helpers.js';

// Programs no earlier fixture resembled, each checked under strace (qemu -strace for aarch64): predicted ⊇ observed.
const SYSROOT = '/usr/aarch64-linux-gnu';
let cache: string;
let work: string;
const figures: string[] = [];
beforeAll(() => { ensureFixtures(); cache = tempCache(); work = mkdtempSync(join(tmpdir(), 'ukport-classes-')); });
afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  console.log(`predicted vs observed\n${figures.join('\n')}`);
});

/** The multi-call fixture's entries, from its own table (every one is run). */
const ENTRIES = [...readFileSync(new URL('../../fixtures/syscalls/multicall.c', import.meta.url), 'utf8').matchAll(/\{ "([a-z]+)", e_\1 \}/g)].map((m) => m[1]);

describe('a multi-call program whose entry functions have no symbols and no FDEs, reached only through a pointer table', () => {
  test('the fixture is that program: >= 50 entries, none of them covered by an FDE, no symbol table once stripped', () => {
    expect(ENTRIES.length).toBeGreaterThanOrEqual(50);
    const named = loadElf(join(FIXTURES, 'multicall.static'));
    const fdes = readFdeRanges(named.elf);
    const entries = readSymbols(named.elf, 'symtab').filter((s) => s.name.startsWith('e_') && s.type === 2).map((s) => Number(s.value));
    expect(entries.length).toBe(ENTRIES.length);
    expect(entries.filter((a) => fdes.some((r) => a >= r.start && a < r.end))).toEqual([]);
    expect(fdes.length).toBeGreaterThan(100); // the static libc's own code has them
    expect(loadElf(join(FIXTURES, 'multicall.static-stripped')).decoded.info.stripped).toBe(true);
  });

  test.each(['static-stripped', 'static', 'static-pie-stripped', 'pie-stripped', 'musl-stripped', 'a64-static-stripped'])('%s: predicted ⊇ observed with every entry run', async (variant) => {
    const bin = join(FIXTURES, `multicall.${variant}`);
    const dir = mkdtempSync(join(work, `${variant}-`));
    const a64 = variant.startsWith('a64');
    const observed = await observe(bin, [dir, ...ENTRIES], undefined, a64 ? 'qemu' : 'strace');
    // what the entries make is seen (accept, rename, rmdir, chmod, alarm differ by libc and arch: accept4, renameat, …)
    for (const s of ['listen', 'ftruncate', 'socketpair', 'fchown', 'umask']) expect([s, observed.has(s)]).toEqual([s, true]);
    const { syscalls } = predict(bin, cache, {}, a64 ? SYSROOT : undefined);
    figures.push(`multicall.${variant}: predicted ${syscalls.size}, observed ${observed.size}, ratio ${(syscalls.size / observed.size).toFixed(2)}`);
    expect(missing(syscalls, observed)).toEqual([]);
  }, 120_000);
});

describe('syscall numbers loaded from a read-only table (syscall(ids[i]), and a pointer walked over a table)', () => {
  const TABLE = ['getuid', 'getgid', 'geteuid', 'getegid', 'getppid', 'gettid', 'sched_yield', 'munlockall', 'getpgid', 'getsid'];
  test.each(['dyn', 'static', 'musl', 'dyn-stripped', 'static-stripped', 'musl-stripped', 'a64-static', 'a64-static-stripped', 'a64-dyn', 'a64-musl', 'a64-musl-stripped'])('%s: predicted ⊇ observed, every table entry found, no unknown number in the program', async (variant) => {
    const bin = join(FIXTURES, `syscall_table.${variant}`);
    const a64 = variant.startsWith('a64');
    const observed = await observe(bin, ['6'], undefined, a64 ? 'qemu' : 'strace', { okCodes: [1] });
    expect(TABLE.filter((s) => observed.has(s) || s === 'getpgid' || s === 'getsid')).toEqual(TABLE);
    const { syscalls, unknownFacts } = predict(bin, cache, {}, variant === 'a64-dyn' ? SYSROOT : undefined);
    figures.push(`syscall_table.${variant}: predicted ${syscalls.size}, observed ${observed.size}, ratio ${(syscalls.size / observed.size).toFixed(2)}`);
    expect(missing(syscalls, observed)).toEqual([]);
    expect(TABLE.filter((s) => !syscalls.has(s))).toEqual([]);
    // the table sites' numbers are known: no indirect-syscall unknown is left in the program's own functions
    const own = ownFunctions(variant);
    expect(unknownFacts.filter((u) => u.reason === 'indirect-syscall' && u.evidence.some((e) => e.artifact === bin && own.some(([lo, hi]) => Number(e.address) >= lo && Number(e.address) < hi)))).toEqual([]);
  }, 120_000);
});

describe('syscall numbers in Go\'s calling conventions (fixtures/syscalls/go_abi.S: register ABI with a spill around a call, and ABI0 on the stack)', () => {
  test.each(['static', 'static-stripped'])('%s: predicted ⊇ observed, no unknown number', async (variant) => {
    const bin = join(FIXTURES, `go_abi.${variant}`);
    const observed = await observe(bin, []);
    expect([...observed].sort()).toEqual(['exit_group', 'getpid', 'getppid']);
    const { syscalls, unknownFacts } = predict(bin, cache);
    expect(missing(syscalls, observed)).toEqual([]);
    expect(unknownFacts).toEqual([]);
  }, 60_000);
});

/** Address ranges of the table fixture's own functions (from the build with symbols: strip moves no code). */
function ownFunctions(variant: string): [number, number][] {
  const named = loadElf(join(FIXTURES, `syscall_table.${variant.replace('-stripped', '')}`));
  return readSymbols(named.elf, 'symtab').filter((s) => ['main', 'by_index', 'walk'].includes(s.name) && s.type === 2).map((s) => [Number(s.value), Number(s.value + s.size)]);
}
