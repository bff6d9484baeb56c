import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '../../src/model/index.js';
import { UkportError } from '../../src/errors.js';
import { parseElf } from '../../src/extract/elf/reader.js';
import { forgetModuleGraphs } from '../../src/extract/libc/graph-cache.js';
import { analyseBinary, newBinaryState } from '../../src/scale/analyse-binary.js';
import { buildFixtures } from '../helpers/tools.js';

const SYS = buildFixtures('syscalls');
const artifact = (n: string): Artifact => ({ path: join(SYS, n), kind: 'elf', size: readFileSync(join(SYS, n)).length, root: SYS });
const syscallsOf = (facts: { kind: string; name?: string; class?: string }[]) => facts.filter((f) => f.kind === 'syscall').map((f) => `${f.name}:${f.class}`).sort();

describe('a system scan releases library contents it no longer needs', () => {
  test('with no room for library bytes, every library is released and read again when needed: same results', () => {
    const run = (bytes: number) => {
      forgetModuleGraphs();
      const state = newBinaryState(bytes);
      const out = ['echo_server.dyn', 'file_copy.dyn', 'threads.dyn', 'raw_syscalls.dyn'].map((n) => analyseBinary(artifact(n), { mode: 'binary-compat', noCache: true }, state));
      return { out, state };
    };
    const kept = run(1 << 30), released = run(0);
    expect([...kept.state.libraries.values()].every((l) => !l || l.elf.resident)).toBe(true);
    expect([...released.state.libraries.values()].filter((l) => l && !l.elf.resident).length).toBeGreaterThanOrEqual(2); // libc, ld.so
    released.out.forEach((r, i) => {
      expect(syscallsOf(r.facts)).toEqual(syscallsOf(kept.out[i].facts));
      expect(syscallsOf(r.facts).length).toBeGreaterThan(10);
    });
  }, 300_000);

  test('contents read again must be the ones that were hashed', () => {
    const buf = readFileSync(join(SYS, 'threads.dyn'));
    const elf = parseElf(Buffer.from(buf), 'threads.dyn');
    elf.release(() => Buffer.from(buf));
    expect(elf.resident).toBe(false);
    expect(elf.size).toBe(buf.length);
    expect(elf.buf.equals(buf)).toBe(true);
    expect(elf.resident).toBe(true);
    elf.release(() => buf.subarray(0, buf.length - 1));
    expect(() => elf.buf).toThrow(UkportError);
  });
});
