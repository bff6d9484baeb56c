import { describe, expect, test } from '@jest/globals';
import { parseSyscallent, syncLinuxSyscalls } from '../../src/sync/linux-syscalls.js';

const TREE = new URL('../../fixtures/strace-tree/', import.meta.url).pathname;

describe('syncLinuxSyscalls', () => {
  test('reads both arches through strace include chains', () => {
    const [x86, arm] = syncLinuxSyscalls(TREE, { tag: 'fixture', commit: 'unknown' });
    expect(x86!.arch).toBe('x86_64');
    expect(x86!.syscalls).toEqual({ read: 0, open: 2, poll: 7, rseq: 334, clone3: 435, futex_waitv: 449 });
    expect(arm!.arch).toBe('aarch64');
    expect(arm!.syscalls).toEqual({ openat: 56, read: 63, rseq: 293, clone3: 435, futex_waitv: 449 });
    expect(x86!.provenance.repo).toBe('https://github.com/strace/strace');
    expect(x86!.provenance.generator).toMatch(/^ukport \S+ linux-syscalls$/);
  });
  test('drops x32 numbers (512+) and keeps the first number of a repeated name', () => {
    const files: Record<string, string> = {
      '/t/a.h': '[ 19] = { 3, TD, SEN(readv), "readv" },\n[515] = { 3, TD, SEN(readv), "readv" },\n[ 20] = { 3, TD, SEN(writev), "writev" },\n',
    };
    const m = parseSyscallent('/t/a.h', [], (p) => files[p]!);
    expect([...m]).toEqual([['readv', 19], ['writev', 20]]);
  });
});
