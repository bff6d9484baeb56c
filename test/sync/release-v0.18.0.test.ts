import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { loadTables } from '../../src/data/tables.js';

// fixtures/unikraft-releases/v0.18.0-provided-syscalls.tsv was made with git grep + sed over the release commit's
// Makefile.uk files (its header records how), not by ukport's sync: the shipped table must agree with it exactly.
const FIXTURE = new URL('../../fixtures/unikraft-releases/v0.18.0-provided-syscalls.tsv', import.meta.url);

function fixturePairs(): { name: string; library: string; kconfig: string; nargs: number }[] {
  return readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [name, library, kconfig, nargs] = l.split('\t');
    return { name: name!, library: library!, kconfig: kconfig!, nargs: Number(nargs) };
  });
}

describe('v0.18.0 table against an independent extraction of the release commit', () => {
  const table = loadTables().unikraft.find((t) => t.release === 'v0.18.0')!;

  test('provenance: the fork, the release commit, the release note that names it', () => {
    expect(table.provenance).toMatchObject({
      repo: 'https://github.com/mpp-opsy/unikraft', upstream: 'https://github.com/unikraft/unikraft',
      tag: 'RELEASE-0.18.0', commit: '424eb3d920bfbe9ca0dc269750fba4a989ead184',
      releaseNote: { repo: 'https://github.com/unikraft/docs', path: 'content/releases/v0.18.0.mdx' },
    });
  });

  test('every (syscall, library, kconfig) pair agrees, providers and alternatives alike', () => {
    const fromTable = new Set<string>();
    for (const [name, c] of Object.entries(table.syscalls)) {
      if (c.status === 'missing') continue;
      fromTable.add(`${name} ${c.library} ${c.kconfig}`);
      for (const a of c.alternatives ?? []) fromTable.add(`${name} ${a.library} ${a.kconfig}`);
    }
    const fromGrep = new Set(fixturePairs().map((p) => `${p.name} ${p.library} ${p.kconfig}`));
    expect(fromGrep.size).toBe(185);
    expect([...fromTable].sort()).toEqual([...fromGrep].sort());
  });

  test('argument counts of the first provider agree', () => {
    for (const p of fixturePairs()) {
      const c = table.syscalls[p.name]!;
      if (c.library === p.library) expect(`${p.name} ${c.nargs}`).toBe(`${p.name} ${p.nargs}`);
    }
  });
});
