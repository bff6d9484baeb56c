import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildIdOf, findDebugFile, readDebugSymbols } from '../../src/extract/elf/debug-symbols.js';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { FIXTURES, ensureFixtures, missing, observe, predict, tempCache } from './helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
let cache: string;
beforeAll(() => { ensureFixtures(); cache = tempCache(); });
afterAll(() => { delete process.env.DEBUGINFOD_CACHE_PATH; });

describe('separate debug files', () => {
  test('the build-id agrees with readelf -n', () => {
    for (const path of [LIBC, join(FIXTURES, 'signals.dyn')]) {
      const id = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', path], { encoding: 'utf8' }))?.[1];
      expect(id).toMatch(/^[0-9a-f]{40}$/);
      expect(buildIdOf(loadElf(path).elf)).toBe(id);
    }
  });

  test('found by build-id; only a file of the same build is read', () => {
    const work = tempDir('ukport-debug-');
    process.env.DEBUGINFOD_CACHE_PATH = join(work, 'debuginfod');
    // a stripped copy of a fixture, and its symbols kept aside the way distributions do
    const full = join(FIXTURES, 'signals.dyn'), stripped = join(work, 'signals.stripped'), debug = join(work, 'signals.debug');
    execFileSync('objcopy', ['--only-keep-debug', full, debug]);
    execFileSync('objcopy', ['--strip-all', full, stripped]);
    const mod = loadElf(stripped), elf = mod.elf;
    const id = buildIdOf(elf)!;
    expect(mod.decoded.buildId).toBe(id);
    expect(findDebugFile(mod)).toBeUndefined();
    mkdirSync(join(work, 'debuginfod', id), { recursive: true });
    const slot = join(work, 'debuginfod', id, 'debuginfo');
    copyFileSync(debug, slot);
    expect(findDebugFile(mod)).toBe(slot);
    expect(readDebugSymbols(elf, id, slot)?.map((s) => s.name)).toEqual(expect.arrayContaining(['main', 'on_signal']));
    // another build's debug file under this id is ignored
    copyFileSync(join(FIXTURES, 'file_copy.dyn'), slot);
    expect(readDebugSymbols(elf, id, slot)).toBeUndefined();
    // an unstripped file needs none
    expect(findDebugFile(loadElf(full))).toBeUndefined();
  });

  // Oracle: strace sees the handler return through glibc's restorer (rt_sigreturn). __restore_rt has neither
  // a symbol nor an FDE of its own in the stripped libc: only the address sigaction takes of it leads there.
  test.each([false, true])('signals.dyn ⊇ strace, debug symbols %s', async (debugSymbols) => {
    const observed = await observe(join(FIXTURES, 'signals.dyn'), []);
    expect(observed.has('rt_sigreturn')).toBe(true);
    const { syscalls } = predict(join(FIXTURES, 'signals.dyn'), cache, { debugSymbols });
    expect(missing(syscalls, observed)).toEqual([]);
  }, 60_000);

  // libc6-dbg is installed by scripts/apt-packages.txt: its symbols bound glibc's objects, which cuts the
  // function pointers a program can reach through data, and never loses what strace sees.
  test('with libc6-dbg, libc\'s own symbols tighten the prediction', async () => {
    const dbg = findDebugFile(loadElf(LIBC));
    if (!dbg) { console.log('libc6-dbg not installed: skipped'); return; }
    expect(dbg).toMatch(/^\/usr\/lib\/debug\/\.build-id\/[0-9a-f]{2}\/[0-9a-f]+\.debug$/);
    const src = join(tempDir('ukport-debug-fc-'), 'src');
    execFileSync('dd', ['if=/dev/zero', `of=${src}`, 'bs=1000', 'count=100', 'status=none']);
    const observed = await observe(join(FIXTURES, 'file_copy.dyn'), [src, `${src}.out`]);
    const plain = predict(join(FIXTURES, 'file_copy.dyn'), cache, { debugSymbols: false }).syscalls;
    const withDebug = predict(join(FIXTURES, 'file_copy.dyn'), cache).syscalls;
    console.log(`file_copy.dyn: ${plain.size} predicted without debug symbols, ${withDebug.size} with, ${observed.size} observed`);
    expect(missing(withDebug, observed)).toEqual([]);
    expect(withDebug.size).toBeLessThan(plain.size - 10);
    expect([...withDebug.keys()].filter((s) => !plain.has(s))).toEqual([]);
  }, 60_000);
});
