import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { tablesInCode } from '../../src/extract/elf/data-in-code.js';
import { buildModuleGraph, scannerFor } from '../../src/extract/elf/call-graph.js';
import { U_DECODE } from '../../src/extract/elf/module-graph.js';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { BranchSites } from '../../src/extract/elf/wrappers.js';
import { predict, tempCache } from './helpers.js';

// Undecodable bytes (issue #20, class 3): data in .text is not code and not an unknown; bytes that may run stay unknowns.
let cache: string;
beforeAll(() => { cache = tempCache(); });
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('tablesInCode: which functions are data read as code', () => {
  // 0x1000 described code (an FDE), 0x2000 a table whose start a data word names, 0x3000 a table nothing names,
  // 0x4000 code nothing describes that described code calls, 0x5000 what the table at 0x3000 "branches" to
  const fns = { starts: [0x1000, 0x2000, 0x3000, 0x4000, 0x5000], ends: [0x2000, 0x3000, 0x4000, 0x5000, 0x6000], names: ['f', '', '', '', ''], range: [0, 0, 0, 0, 0] };
  const described = { starts: [0x1000], ends: [0x1800] };
  const branches = new BranchSites();
  branches.add(0, 0x1010, 3); // f calls 0x4000
  branches.add(2, 0x3010, 4); // the table's bytes decode to a jump to 0x5000
  test('a start nothing names and no code enters is data, and so is what only data enters', () => {
    expect([...tablesInCode(fns, branches, described, new Set([0x1000, 0x2000]))].sort()).toEqual([2, 4]);
  });
  test('a start a data word names is data when a symbol declares an object there (perlasm: .type K,@object in .text)', () => {
    expect([...tablesInCode(fns, branches, described, new Set([0x1000, 0x2000]), { starts: [0x2000], ends: [0x2800] })].sort()).toEqual([1, 2, 4]);
  });
  test('code that code outside the set enters is code, object or not', () => {
    expect(tablesInCode(fns, branches, described, new Set([0x1000]), { starts: [0x4000], ends: [0x4100] }).has(3)).toBe(false);
  });
});

describe("OpenSSL's libcrypto.so.3 (perlasm keeps AES, SHA and nistp tables in .text)", () => {
  const libcrypto = '/usr/lib/x86_64-linux-gnu/libcrypto.so.3';
  test.each(['/usr/sbin/nginx', '/usr/bin/redis-server'].filter((p) => existsSync(p)))('%s: no decode-error unknown left (about 200 before issue #20)', (bin) => {
    const { unknownFacts } = predict(bin, cache);
    expect(unknownFacts.filter((u) => u.reason === 'decode-error').map((u) => u.evidence[0]?.address)).toEqual([]);
  }, 300_000);
  test('its module graph holds no undecodable site at all', () => {
    if (!existsSync(libcrypto)) return;
    const mod = loadElf(libcrypto);
    const g = buildModuleGraph(mod, scannerFor(mod.elf.machine, mod.elf.class)!);
    const decode = g.unknownSites.flatMap((l) => l.filter((_x, i) => i % 2 === 1 && l[i] === U_DECODE));
    expect(decode.length).toBe(0);
  }, 300_000);
});
