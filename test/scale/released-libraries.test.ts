import { describe, expect, test } from '@jest/globals';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact } from '../../src/model/index.js';
import { UkportError } from '../../src/errors.js';
import { parseElf } from '../../src/extract/elf/reader.js';
import { loadElf, releaseContents } from '../../src/extract/elf/resolve-libraries.js';
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

  // a released library's function code (import-argument flow) or string (dlopen names) is read alone, not whole
  test('a part of a released file is read alone, and only while the file is the one read (size, time, inode)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukport-part-'));
    try {
      const path = join(dir, 'threads.dyn');
      copyFileSync(join(SYS, 'threads.dyn'), path);
      const whole = readFileSync(path);
      const lib = loadElf(path);
      releaseContents(lib);
      const text = lib.elf.sections.find((x) => x.name === '.text')!;
      expect(Buffer.from(lib.elf.bytes(text.offset, 64)).equals(whole.subarray(text.offset, text.offset + 64))).toBe(true);
      // clipped at the end of the file; nothing past it
      expect(lib.elf.bytes(whole.length - 3, 100).length).toBe(3);
      expect(lib.elf.bytes(whole.length + 10, 4).length).toBe(0);
      expect(lib.elf.resident).toBe(false);
      // the same bytes, a new modification time: no longer the file that was hashed
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      expect(() => lib.elf.bytes(text.offset, 64)).toThrow(expect.objectContaining({ code: 'unreadable' }));
      const grown = loadElf(path);
      releaseContents(grown);
      appendFileSync(path, 'x');
      expect(() => grown.elf.bytes(text.offset, 64)).toThrow(/changed while being scanned/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
