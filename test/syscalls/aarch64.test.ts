import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLinuxSyscalls } from '../../src/data/linux-syscalls.js';
import { FIXTURES, ensureFixtures, missing, observe, predict, tempCache } from './helpers.js';

// aarch64 cross builds: numbers come from x8/w8 (svc #0). Oracle: qemu-aarch64 -strace of the same workload.
const SYSROOT = '/usr/aarch64-linux-gnu';
let cache: string;
let work: string;
const figures: string[] = [];
beforeAll(() => { ensureFixtures(); cache = tempCache(); work = mkdtempSync(join(tmpdir(), 'ukport-a64-')); });
afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  console.log(`aarch64 predicted vs observed (qemu -strace)\n${figures.join('\n')}`);
});

// What each source calls (glibc on aarch64 has no epoll_wait/open/fstat-less paths: the *at / p* forms).
const fromSource: Record<string, string[]> = {
  echo_server: ['socket', 'setsockopt', 'bind', 'listen', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'accept4', 'read', 'write', 'close'],
  file_copy: ['openat', 'sendfile', 'mmap', 'munmap', 'write', 'close'],
  threads: ['futex', 'clock_gettime', 'mprotect', 'munmap'],
  raw_syscalls: ['gettid', 'getpid', 'getuid', 'getppid'],
};

describe.each(['a64-static', 'a64-dyn'])('%s', (variant) => {
  test.each(Object.keys(fromSource))('%s: the source\'s syscalls are found with numbers from x8', (prog) => {
    const { syscalls } = predict(join(FIXTURES, `${prog}.${variant}`), cache, {}, variant === 'a64-dyn' ? SYSROOT : undefined);
    const table = loadLinuxSyscalls('aarch64');
    expect(missing(syscalls, new Set(fromSource[prog]))).toEqual([]);
    for (const s of fromSource[prog]) {
      expect(syscalls.get(s)!.nr).toBe(table.byName.get(s));
      expect(syscalls.get(s)!.arch).toBe('aarch64');
    }
    expect(syscalls.has('open')).toBe(false); // no legacy syscalls on arm64
  });

  // signals: its handlers return through the kernel's vDSO trampoline (glibc sets no SA_RESTORER on aarch64)
  test.each(['file_copy', 'threads', 'raw_syscalls', 'signals'])('%s: predicted ⊇ qemu-observed', async (prog) => {
    const bin = join(FIXTURES, `${prog}.${variant}`);
    const args = prog === 'file_copy' ? [writeSrc(), join(work, `dst-${variant}`)] : [];
    const observed = await observe(bin, args, undefined, 'qemu');
    const { syscalls } = predict(bin, cache, {}, variant === 'a64-dyn' ? SYSROOT : undefined);
    figures.push(`${prog}.${variant}: predicted ${syscalls.size}, observed ${observed.size}`);
    expect(missing(syscalls, observed)).toEqual([]);
    if (prog === 'signals') {
      expect(observed.has('rt_sigreturn')).toBe(true);
      expect(syscalls.get('rt_sigreturn')?.evidence[0]).toMatchObject({ extractor: 'aarch64.vdso', function: '__kernel_rt_sigreturn' });
    }
  }, 60_000);
});

function writeSrc(): string {
  const p = join(work, 'src.bin');
  writeFileSync(p, Buffer.alloc(50_000, 3));
  return p;
}
