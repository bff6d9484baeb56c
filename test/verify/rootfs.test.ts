import { describe, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootfsEntries } from '../../src/verify/rootfs-files.js';
import type { Report } from '../../src/model/index.js';
import { tempDir } from '../helpers/temp-dirs.js';

// A root like Debian's (merged /usr, versioned library files behind soname links), built in a temp dir.
function fakeRoot(): string {
  const root = tempDir('ukport-rootfs-');
  mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(join(root, 'etc/app'), { recursive: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  writeFileSync(join(root, 'usr/lib/x86_64-linux-gnu/libatomic.so.1.2.0'), 'lib');
  symlinkSync('libatomic.so.1.2.0', join(root, 'usr/lib/x86_64-linux-gnu/libatomic.so.1'));
  writeFileSync(join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'), 'ld');
  writeFileSync(join(root, 'usr/bin/app'), 'elf');
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/:/bin/sh\n');
  writeFileSync(join(root, 'etc/app/app.conf'), 'port 1\n');
  return root;
}

describe('binary-compat rootfs', () => {
  const report = {
    binaries: [{ path: '/usr/bin/app', interpreter: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' }],
    libraryGraph: [{ from: '/usr/bin/app', soname: 'libatomic.so.1', resolved: '/usr/lib/x86_64-linux-gnu/libatomic.so.1.2.0' }],
  } as unknown as Report;

  test('program, interpreter through the /lib link, the library under its soname, /etc basics, added paths', () => {
    const { entries, skipped } = rootfsEntries(report, fakeRoot(), undefined, ['/etc/app']);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('/lib')).toEqual({ path: '/lib', type: 'symlink', target: 'usr/lib' });
    expect(byPath.get('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')?.type).toBe('file');
    expect(byPath.get('/usr/lib/x86_64-linux-gnu/libatomic.so.1')).toEqual({ path: '/usr/lib/x86_64-linux-gnu/libatomic.so.1', type: 'symlink', target: 'libatomic.so.1.2.0' });
    expect(byPath.get('/usr/lib/x86_64-linux-gnu/libatomic.so.1.2.0')?.type).toBe('file');
    expect(byPath.get('/etc/passwd')?.type).toBe('file');
    expect(byPath.get('/etc/app/app.conf')?.type).toBe('file');
    expect(byPath.get('/usr/bin/app')?.type).toBe('file');
    expect(byPath.get('/etc')?.type).toBe('dir'); // app-elfloader needs /etc to exist
    expect(skipped.some((s) => s.startsWith('/etc/hosts'))).toBe(false); // base files only when present
  });

  test('the bounds stop what a rootfs takes from the host, and say so', () => {
    const { skipped } = rootfsEntries(report, fakeRoot(), { maxFiles: 100, maxBytes: 4 });
    expect(skipped.some((s) => s.includes('rootfs bounds reached'))).toBe(true);
  });
});
