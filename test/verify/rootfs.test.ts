import { describe, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootfsEntries, rootfsFromImage } from '../../src/verify/rootfs-files.js';
import type { PlannedImage, Report } from '../../src/model/index.js';
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

  test('from the plan\'s image: exactly what the Dockerfile copies, content through host links, at the image paths', () => {
    const root = fakeRoot();
    const image: PlannedImage = {
      entry: '/usr/local/bin/app',
      files: [
        { path: '/usr/local/bin/app', source: join(root, 'usr/bin/app'), role: 'program', why: 'the program' },
        { path: '/usr/lib/x86_64-linux-gnu/libatomic.so.1', source: join(root, 'usr/lib/x86_64-linux-gnu/libatomic.so.1'), role: 'library', why: 'DT_NEEDED' },
        { path: '/etc/app/app.conf', source: join(root, 'etc/app/app.conf'), role: 'config', why: 'named in the program' },
        { path: '/etc/gone', source: join(root, 'etc/gone'), role: 'config', why: 'named in the program' },
      ],
      generated: [{ path: '/etc/nsswitch.conf', content: 'passwd: files\n', why: 'generated' }],
      directories: ['/var/log/app'],
      missing: [],
    };
    const { entries, skipped } = rootfsFromImage(image);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual(['/etc/app/app.conf', '/etc/nsswitch.conf', '/usr/lib/x86_64-linux-gnu/libatomic.so.1', '/usr/local/bin/app', '/var/log/app']);
    const lib = byPath.get('/usr/lib/x86_64-linux-gnu/libatomic.so.1');
    expect(lib?.type === 'file' && lib.data.toString()).toBe('lib'); // the link's content, as COPY takes it
    const conf = byPath.get('/etc/nsswitch.conf');
    expect(conf?.type === 'file' && conf.data.toString()).toBe('passwd: files\n');
    expect(byPath.has('/etc/passwd')).toBe(false); // nothing the image does not list
    expect(skipped).toEqual([`/etc/gone (${join(root, 'etc/gone')} is not a regular file)`]);
  });
});
