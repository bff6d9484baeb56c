import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCpio } from '../../src/verify/cpio.js';
import { tempDir } from '../helpers/temp-dirs.js';

// GNU cpio (scripts/apt-packages.txt) is the oracle: it lists and extracts what writeCpio packs.
describe('writeCpio (newc)', () => {
  const archive = writeCpio([
    { path: '/usr/bin/app', type: 'file', data: Buffer.from('#!ELF-ish\n'), mode: 0o755 },
    { path: '/etc', type: 'dir' },
    { path: '/etc/passwd', type: 'file', data: Buffer.from('root:x:0:0::/:/bin/sh\n') },
    { path: '/lib', type: 'symlink', target: 'usr/lib' },
    { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', type: 'file', data: Buffer.alloc(4099, 7) },
  ]);

  test('cpio -t lists every entry and the parent directories, parents first', () => {
    const listed = execFileSync('cpio', ['-t', '--quiet'], { input: archive }).toString().trim().split('\n');
    expect(listed).toEqual(['usr', 'usr/bin', 'usr/bin/app', 'etc', 'etc/passwd', 'lib', 'usr/lib', 'usr/lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu/libc.so.6']);
  });

  test('cpio -i extracts the same bytes, modes and link targets', () => {
    const dir = tempDir('ukport-cpio-');
    execFileSync('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames'], { input: archive, cwd: dir });
    expect(readFileSync(join(dir, 'usr/bin/app'), 'utf8')).toBe('#!ELF-ish\n');
    expect(statSync(join(dir, 'usr/bin/app')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(dir, 'usr/lib/x86_64-linux-gnu/libc.so.6')).equals(Buffer.alloc(4099, 7))).toBe(true);
    expect(readlinkSync(join(dir, 'lib'))).toBe('usr/lib');
  });

  test('the archive is newc with 4-byte alignment and ends with the trailer', () => {
    expect(archive.subarray(0, 6).toString()).toBe('070701');
    expect(archive.length % 4).toBe(0);
    expect(archive.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
  });

  test('a path that climbs out is refused', () => {
    expect(() => writeCpio([{ path: '/etc/../../x', type: 'dir' }])).toThrow(/bad cpio path/);
  });

  test('cpio -t agrees on a tree packed from real files', () => {
    const dir = tempDir('ukport-cpio-src-');
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(join(dir, 'a/b/c.txt'), 'x'.repeat(1000));
    const packed = writeCpio([{ path: '/a/b/c.txt', type: 'file', data: readFileSync(join(dir, 'a/b/c.txt')) }]);
    const verbose = execFileSync('cpio', ['-t', '-v', '--quiet'], { input: packed }).toString();
    expect(verbose).toMatch(/-rw-r--r--.*1000 .*a\/b\/c\.txt/);
  });
});
