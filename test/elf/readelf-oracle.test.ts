import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { elfFacts } from '../../src/extract/elf/facts.js';
import { buildFixtures, run } from '../helpers/tools.js';

/** What readelf says about a file, parsed from its text output. */
function readelfFacts(path: string) {
  const h = run('readelf', ['-h', '-W', path]);
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+)$`, 'm').exec(h)?.[1].trim() ?? '';
  const l = run('readelf', ['-l', '-W', path]);
  const d = run('readelf', ['-d', '-W', path]);
  const dyn = (tag: string) => [...d.matchAll(new RegExp(`\\(${tag}\\)\\s+.*?\\[(.*)\\]`, 'g'))].map((m) => m[1]);
  const s = run('readelf', ['-S', '-W', path]);
  const syms = run('readelf', ['--dyn-syms', '-W', path]);
  const imports: string[] = [];
  const importVersionIndex = new Map<string, number>();
  const exports: string[] = [];
  for (const line of syms.split('\n')) {
    const m = /^\s*\d+:\s+[0-9a-f]+\s+\S+\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)(?:\s+\((\d+)\))?\s*$/.exec(line);
    if (!m || m[2] === 'LOCAL') continue;
    const [, , , ndx, name, index] = m;
    if (ndx === 'UND' && index) importVersionIndex.set(name, Number(index));
    (ndx === 'UND' ? imports : exports).push(name);
  }
  const v = run('readelf', ['-V', '-W', path]);
  const verneedFile = new Map<number, string>();
  let file = '';
  for (const line of v.split('\n')) {
    const f = /File: (\S+)/.exec(line);
    if (f) file = f[1];
    const n = /Name: (\S+)\s+Flags: \S+\s+Version: (\d+)/.exec(line);
    if (n && file) verneedFile.set(Number(n[2]), file);
  }
  return {
    class: field('Class'), data: field('Data'), machine: field('Machine'), type: field('Type'), entry: field('Entry point address'),
    interp: /Requesting program interpreter: (.*)\]/.exec(l)?.[1],
    tls: /^\s*TLS\s/m.test(l),
    needed: dyn('NEEDED'), soname: dyn('SONAME')[0], rpath: dyn('RPATH').flatMap((x) => x.split(':')), runpath: dyn('RUNPATH').flatMap((x) => x.split(':')),
    stripped: !/\]\s+\.symtab\s/.test(s),
    imports: imports.sort(), exports: exports.sort(),
    versionLibraryOf: (name: string, version: string) => verneedFile.get(importVersionIndex.get(`${name}@${version}`) ?? -1),
  };
}

function ours(path: string) {
  const info = loadElf(path).decoded.info;
  const withVersion = (s: { name: string; version?: string; defaultVersion?: boolean }, imp: boolean) =>
    s.version && s.version !== s.name ? `${s.name}@${imp || !s.defaultVersion ? '' : '@'}${s.version}` : s.name;
  return { info, imports: info.imports.map((s) => withVersion(s, true)).sort(), exports: info.exports.map((s) => withVersion(s, false)).sort() };
}

function compare(path: string): void {
  const want = readelfFacts(path);
  const { info, imports, exports } = ours(path);
  expect(`ELF${info.class}`).toBe(want.class);
  expect(info.endianness).toBe(want.data.includes('little') ? 'little' : 'big');
  expect(want.machine).toMatch(info.machine === 'x86_64' ? /X86-64/ : info.machine === 'aarch64' ? /AArch64/ : /./);
  const wantType = want.type.startsWith('EXEC') ? 'EXEC' : want.type.includes('Position-Independent') ? 'PIE' : want.type.startsWith('DYN') ? 'DYN' : 'OTHER';
  expect(info.type).toBe(wantType);
  expect(info.entry).toBe(want.entry);
  expect(info.interpreter).toBe(want.interp);
  expect(info.linking).toBe(want.interp || want.needed.length ? 'dynamic' : 'static');
  expect(info.tls).toBe(want.tls);
  expect(info.needed).toEqual(want.needed);
  expect(info.soname).toBe(want.soname);
  expect(info.rpath).toEqual(want.rpath);
  expect(info.runpath).toEqual(want.runpath);
  expect(info.stripped).toBe(want.stripped);
  expect(imports).toEqual(want.imports);
  expect(exports).toEqual(want.exports);
  for (const s of info.imports) if (s.version) expect([s.name, s.versionLibrary]).toEqual([s.name, want.versionLibraryOf(s.name, s.version)]);
}

const dir = buildFixtures('elf');
const fixtures = ['libgreet.so.2', 'hello', 'plain-nopie', 'plain-pie', 'plain-static', 'plain-rpath', 'plain-stripped', 'plain-aarch64', 'plain-aarch64-static'];
const system = ['/usr/bin/ls', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/bin/bash', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/bin/sqlite3'].filter((p) => existsSync(p));

describe('ELF facts agree with readelf', () => {
  test.each(fixtures)('fixture %s', (name) => compare(join(dir, name)));
  test.each(system)('system binary %s', (path) => compare(path));
});

describe('fixture properties the oracle relies on', () => {
  test('aarch64 builds are read fully; another machine is an unsupported-arch unknown, not a crash', () => {
    expect(ours(join(dir, 'plain-aarch64')).info).toMatchObject({ machine: 'aarch64', linking: 'dynamic', interpreter: '/lib/ld-linux-aarch64.so.1' });
    expect(ours(join(dir, 'plain-aarch64-static')).info).toMatchObject({ machine: 'aarch64', linking: 'static' });
    const arm = loadElf(join(dir, 'plain-arm32-machine'));
    expect(arm.decoded.info.machine).toBe('arm');
    expect(elfFacts(arm).filter((f) => f.kind === 'unknown').map((f) => f.kind === 'unknown' && f.reason)).toEqual(['unsupported-arch']);
  });
  test('the shared library has a SONAME, versioned exports and TLS', () => {
    const { info } = ours(join(dir, 'libgreet.so.2'));
    expect(info.soname).toBe('libgreet.so.2');
    expect(info.tls).toBe(true);
    expect(info.exports.find((s) => s.name === 'greet')).toMatchObject({ version: 'GREET_2.0', defaultVersion: true, type: 'func' });
    expect(info.exports.find((s) => s.name === 'greet_count')).toMatchObject({ version: 'GREET_2.0', type: 'object' });
  });
  test('hello imports greet@GREET_2.0 from libgreet.so.2 and dlopen from libc', () => {
    const { info } = ours(join(dir, 'hello'));
    expect(info.imports.find((s) => s.name === 'greet')).toMatchObject({ version: 'GREET_2.0', versionLibrary: 'libgreet.so.2' });
    expect(info.imports.find((s) => s.name === 'dlopen')?.versionLibrary).toBe('libc.so.6');
    expect(info.runpath).toEqual(['$ORIGIN']);
  });
  test('static, PIE and non-PIE builds are told apart', () => {
    expect(ours(join(dir, 'plain-static')).info).toMatchObject({ linking: 'static', type: 'EXEC', stripped: false });
    expect(ours(join(dir, 'plain-pie')).info.type).toBe('PIE');
    expect(ours(join(dir, 'plain-nopie')).info.type).toBe('EXEC');
    expect(ours(join(dir, 'plain-stripped')).info.stripped).toBe(true);
  });
});
