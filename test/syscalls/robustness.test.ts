import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseElf } from '../../src/extract/elf/reader.js';
import { loadElf, resolveLibraries } from '../../src/extract/elf/resolve-libraries.js';
import { extractSyscalls } from '../../src/extract/syscalls.js';
import { FIXTURES, ensureFixtures, predict, tempCache } from './helpers.js';

// Hostile inputs: corrupted code, absurd symbol sizes, overlapping functions. No crash, no hang, unknowns say why.
let dir: string;
let cache: string;
beforeAll(() => { ensureFixtures(); dir = mkdtempSync(join(tmpdir(), 'ukport-hostile-')); cache = tempCache(); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); rmSync(cache, { recursive: true, force: true }); });

function run(path: string) {
  const main = loadElf(path);
  return extractSyscalls(main, resolveLibraries([main]), { mode: 'binary-compat', cacheDir: cache });
}

function mutate(name: string, edit: (buf: Buffer) => void): string {
  const buf = Buffer.from(readFileSync(join(FIXTURES, 'raw_syscalls.musl')));
  edit(buf);
  const out = join(dir, name);
  writeFileSync(out, buf);
  return out;
}

describe('hostile binaries', () => {
  test('corrupted code bytes give decode-error unknowns, not a crash', () => {
    const p = mutate('corrupt-code', (buf) => {
      const text = parseElf(buf, 'x').section('.text')!;
      // 0x06 (push es) and 0x62-prefix junk are invalid in 64-bit mode
      for (let i = 0; i < text.size; i += 7) buf[text.offset + i] = 0x06;
    });
    const t0 = Date.now();
    const r = run(p);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.facts.some((f) => f.kind === 'unknown' && f.reason === 'decode-error')).toBe(true);
  });

  test('absurd symbol sizes and overlapping functions are bounded', () => {
    const p = mutate('absurd-symbols', (buf) => {
      const elf = parseElf(buf, 'x');
      const symtab = elf.sections.find((s) => s.type === 2)!;
      const text = elf.section('.text')!;
      for (let o = symtab.offset; o + 24 <= symtab.offset + symtab.size; o += 24) {
        if ((buf[o + 4] & 0xf) !== 2) continue;
        buf.writeBigUInt64LE(0xffffffffffffn, o + 16); // size far past the end of the file
        buf.writeBigUInt64LE(text.addr + BigInt((o % 97) * 3), o + 8); // many functions overlapping at odd offsets
      }
    });
    const t0 = Date.now();
    const r = run(p);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.facts.length).toBeGreaterThan(0);
  });

  test('a syscall whose number is not a constant is an indirect-syscall unknown with address and function', () => {
    // raw bytes: mov eax, [rdi]; syscall; ret — written over the musl binary's main
    const p = mutate('dynamic-number', (buf) => {
      const elf = parseElf(buf, 'x');
      const symtab = elf.sections.find((s) => s.type === 2)!;
      for (let o = symtab.offset; o + 24 <= symtab.offset + symtab.size; o += 24) {
        const name = elf.cstringIn(elf.sections[symtab.link].offset, elf.sections[symtab.link].size, buf.readUInt32LE(o));
        if (name !== 'main') continue;
        const off = elf.offsetOfAddress(buf.readBigUInt64LE(o + 8))!;
        Buffer.from([0x8b, 0x07, 0x0f, 0x05, 0xc3]).copy(buf, off);
      }
    });
    const r = run(p);
    const u = r.facts.find((f) => f.kind === 'unknown' && f.reason === 'indirect-syscall');
    expect(u?.evidence[0].function).toBe('main');
    expect(u?.evidence[0].address).toMatch(/^0x[0-9a-f]+$/);
  });

  test('int 0x80 is flagged as the 32-bit ABI', () => {
    const p = mutate('int80', (buf) => {
      const elf = parseElf(buf, 'x');
      const text = elf.section('.text')!;
      Buffer.from([0xb8, 0x01, 0, 0, 0, 0xcd, 0x80, 0xc3]).copy(buf, text.offset);
      buf.writeBigUInt64LE(text.addr, 24); // entry
    });
    const r = run(p);
    expect(r.facts.some((f) => f.kind === 'unknown' && f.reason === 'syscall-32bit-abi')).toBe(true);
  });
});

describe('hostile data tables (object tracking)', () => {
  const libc = '/usr/lib/x86_64-linux-gnu/libc.so.6', ld = '/usr/lib64/ld-linux-x86-64.so.2';
  test.each(existsSync(libc) && existsSync(ld) ? [libc] : [])('exported objects of absurd size in %s: bounded, and the prediction only grows', (path) => {
    const sysroot = mkdtempSync(join(dir, 'sysroot-'));
    const place = (from: string, to: string, edit?: (b: Buffer) => void): void => {
      const b = Buffer.from(readFileSync(from));
      edit?.(b);
      mkdirSync(join(sysroot, dirname(to)), { recursive: true });
      writeFileSync(join(sysroot, to), b);
    };
    place(join(FIXTURES, 'fn_tables.dyn'), '/app/fn_tables');
    place(ld, '/lib64/ld-linux-x86-64.so.2');
    place(ld, '/usr/lib64/ld-linux-x86-64.so.2');
    place(path, '/usr/lib/x86_64-linux-gnu/libc.so.6');
    const plain = predict(join(sysroot, 'app/fn_tables'), cache, {}, sysroot);
    expect(plain.syscalls.size).toBeGreaterThan(40); // libc and the loader came from the sysroot
    place(path, '/usr/lib/x86_64-linux-gnu/libc.so.6', (buf) => {
      const elf = parseElf(buf, 'x');
      const dynsym = elf.sections.find((s) => s.type === 11)!;
      for (let o = dynsym.offset; o + 24 <= dynsym.offset + dynsym.size; o += 24) {
        if ((buf[o + 4] & 0xf) === 1) buf.writeBigUInt64LE(0xffffffffffffn, o + 16); // every object spans the rest of memory
      }
    });
    const t0 = Date.now();
    const hostile = predict(join(sysroot, 'app/fn_tables'), cache, {}, sysroot);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect([...plain.syscalls.keys()].filter((s) => !hostile.syscalls.has(s))).toEqual([]);
  }, 60_000);
});
