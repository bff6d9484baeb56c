import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { resolveInRoot } from '../../src/inputs/rooted-path.js';
import { writeFilesConfined } from '../../src/cli/write-files.js';
import { UkportError } from '../../src/errors.js';
import { buildFixtures } from '../helpers/tools.js';

const ELF = buildFixtures('elf');
const HOST_LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
let dir: string;
let root: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ukport-security-'));
  // a sysroot whose every library path leads out of it: absolute links to /, relative links climbing past the root
  root = join(dir, 'root');
  mkdirSync(join(root, 'app'), { recursive: true });
  mkdirSync(join(root, 'usr', 'lib'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  copyFileSync(join(ELF, 'hello'), join(root, 'app', 'hello'));
  copyFileSync(join(ELF, 'libgreet.so.2'), join(root, 'app', 'libgreet.so.2'));
  symlinkSync('/', join(root, 'lib'));
  symlinkSync('/lib64', join(root, 'lib64'));
  symlinkSync('../../../../../../../../../../usr/lib/x86_64-linux-gnu', join(root, 'usr', 'lib', 'x86_64-linux-gnu'));
  symlinkSync('/etc/ld.so.cache', join(root, 'etc', 'ld.so.cache'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a sysroot is a jail for library resolution', () => {
  test('the host libc exists (control), but no symlink in the sysroot reaches it', () => {
    expect(existsSync(HOST_LIBC)).toBe(true);
    for (const p of ['/lib/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2', '/lib/etc/passwd', '/etc/ld.so.cache']) {
      let host: string | undefined;
      try {
        host = resolveInRoot(root, p);
      } catch (e) {
        // /lib64 → /lib64 and /etc/ld.so.cache → /etc/ld.so.cache point at themselves inside the root
        expect([p, e instanceof UkportError && e.code]).toEqual([p, 'symlink-loop']);
        continue;
      }
      // an absolute link target is re-read inside the root; `..` stops at the root, as in a chroot
      if (host !== undefined) expect(host.startsWith(root + '/')).toBe(true);
    }
    expect(resolveInRoot(root, '/lib/app/hello')).toBe(join(root, 'app', 'hello'));
  });

  test('scanning inside the sysroot resolves only what is inside it', async () => {
    const report = await runPipeline({ paths: [join(root, 'app', 'hello')], sysroot: root, noCache: true });
    const resolved = report.libraryGraph.filter((e) => e.resolved).map((e) => e.resolved!);
    // libgreet through RUNPATH $ORIGIN → /app, inside; libc and the loader: not found, never the host's
    expect(report.libraryGraph.find((e) => e.soname === 'libc.so.6')?.resolved).toBeUndefined();
    expect(report.libraryGraph.find((e) => e.soname.startsWith('/lib64/ld-linux'))?.resolved).toBeUndefined();
    for (const r of resolved) expect(r).not.toBe(HOST_LIBC);
    expect(report.facts.some((f) => f.kind === 'unknown' && f.reason === 'unresolved-library' && f.message.startsWith('libc.so.6 not found'))).toBe(true);
  });
});

describe('outputs stay under --out', () => {
  test('escaping names and symlinks inside the output directory are refused; nothing is written outside', () => {
    const out = join(dir, 'out');
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    mkdirSync(out);
    symlinkSync(outside, join(out, 'link'));
    for (const rel of ['../escape.txt', '/tmp/abs.txt', 'link/through-symlink.txt', 'a/../../escape2.txt']) {
      expect(() => writeFilesConfined(out, new Map([[rel, 'x']]))).toThrow(UkportError);
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(dir, 'escape.txt'))).toBe(false);
    expect(existsSync(join(dir, 'escape2.txt'))).toBe(false);
  });
});

describe('nothing scanned is executed', () => {
  test('a program and a script that would leave a marker when run are scanned; no marker appears', async () => {
    const d = join(dir, 'exec');
    mkdirSync(d);
    const marker = join(d, 'MARKER');
    writeFileSync(join(d, 'touch.c'), `#include <stdio.h>\nint main(void){FILE*f=fopen("${marker}","w");return f?0:1;}\n`);
    execFileSync('gcc', ['-o', join(d, 'touch-bin'), join(d, 'touch.c')]);
    writeFileSync(join(d, 'touch.sh'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const report = await runPipeline({ paths: [d], noCache: true });
    expect(report.binaries.map((b) => b.path)).toContain(join(d, 'touch-bin'));
    expect(existsSync(marker)).toBe(false);
  });
});
