import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildModuleGraph, scannerFor, type ModuleGraph } from '../../src/extract/elf/call-graph.js';
import { P_FUNCTION, P_IMPORT, P_REGION, regionOf } from '../../src/extract/elf/data-regions.js';
import { readPersonalities } from '../../src/extract/elf/eh-frame.js';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { readSymbols } from '../../src/extract/elf/symbols.js';
import { readRelocations } from '../../src/extract/elf/plt.js';
import { FIXTURES, ensureFixtures, predict, tempCache } from './helpers.js';

// Function pointers stored in data count only when reachable code references the data holding them
// (object tracking); fn_tables.c stores pointers in every form the tracking must follow.
let cache: string;
beforeAll(() => { ensureFixtures(); cache = tempCache(); });
afterAll(() => rmSync(cache, { recursive: true, force: true }));

function graphOf(path: string): { g: ModuleGraph; symbol: (name: string) => number } {
  const mod = loadElf(path);
  const g = buildModuleGraph(mod, scannerFor(mod.elf.machine, mod.elf.class)!);
  const syms = readSymbols(mod.elf, 'symtab');
  const symbol = (name: string): number => {
    const s = syms.find((x) => x.name === name);
    if (!s) throw new Error(`no symbol ${name}`);
    return Number(s.value);
  };
  return { g, symbol };
}

const region = (g: ModuleGraph, addr: number): number => {
  const ends = g.regionStarts.map((_s, i) => (i + 1 < g.regionStarts.length ? g.regionStarts[i + 1] : Infinity));
  return regionOf({ starts: g.regionStarts, ends }, addr);
};
const fnIndex = (g: ModuleGraph, name: string): number => g.names.indexOf(name);

describe('data regions of fn_tables.dyn', () => {
  test('each table holds its pointers: local functions, imported functions, links to other tables', () => {
    const { g, symbol } = graphOf(join(FIXTURES, 'fn_tables.dyn'));
    const copied = region(g, symbol('copied_ops'));
    expect(copied).toBeGreaterThanOrEqual(0);
    expect(g.regionPointers[copied]).toEqual(expect.arrayContaining([fnIndex(g, 'do_flock') * 4 + P_FUNCTION, fnIndex(g, 'do_getsid') * 4 + P_FUNCTION]));
    const linked = region(g, symbol('linked_ops'));
    expect(g.regionPointers[region(g, symbol('registry'))]).toContain(linked * 4 + P_REGION);
    const swapoff = g.importNames.findIndex((n) => n.startsWith('swapoff'));
    expect(g.regionPointers[region(g, symbol('imported'))]).toContain(swapoff * 4 + P_IMPORT);
    // main references copied_ops; nothing reachable references unused_ops (only never_called does)
    expect([...g.dataRefs.at(fnIndex(g, 'main'))]).toContain(copied);
    expect([...g.dataRefs.at(fnIndex(g, 'never_called'))]).toContain(region(g, symbol('unused_ops')));
  });

  test('symbols are hard cuts; a cut where only code or a pointer points stays chained to the region before it', () => {
    const { g, symbol } = graphOf(join(FIXTURES, 'fn_tables.dyn'));
    const chainedInto = new Set(g.regionContinues.map((i) => i + 1));
    for (const name of ['copied_ops', 'linked_ops', 'registry', 'imported', 'unused_ops']) {
      const ri = region(g, symbol(name));
      expect([name, g.regionStarts[ri]]).toEqual([name, symbol(name)]);
      expect([name, chainedInto.has(ri)]).toEqual([name, false]);
    }
    const libc = '/usr/lib/x86_64-linux-gnu/libc.so.6';
    if (!existsSync(libc)) return;
    const lg = graphOf(libc).g;
    // stripped libc: few symbols, so most cuts are weak; every chained region is contiguous with the next
    expect(lg.regionContinues.length).toBeGreaterThan(100);
    for (const i of lg.regionContinues) expect(lg.regionStarts[i] < lg.regionStarts[i + 1]).toBe(true);
  }, 60_000);

  test('the thread-local hook is a root (TLS images are read without a visible reference)', () => {
    const { g } = graphOf(join(FIXTURES, 'fn_tables.dyn'));
    const times = fnIndex(g, 'do_times') * 4 + P_FUNCTION;
    const holders = g.regionPointers.map((l, i) => (l.includes(times) ? i : -1)).filter((i) => i >= 0);
    expect(holders.length).toBe(1);
    expect(g.rootRegions).toContain(holders[0]);
  });
});

describe('what object tracking predicts', () => {
  test('dynamic PIE: every stored pointer the program uses is followed, the table only dead code references is not', () => {
    const { syscalls } = predict(join(FIXTURES, 'fn_tables.dyn'), cache);
    for (const s of ['flock', 'getsid', 'getpriority', 'times', 'swapoff']) expect([s, syscalls.has(s)]).toEqual([s, true]);
    expect(syscalls.has('acct')).toBe(false);
    // the evidence says where the pointer was found
    expect(syscalls.get('swapoff')!.evidence[0].chain!.some((c) => /^\(pointer in data at 0x[0-9a-f]+\) swapoff/.test(c))).toBe(true);
  });

  test('non-PIE static build: data pointers carry no relocations, so every stored function counts', () => {
    const { syscalls } = predict(join(FIXTURES, 'fn_tables.static'), cache);
    for (const s of ['flock', 'getsid', 'getpriority', 'times', 'swapoff', 'acct']) expect([s, syscalls.has(s)]).toEqual([s, true]);
  });
});

describe('personality routines from .eh_frame', () => {
  const lib = '/usr/lib/x86_64-linux-gnu/libstdc++.so.6';
  test.each(existsSync(lib) ? [lib] : [])('%s: indirect personality slots are relocated pointers to __gxx_personality_v0', (path) => {
    const mod = loadElf(path);
    const { slots } = readPersonalities(mod.elf);
    expect(slots.length).toBeGreaterThan(0);
    const relocs = readRelocations(mod.elf, mod.decoded.dynsym, mod.decoded.versions);
    const personality = mod.decoded.dynsym.find((s) => s.name === '__gxx_personality_v0' && s.shndx !== 0);
    for (const slot of slots) {
      const t = relocs.slots.get(slot);
      const addr = t?.kind === 'local' ? t.addr : undefined;
      expect([slot, addr ?? t]).toEqual([slot, Number(personality!.value)]);
    }
  });
});
