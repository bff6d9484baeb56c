import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf, resolveLibraries } from '../../src/extract/elf/resolve-libraries.js';
import { extractSyscalls } from '../../src/extract/syscalls.js';
import { x86Scanner } from '../../src/extract/elf/syscalls-x86_64.js';
import * as graphCache from '../../src/extract/libc/graph-cache.js';
import { loadLibcSummary, rebuiltNames } from '../../src/extract/libc/native-libc.js';
import { FIXTURES, ensureFixtures, missing, observe, predict, serveOnce, tempCache } from './helpers.js';

const { loadModuleGraph } = graphCache;
// graphs may also be kept in memory per process; drop them so each load below goes to disk
const forget = (): void => (graphCache as { forgetModuleGraphs?: () => void }).forgetModuleGraphs?.();
let cache: string;
let work: string;
beforeAll(() => { ensureFixtures(); cache = tempCache(); work = mkdtempSync(join(tmpdir(), 'ukport-native-')); });
afterAll(() => { rmSync(cache, { recursive: true, force: true }); rmSync(work, { recursive: true, force: true }); });

describe('native mode (--libc musl)', () => {
  test('the shipped musl summaries carry provenance and map read/socket to their syscalls', () => {
    const t = loadLibcSummary('musl', 'x86_64');
    expect(t.provenance.repo).toBe('deb:musl');
    expect(t.provenance.extra?.[0].commit).toMatch(/^[0-9a-f]{64}$/);
    expect(t.functions.read).toContain('read');
    expect(t.functions.socket).toContain('socket');
    expect(t.functions.sendfile).toContain('sendfile');
    expect(t.functions.epoll_wait).toContain('epoll_pwait'); // musl implements epoll_wait with epoll_pwait
  });

  // Oracle: the same source rebuilt against musl (our static musl build) under strace.
  test.each(['file_copy', 'threads', 'raw_syscalls'])('%s.dyn mapped through musl ⊇ strace of %s.musl', async (prog) => {
    const args = prog === 'file_copy' ? [writeSrc(), join(work, 'out.bin')] : [];
    const observed = await observe(join(FIXTURES, `${prog}.musl`), args);
    const native = predict(join(FIXTURES, `${prog}.dyn`), cache, { mode: 'native', libc: 'musl' });
    const compat = predict(join(FIXTURES, `${prog}.dyn`), cache);
    console.log(`${prog}: native ${native.syscalls.size} (binary-compat ${compat.syscalls.size}), observed with musl ${observed.size}`);
    expect(missing(native.syscalls, observed)).toEqual([]);
    // glibc's loader is gone in native mode
    expect(native.syscalls.has('arch_prctl') || native.syscalls.has('set_tid_address')).toBe(true);
    expect([...native.syscalls.values()].some((f) => f.evidence.some((e) => e.artifact.includes('ld-linux')))).toBe(false);
  }, 60_000);
});

describe('native mode on aarch64 (--libc musl)', () => {
  test('the shipped aarch64 musl summaries come from Debian\'s musl:arm64 and use aarch64\'s syscalls', () => {
    const t = loadLibcSummary('musl', 'aarch64');
    expect([t.arch, t.provenance.repo, t.provenance.tag]).toEqual(['aarch64', 'deb:musl', '1.2.3-1']);
    expect(t.provenance.extra?.[0]).toMatchObject({ repo: 'file:/usr/lib/aarch64-linux-musl/libc.so', tag: 'sha256' });
    // aarch64 has no open, fork or poll: musl's open.c uses openat, fork uses clone, poll uses ppoll (arch/aarch64/bits/syscall.h)
    expect(t.functions.open).toContain('openat');
    expect(t.functions.open).not.toContain('open');
    expect(t.functions.fork).toContain('clone');
    expect(t.functions.poll).toContain('ppoll');
    expect(t.functions.socket).toContain('socket');
    // the data objects musl exports, read from the same libc.so
    expect(t.objects).toEqual(expect.arrayContaining(['stdout', 'stderr', 'environ', 'optarg', 'program_invocation_name']));
  });

  // Oracle: the same source built static against musl for aarch64, run under qemu-aarch64 -strace.
  test.each(['file_copy', 'threads', 'raw_syscalls', 'echo_server'])('%s.a64-dyn mapped through musl ⊇ qemu-strace of %s.a64-musl', async (prog) => {
    const args = prog === 'file_copy' ? [writeSrc(), join(work, 'out-a64.bin')] : [];
    const observed = await observe(join(FIXTURES, `${prog}.a64-musl`), args, prog === 'echo_server' ? serveOnce : undefined, 'qemu');
    const native = predict(join(FIXTURES, `${prog}.a64-dyn`), cache, { mode: 'native', libc: 'musl' }, '/usr/aarch64-linux-gnu');
    console.log(`${prog} (aarch64): native ${native.syscalls.size}, observed with musl ${observed.size}`);
    expect(observed.size).toBeGreaterThan(3);
    expect(missing(native.syscalls, observed)).toEqual([]);
    expect([...native.syscalls.values()].every((f) => f.arch === 'aarch64')).toBe(true);
  }, 60_000);
});

describe('native mode: glibc ABI names of a rebuilt program', () => {
  test('rebuiltNames maps fortify, LFS and ISO C variants to the plain function', () => {
    expect(rebuiltNames('__printf_chk')).toEqual(['__printf_chk', 'printf']);
    expect(rebuiltNames('fopen64')).toEqual(['fopen64', 'fopen']);
    expect(rebuiltNames('__isoc99_sscanf')).toEqual(['__isoc99_sscanf', 'sscanf']);
    expect(rebuiltNames('read')).toEqual(['read']);
  });

  // Oracle: gcc with _FORTIFY_SOURCE emits the glibc ABI names; the program rebuilt against musl calls the
  // plain functions, which musl's summaries know.
  test.each(['musl', 'newlib'] as const)('a fortified, large-file build mapped through %s has no unresolved glibc names', (libc) => {
    const src = join(work, 'fortified.c');
    writeFileSync(src, '#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) { char b[16]; FILE *f = fopen(v[0], "r");\n'
      + '  snprintf(b, sizeof b, "%d", c); printf("%s %p\\n", b, (void *)f); int n = 0; sscanf(b, "%d", &n); return n; }\n');
    const bin = join(work, 'fortified');
    const cc = spawnSync('gcc', ['-O2', '-D_FORTIFY_SOURCE=2', '-D_FILE_OFFSET_BITS=64', '-fstack-protector-strong', src, '-o', bin], { encoding: 'utf8' });
    expect(cc.stderr).toBe('');
    const imports = loadElf(bin).decoded.info.imports.map((s) => s.name);
    expect(imports).toEqual(expect.arrayContaining(['__printf_chk', '__snprintf_chk', 'fopen64', '__isoc99_sscanf', '__stack_chk_fail']));
    const native = predict(bin, cache, { mode: 'native', libc });
    expect(native.unknowns).toBe(0);
    // musl's stdout writes with writev (strace of this program built with musl-gcc: open, ioctl, writev; no write);
    // newlib's _write_r calls write
    expect([...native.syscalls.keys()]).toEqual(expect.arrayContaining(['open', libc === 'musl' ? 'writev' : 'write']));
  });
});

describe('unresolved imports', () => {
  // Oracle: nm lists the extension's undefined C API symbols; the interpreter that imports the module provides them.
  test('a Python extension module\'s C API imports are one unknown naming them all', () => {
    const ext = new URL('../../fixtures/build/python-app/app/zlibext.so', import.meta.url).pathname;
    const undefinedPy = spawnSync('nm', ['-D', '--undefined-only', ext], { encoding: 'utf8' }).stdout
      .split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((n) => /^_?Py/.test(n)).sort();
    expect(undefinedPy.length).toBeGreaterThanOrEqual(3);
    const main = loadElf(ext);
    const facts = extractSyscalls(main, resolveLibraries([main]), { mode: 'binary-compat', cacheDir: cache }).facts;
    const api = facts.filter((f) => f.kind === 'unknown' && /Python C API/.test(f.message));
    expect(api).toHaveLength(1);
    expect((api[0] as { evidence: { detail?: string }[] }).evidence[0].detail!.split(' ').sort()).toEqual(undefinedPy);
    expect(facts.filter((f) => f.kind === 'unknown' && /imported function _?Py/.test(f.message))).toEqual([]);
  });

  test('an import missing at many call sites is one unknown', () => {
    const main = loadElf('/usr/bin/ls');
    const facts = extractSyscalls(main, resolveLibraries([main]), { mode: 'native', libc: 'newlib', cacheDir: cache }).facts;
    const names = facts.flatMap((f) => (f.kind === 'unknown' && f.reason === 'unresolved-library' ? [/imported function (\S+)/.exec(f.message)?.[1]] : []));
    expect(names.length).toBeGreaterThan(3);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('module graph cache', () => {
  test('entries are written atomically, reused, and a tampered entry is discarded', () => {
    const dir = tempCache();
    try {
      const mod = loadElf(join(FIXTURES, 'raw_syscalls.static'));
      const g1 = loadModuleGraph(mod, x86Scanner, { cacheDir: dir });
      const sub = join(dir, readdirSync(dir)[0]);
      const files = readdirSync(sub);
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(files).toEqual([`x86_64-${mod.decoded.info.sha256}.graph`]);
      const file = join(sub, files[0]);
      forget();
      expect(loadModuleGraph(mod, x86Scanner, { cacheDir: dir })).toEqual(g1);
      // flip one syscall number inside the payload: the digest no longer matches
      const bytes = readFileSync(file);
      const env = JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(10))) as { digest: string };
      const g = graphCache.parseEntry(bytes);
      const fn = g.sites.findIndex((s: number[]) => s.length > 0);
      g.sites[fn][0] = 999;
      writeFileSync(file, graphCache.encodeEntry(g, undefined, env.digest));
      forget();
      expect(loadModuleGraph(mod, x86Scanner, { cacheDir: dir })).toEqual(g1);
      writeFileSync(file, '{ not json');
      forget();
      expect(loadModuleGraph(mod, x86Scanner, { cacheDir: dir })).toEqual(g1);
      const again = readFileSync(file);
      expect(JSON.parse(again.toString('utf8', 0, again.indexOf(10))).format).toBe('ukport-module-graph');
      rmSync(file);
      forget();
      loadModuleGraph(mod, x86Scanner, { cacheDir: dir, noCache: true });
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evidence', () => {
  test('library syscalls carry a bounded chain from the imported symbol; loader syscalls are startup', () => {
    const { syscalls } = predict(join(FIXTURES, 'file_copy.dyn'), cache);
    const sendfile = syscalls.get('sendfile')!;
    expect(sendfile.class).toBe('program');
    const ev = sendfile.evidence[0];
    expect(ev.chain![0]).toContain('main');
    // the import as readelf names it, e.g. sendfile@GLIBC_2.2.5
    const imported = /\b(sendfile@\w+[\d.]*)/.exec(spawnSync('readelf', ['-W', '--dyn-syms', join(FIXTURES, 'file_copy.dyn')], { encoding: 'utf8' }).stdout)![1];
    expect(ev.chain).toContain(imported);
    expect(ev.chain![ev.chain!.length - 1]).toBe('sendfile');
    expect(ev.address).toMatch(/^0x[0-9a-f]+$/);
    for (const f of syscalls.values()) for (const e of f.evidence) expect(e.chain!.length).toBeLessThanOrEqual(8);
    for (const s of ['arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq']) expect(syscalls.get(s)?.class).toBe('startup');
  });

  test('syscall(SYS_x) constants are recovered at the call site of the wrapper', () => {
    const { syscalls } = predict(join(FIXTURES, 'raw_syscalls.dyn'), cache);
    for (const s of ['gettid', 'getpid', 'getuid']) {
      const e = syscalls.get(s)!.evidence.find((x) => x.extractor === 'x86_64.syscall-wrapper');
      expect(e?.function).toBe('main');
      expect(e?.detail).toContain('syscall');
    }
    expect(syscalls.get('getppid')!.evidence.some((e) => e.function === 'main' && e.extractor === 'x86_64.syscall-site')).toBe(true);
  });
});

describe('constant arguments', () => {
  test('flags and domains reach the facts from the program\'s call sites (oracle: the C headers via gcc)', () => {
    const c = join(work, 'consts.c');
    writeFileSync(c, '#include <stdio.h>\n#include <sys/socket.h>\n#include <sys/mman.h>\nint main(void){printf("%d %d %d %d\\n", AF_INET, SOCK_STREAM|SOCK_CLOEXEC, PROT_READ, MAP_PRIVATE);return 0;}\n');
    expect(spawnSync('gcc', ['-o', join(work, 'consts'), c]).status).toBe(0);
    const [afInet, streamCloexec, protRead, mapPrivate] = spawnSync(join(work, 'consts'), { encoding: 'utf8' }).stdout.trim().split(' ').map(Number);
    for (const variant of ['dyn', 'static', 'musl']) {
      const server = predict(join(FIXTURES, `echo_server.${variant}`), cache).syscalls;
      expect(server.get('socket')!.constArgs?.[0]).toContain(afInet);
      expect(server.get('socket')!.constArgs?.[1]).toContain(streamCloexec);
    }
    const copier = predict(join(FIXTURES, 'file_copy.dyn'), cache).syscalls;
    expect(copier.get('mmap')!.constArgs?.[2]).toContain(protRead);
    expect(copier.get('mmap')!.constArgs?.[3]).toContain(mapPrivate);
  });
});

function writeSrc(): string {
  const p = join(work, 'src.bin');
  writeFileSync(p, Buffer.alloc(30_000, 1));
  return p;
}

// Unikraft's newlib, built by `tables sync --newlib-summaries` from lib-newlib's sources (see src/sync/newlib-build.ts).
describe('native mode (--libc newlib)', () => {
  test('the shipped newlib summaries carry provenance and agree with newlib\'s and lib-newlib\'s sources', () => {
    const t = loadLibcSummary('newlib', 'x86_64');
    expect(t.provenance.repo).toBe('https://github.com/unikraft/lib-newlib');
    expect(t.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(t.provenance.extra?.[0]).toMatchObject({ tag: 'newlib-snapshot-20170922', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const f = t.functions;
    // stdio/fopen.c: _fopen_r → _open_r (reent/openr.c) → open
    expect(f.fopen).toContain('open');
    // printf → _vfprintf_r → __sfvwrite_r → __swrite → _write_r → write
    expect(f.printf).toContain('write');
    // stdio/makebuf.c sizes buffers with _fstat_r
    expect(f.fwrite).toContain('fstat');
    // -DMALLOC_PROVIDED: Unikraft's allocator, not a syscall
    expect(f.malloc).toEqual([]);
    // lib-newlib console.c: isatty() is fstat + S_ISCHR
    expect(f.isatty).toEqual(['fstat']);
    // stdlib/mktemp.c: _gettemp stats the directory and opens O_CREAT|O_EXCL, seeded with getpid
    expect(f.mkstemp).toEqual(expect.arrayContaining(['getpid', 'open', 'stat']));
    // not newlib's: the syscall shim defines the libc-level function (UK_LIBC_SYSCALLS)
    expect(f.socket).toEqual(['socket']);
    expect(f.pread).toEqual(['pread64']);
    // lib-newlib syscall.c forwards syscall(n, …) to uk_syscall(n, …): a wrapper
    expect(f['(syscall-wrappers)']).toContain('syscall:0');
    expect(f.strlen).toEqual([]);
  });

  // Oracle: strace of the same source rebuilt against musl, restricted to the syscalls the program itself
  // calls by name (newlib has no start-up or allocator syscalls of its own to compare with).
  test.each(['file_copy', 'echo_server'])('%s.dyn mapped through newlib ⊇ its own calls seen by strace', async (prog) => {
    const args = prog === 'file_copy' ? [writeSrc(), join(work, 'out-newlib.bin')] : [String(20000 + Math.floor(Math.random() * 20000))];
    const observed = await observe(join(FIXTURES, `${prog}.musl`), args, prog === 'echo_server' ? serveOnce : undefined);
    const source = readFileSync(new URL(`../../fixtures/syscalls/${prog}.c`, import.meta.url), 'utf8');
    const called = new Set([...observed].filter((s) => new RegExp(`\\b${s}\\s*\\(`).test(source)));
    const native = predict(join(FIXTURES, `${prog}.dyn`), cache, { mode: 'native', libc: 'newlib' });
    console.log(`${prog}: native newlib ${native.syscalls.size}, called by name and observed ${called.size} (${[...called].join(' ')})`);
    expect(called.size).toBeGreaterThanOrEqual(prog === 'file_copy' ? 5 : 9);
    expect(missing(native.syscalls, called)).toEqual([]);
    // perror/printf reach write through newlib's stdio, not glibc's
    const write = native.syscalls.get('write');
    expect(write?.evidence.some((e) => e.artifact.includes('newlib-x86_64.json'))).toBe(true);
    expect([...native.syscalls.values()].some((x) => x.evidence.some((e) => /ld-linux|libc\.so/.test(e.artifact)))).toBe(false);
  }, 60_000);
});
