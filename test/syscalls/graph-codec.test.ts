import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildModuleGraph, scannerFor } from '../../src/extract/elf/call-graph.js';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { decodeGraph, encodeGraph } from '../../src/extract/libc/graph-codec.js';
import { FIXTURES, ensureFixtures } from './helpers.js';

describe('binary form of module graphs', () => {
  test('decoding gives back exactly the graph that was encoded (arguments that are not constants stay null)', () => {
    ensureFixtures();
    const paths = [join(FIXTURES, 'echo_server.dyn'), join(FIXTURES, 'raw_syscalls.a64-static'), '/usr/lib/x86_64-linux-gnu/libc.so.6'].filter((p) => existsSync(p));
    for (const p of paths) {
      const mod = loadElf(p);
      const g = buildModuleGraph(mod, scannerFor(mod.elf.machine, mod.elf.class)!);
      const back = decodeGraph(encodeGraph(g));
      expect([p, JSON.stringify(back)]).toEqual([p, JSON.stringify(g)]);
      if (p.endsWith('libc.so.6')) expect(g.siteArgs.some((l) => l.includes(null))).toBe(true);
    }
  }, 120_000);

  test('a body whose columns do not add up is refused', () => {
    ensureFixtures();
    const mod = loadElf(join(FIXTURES, 'threads.musl'));
    const body = encodeGraph(buildModuleGraph(mod, scannerFor(mod.elf.machine, mod.elf.class)!));
    expect(() => decodeGraph(body.subarray(0, body.length - 8))).toThrow();
    expect(() => decodeGraph(Buffer.concat([body, Buffer.alloc(8)]))).toThrow();
    const bad = Buffer.from(body);
    bad.writeUInt32LE(bad.readUInt32LE(0) + 3, 0); // metadata length
    expect(() => decodeGraph(bad)).toThrow();
  });
});
