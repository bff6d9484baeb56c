import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModuleGraph, scannerFor } from '../../src/extract/elf/call-graph.js';
import { findExecRanges } from '../../src/extract/elf/functions.js';
import { parseElf } from '../../src/extract/elf/reader.js';
import { describeElf } from '../../src/extract/elf/describe.js';
import { loadElf, type LoadedElf } from '../../src/extract/elf/resolve-libraries.js';
import { setDecodeWindowBytes } from '../../src/extract/elf/syscalls-x86_64.js';
import { FIXTURES, ensureFixtures } from './helpers.js';

// The graph build sweeps the code once with the first function table, then replays that sweep for the final
// table (whole functions, and pieces cut at instruction boundaries). The reference decodes the final table again.
beforeAll(() => ensureFixtures());

function same(mod: LoadedElf): void {
  const scanner = scannerFor(mod.elf.machine, mod.elf.class)!;
  const replayed = buildModuleGraph(mod, scanner);
  const decoded = buildModuleGraph(mod, scanner, { replay: false });
  expect([mod.path, replayed]).toEqual([mod.path, decoded]);
}

describe('graph build replays its first sweep', () => {
  test('the project\'s fixtures, x86-64 and aarch64, static and dynamic, glibc and musl', () => {
    for (const f of ['echo_server', 'file_copy', 'raw_syscalls', 'threads']) {
      for (const v of ['dyn', 'static', 'musl', 'a64-dyn', 'a64-static']) same(loadElf(join(FIXTURES, `${f}.${v}`)));
    }
  });

  const system = ['/usr/lib/x86_64-linux-musl/libc.so', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/aarch64-linux-gnu/lib/libc.so.6', '/usr/bin/ls']
    .filter((p) => existsSync(p));
  test.each(system)('system module %s', (p) => same(loadElf(p)), 120_000);

  test('corrupted code: undecodable bytes and call targets inside instructions', () => {
    const base = readFileSync(join(FIXTURES, 'raw_syscalls.musl'));
    const text = findExecRanges(parseElf(base, 'x')).find((r) => r.name === '.text')!;
    let seed = 20261124;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let round = 0; round < 12; round++) {
      const buf = Buffer.from(base);
      // random bytes, and rel32 calls whose targets land anywhere in .text (mostly mid-instruction)
      for (let k = 0; k < 40; k++) buf[text.offset + rand(text.end - text.start)] = rand(256);
      for (let k = 0; k < 20; k++) {
        const at = text.offset + rand(text.end - text.start - 5);
        buf[at] = 0xe8;
        buf.writeInt32LE(rand(text.end - text.start) - (at - text.offset) - 5, at + 1);
      }
      const elf = parseElf(buf, `mutant-${round}`);
      same({ path: `mutant-${round}`, hostPath: `mutant-${round}`, elf, decoded: describeElf(elf, `mutant-${round}`) });
    }
  });
});

describe('decoding through a sliding window', () => {
  test('a 4 KiB window (moved thousands of times) gives the same graphs as the default 1 MiB one', () => {
    const mods = [join(FIXTURES, 'echo_server.static'), join(FIXTURES, 'threads.musl'), '/usr/lib/x86_64-linux-gnu/libc.so.6']
      .filter((p) => existsSync(p)).map((p) => loadElf(p));
    const scanner = scannerFor(mods[0].elf.machine, mods[0].elf.class)!;
    const big = mods.map((m) => buildModuleGraph(m, scanner));
    setDecodeWindowBytes(4096);
    try {
      mods.forEach((m, i) => expect([m.path, buildModuleGraph(m, scanner)]).toEqual([m.path, big[i]]));
    } finally {
      setDecodeWindowBytes(1 << 20);
    }
  }, 120_000);
});
