import { describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadElf, resolveDlopen, resolveLibraries } from '../../src/extract/elf/resolve-libraries.js';
import { resolveInRoot } from '../../src/inputs/rooted-path.js';
import { buildFixtures, run } from '../helpers/tools.js';

const dir = buildFixtures('elf');

/** Real paths ldd (the system loader in trace mode, run on our own fixtures and system binaries only) resolves. */
function lddPaths(path: string): string[] {
  const out = run('ldd', [path]);
  const paths = [...out.matchAll(/=>\s+(\/\S+)/g), ...out.matchAll(/^\s+(\/\S+)\s+\(/gm)].map((m) => realpathSync(m[1]));
  return [...new Set(paths)].sort();
}

function ourPaths(path: string): string[] {
  const closure = resolveLibraries([loadElf(path)]);
  return [...new Set([...closure.libraries.values()].map((l) => realpathSync(l.hostPath)))].sort();
}

describe('shared-library resolution agrees with ldd', () => {
  test.each([join(dir, 'hello'), '/usr/bin/ls', '/usr/bin/bash'])('%s', (path) => {
    expect(ourPaths(path)).toEqual(lddPaths(path));
  });
  test('$ORIGIN of a binary named by a relative path is its directory, not the root', () => {
    const rel = relative(process.cwd(), join(dir, 'hello'));
    expect(rel.startsWith('/')).toBe(false);
    const closure = resolveLibraries([loadElf(rel)]);
    expect(closure.edges.find((e) => e.soname === 'libgreet.so.2')).toMatchObject({ from: rel, resolved: join(dir, 'libgreet.so.2'), via: 'runpath' });
    expect(closure.unresolved).toEqual([]);
  });
  test('dlopen("name"): the caller\'s RUNPATH, then the system\'s directories, as ld.so', () => {
    const main = loadElf(join(dir, 'hello'));
    expect(resolveDlopen('libgreet.so.2', main, main)).toMatchObject({ via: 'runpath', lib: { path: join(dir, 'libgreet.so.2') } });
    const libc = resolveDlopen('libc.so.6', main, main);
    expect(realpathSync(libc.lib!.hostPath)).toBe(realpathSync(lddPaths(join(dir, 'hello')).find((p) => p.includes('libc.so'))!));
    expect(resolveDlopen('libukport-nowhere.so', main, main).lib).toBeUndefined();
    // a relative path depends on the working directory at run time: not guessed
    expect(resolveDlopen('./libgreet.so.2', main, main).lib).toBeUndefined();
  });
  test('RUNPATH $ORIGIN finds the fixture library next to the binary', () => {
    const closure = resolveLibraries([loadElf(join(dir, 'hello'))]);
    const edge = closure.edges.find((e) => e.soname === 'libgreet.so.2');
    expect(edge).toMatchObject({ from: join(dir, 'hello'), resolved: join(dir, 'libgreet.so.2'), via: 'runpath' });
    expect(closure.unresolved).toEqual([]);
  });
  test('a missing library is reported unresolved, and the search goes on', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ukport-res-'));
    try {
      copyFileSync(join(dir, 'hello'), join(tmp, 'hello'));
      const closure = resolveLibraries([loadElf(join(tmp, 'hello'))]);
      expect(closure.unresolved).toEqual([{ from: join(tmp, 'hello'), soname: 'libgreet.so.2' }]);
      expect(closure.edges.find((e) => e.soname === 'libc.so.6')?.resolved).toBeDefined();
    } finally { rmSync(tmp, { recursive: true, force: true }); }
  });
});

describe('--sysroot', () => {
  test('libraries are resolved inside the root and symlinks cannot leave it', () => {
    const root = mkdtempSync(join(tmpdir(), 'ukport-sysroot-'));
    try {
      mkdirSync(join(root, 'usr/bin'), { recursive: true });
      mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
      copyFileSync(join(dir, 'hello'), join(root, 'usr/bin/hello'));
      copyFileSync(join(dir, 'libgreet.so.2'), join(root, 'usr/lib/x86_64-linux-gnu/libgreet.so.2'));
      // Hostile links: /lib points at the host's real root, and libc.so.6 is an absolute link to the host libc.
      symlinkSync('/', join(root, 'lib'));
      symlinkSync('/usr/lib/x86_64-linux-gnu/libc.so.6', join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'));
      writeFileSync(join(root, 'etc'), '');
      const main = loadElf(join(root, 'usr/bin/hello'), '/usr/bin/hello');
      const closure = resolveLibraries([main], { sysroot: root });
      expect(closure.edges.find((e) => e.soname === 'libgreet.so.2')?.resolved).toBe('/usr/lib/x86_64-linux-gnu/libgreet.so.2');
      // The absolute link resolves inside the root, where the host libc is not: unresolved, never the host file.
      expect([...new Set(closure.unresolved.map((u) => u.soname))].sort()).toEqual(['/lib64/ld-linux-x86-64.so.2', 'ld-linux-x86-64.so.2', 'libc.so.6']);
      for (const lib of closure.libraries.values()) expect(lib.hostPath.startsWith(root)).toBe(true);
      expect(resolveInRoot(root, '/lib/etc/passwd')).toBeUndefined();
      expect(resolveInRoot(root, '/../../../../usr/bin/hello')).toBe(join(root, 'usr/bin/hello'));
    } finally { rmSync(root, { recursive: true, force: true }); }
  });
  test('a symlink loop inside the root is an error, not a hang', () => {
    const root = mkdtempSync(join(tmpdir(), 'ukport-loop-'));
    try {
      symlinkSync('b', join(root, 'a'));
      symlinkSync('a', join(root, 'b'));
      expect(() => resolveInRoot(root, '/a/x')).toThrow(/symlink loop|more than 40 links/);
    } finally { rmSync(root, { recursive: true, force: true }); }
  });
});
