import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dirs.js';
import { buildModuleGraph, scannerFor } from '../../src/extract/elf/call-graph.js';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { loadLibcSummary } from '../../src/extract/libc/native-libc.js';

// Debian's musl:arm64 (scripts/apt-packages.txt: musl-dev:arm64)
const MUSL_A64 = '/usr/lib/aarch64-linux-musl/libc.so';

// aarch64 has no object tracking: every pointer stored in data is a root once an indirect call is reachable. A GOT
// slot is different: position-independent code loads it where it uses the pointer (adrp + ldr), which gives the
// loading function a reference edge, so the slot itself is no root (as on x86-64 with object tracking).
(existsSync(MUSL_A64) ? describe : describe.skip)('aarch64 GOT slots are references of the code that loads them, not data roots', () => {
  const mod = loadElf(MUSL_A64);
  const g = buildModuleGraph(mod, scannerFor(mod.elf.machine, mod.elf.class)!);
  const index = (name: string): number => g.exports[name] ?? g.names.indexOf(name);

  test('execve and malloc, whose addresses musl loads from the GOT, are no data roots; .data pointers still are', () => {
    const roots = g.dataRoots.map((f) => g.names[f]);
    expect(roots).not.toContain('execve');
    expect(roots).not.toContain('malloc');
    // musl's .data holds function pointers of its own (stdio's FILE methods): they stay roots
    expect(g.dataRoots.length).toBeGreaterThan(0);
  });

  test('posix_spawn\'s child, which loads &execve from the GOT, references execve', () => {
    const execve = index('execve');
    const referrers = g.names.map((_n, f) => f).filter((f) => [...g.refs.at(f)].includes(execve));
    expect(referrers.length).toBeGreaterThan(0);
  });

  test('the shipped aarch64 summaries reach execve from the same 13 functions as x86_64\'s (exec*, popen, posix_spawn, system, wordexp)', () => {
    const reaching = (arch: 'x86_64' | 'aarch64') => Object.entries(loadLibcSummary('musl', arch).functions).filter(([, s]) => s.includes('execve')).map(([f]) => f).sort();
    expect(reaching('aarch64')).toEqual(reaching('x86_64'));
    expect(reaching('aarch64')).toEqual(['execl', 'execle', 'execlp', 'execv', 'execve', 'execvp', 'execvpe', 'fexecve', 'popen', 'posix_spawn', 'posix_spawnp', 'system', 'wordexp']);
  });
});

// Code that obtains the GOT's own address may read any slot: then every GOT slot stays a root.
describe('an aarch64 library whose code takes the GOT\'s address', () => {
  const build = (name: string, withWholeGot: boolean): string => {
    const dir = tempDir('ukport-got-');
    const src = join(dir, `${name}.c`);
    writeFileSync(src, '#include <unistd.h>\nvoid target(void) { getppid(); }\nvoid *take_address(void) { return (void *)&target; }\n'
      + (withWholeGot ? 'extern char _GLOBAL_OFFSET_TABLE_[];\nvoid *whole_got(void) { return _GLOBAL_OFFSET_TABLE_; }\n' : ''));
    const out = join(dir, `${name}.so`);
    execFileSync('aarch64-linux-gnu-gcc', ['-O2', '-shared', '-fPIC', '-o', out, src]);
    return out;
  };
  const roots = (path: string): string[] => {
    const mod = loadElf(path);
    const g = buildModuleGraph(mod, scannerFor(mod.elf.machine, mod.elf.class)!);
    return g.dataRoots.map((f) => g.names[f]!);
  };

  test('&target loaded from its GOT slot: target is no root; with whole_got() it is', () => {
    expect(roots(build('loads', false))).not.toContain('target');
    expect(roots(build('whole', true))).toContain('target');
  });
});
