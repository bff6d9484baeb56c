import { describe, expect, test } from '@jest/globals';
import type { SyscallCoverage, UnikraftTable } from '../../src/model/coverage.js';
import { loadTables } from '../../src/data/tables.js';

// What unikraft/docs content/releases/v0.19.0 … v0.21.0.mdx state, checked on the shipped (partial) tables, with the
// release before as the control: each fact holds from its release on and not before.
const tables = loadTables();
const at = (r: string): UnikraftTable => tables.unikraft.find((t) => t.release === r)!;
const row = (r: string, n: string): string => {
  const c: SyscallCoverage | undefined = at(r).syscalls[n];
  return c && c.status !== 'missing' ? `${c.status} ${c.library} ${c.kconfig}` : 'missing';
};
/** The release notes (or a blog post about that release) are among the entry's sources. */
const notedIn = (r: string, n: string): boolean => (at(r).syscalls[n]?.sources ?? []).some((s) => s.kind === 'release-note' && s.release === r);

describe('shipped tables v0.19.0 → v0.21.0: what each release note states', () => {
  test('the tables after v0.18.0 are partial, built from the exact v0.18.0, and say how', () => {
    expect(at('v0.18.0').partial).toBeUndefined();
    for (const r of ['v0.19.0', 'v0.19.1', 'v0.20.0', 'v0.21.0']) {
      expect(at(r).partial).toMatchObject({ basis: 'v0.18.0', releaseNote: { repo: 'https://github.com/unikraft/docs', path: `content/releases/${r}.mdx` } });
      // every entry names where it comes from
      for (const [n, c] of Object.entries(at(r).syscalls)) expect(`${n}: ${c.sources?.length ?? 0}`).not.toBe(`${n}: 0`);
    }
    expect(at('v0.21.0').provenance.commit).toBe('7351f8b563c9e6773da9fdd5bacde6ac91e32112'); // release commit per the note
  });

  test('v0.19.0: POSIX signals, vfork and execve in posix-process (uksignal retired into it); Kconfig renamed', () => {
    for (const n of ['tgkill', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'kill', 'rt_sigaction']) {
      expect(row('v0.19.0', n)).toBe('implemented posix-process LIBPOSIX_PROCESS');
      expect(notedIn('v0.19.0', n)).toBe(true);
    }
    expect(row('v0.19.0', 'signalfd')).toBe('implemented posix-process LIBPOSIX_PROCESS_SIGNALFD');
    expect(row('v0.19.0', 'signalfd4')).toBe('implemented posix-process LIBPOSIX_PROCESS_SIGNALFD');
    expect(row('v0.19.0', 'vfork')).toBe('implemented posix-process LIBPOSIX_PROCESS_MULTIPROCESS');
    expect(row('v0.19.0', 'execve')).toBe('implemented posix-process LIBPOSIX_PROCESS_EXECVE');
    expect(row('v0.19.0', 'clone')).toBe('implemented posix-process LIBPOSIX_PROCESS_MULTITHREADING');
    expect(at('v0.19.0').libraries['uksignal']).toBeUndefined();
    expect(at('v0.19.0').libraries['posix-fd']).toBeDefined();
    for (const gone of ['LIBPOSIX_PROCESS_PIDS', 'LIBPOSIX_PROCESS_CLONE', 'LIBUKSIGNAL']) expect(at('v0.19.0').kconfig![gone]).toBeUndefined();
    expect(at('v0.19.0').kconfigChanges!.filter((c) => c.kind === 'renamed').map((c) => `${c.from.join('+')}→${c.to}`)).toEqual([
      'LIBPOSIX_PROCESS_PIDS+LIBPOSIX_PROCESS_CLONE→LIBPOSIX_PROCESS_MULTITHREADING', 'LIBPOSIX_PROCESS_VFORK→LIBPOSIX_PROCESS_MULTIPROCESS']);
    // posix-fdio adopted the remaining file syscalls from vfscore (#1581): read from the dated staging tree
    expect(row('v0.19.0', 'fsync')).toBe('implemented posix-fdio LIBPOSIX_FDIO');
    // the control: v0.18.0
    expect(row('v0.18.0', 'tgkill')).toBe('missing');
    expect(row('v0.18.0', 'rt_sigaction')).toBe('implemented uksignal LIBUKSIGNAL');
    expect(row('v0.18.0', 'execve')).toBe('stub posix-process LIBPOSIX_PROCESS');
  });

  test('v0.19.1 only fixes bugs: the same coverage as v0.19.0', () => {
    expect(Object.fromEntries(Object.keys(at('v0.19.1').syscalls).map((n) => [n, row('v0.19.1', n)])))
      .toEqual(Object.fromEntries(Object.keys(at('v0.19.0').syscalls).map((n) => [n, row('v0.19.0', n)])));
  });

  test('v0.20.0: sendfile in posix-fdio, the new filesystem stack (posix-vfs over ukfs), arch_prctl moved', () => {
    expect(row('v0.20.0', 'sendfile')).toBe('implemented posix-fdio LIBPOSIX_FDIO');
    expect(notedIn('v0.20.0', 'sendfile')).toBe(true);
    expect(row('v0.19.1', 'sendfile')).toBe('missing');
    for (const n of ['statx', 'faccessat2', 'renameat2', 'fchmodat2', 'syncfs']) {
      expect(row('v0.20.0', n)).toBe('implemented posix-vfs LIBPOSIX_VFS_SYSCALLS');
      expect(row('v0.19.1', n)).toBe('missing');
    }
    // both stacks: posix-vfs first, vfscore (deprecated from v0.21.0) still an alternative
    expect(at('v0.20.0').syscalls['openat']!.alternatives?.map((a) => a.library)).toEqual(['vfscore']);
    for (const l of ['posix-vfs', 'posix-vfs-fstab', 'ukfs', 'ukfs-ramfs', 'ukfs-devfs']) expect(at('v0.20.0').libraries[l]).toBeDefined();
    expect(at('v0.20.0').libraries['posix-vfs']).toMatchObject({ kconfig: 'LIBPOSIX_VFS', select: expect.arrayContaining(['LIBUKFS', 'LIBPOSIX_FDIO']) });
    expect(at('v0.20.0').kconfig!['LIBPOSIX_VFS_SYSCALLS']!.dependsOn).toContain('!LIBVFSCORE');
    expect(row('v0.20.0', 'arch_prctl')).toBe('implemented posix-process LIBPOSIX_PROCESS_ARCH_PRCTL');
    expect(at('v0.20.0').kconfig!['APPELFLOADER_ARCH_PRCTL']).toBeUndefined();
  });

  test('v0.21.0: brk in posix-process, times and all-clock clock_getres, posix-netlink, VirtioFS, vfscore deprecated', () => {
    expect(row('v0.21.0', 'brk')).toBe('implemented posix-process LIBPOSIX_PROCESS_BRK');
    expect(row('v0.20.0', 'brk')).toBe('implemented app-elfloader APPELFLOADER_BRK');
    expect(row('v0.21.0', 'times')).toBe('implemented posix-time LIBPOSIX_TIME');
    expect(row('v0.20.0', 'times')).toBe('stub posix-time LIBPOSIX_TIME');
    expect(notedIn('v0.21.0', 'clock_getres')).toBe(true);
    expect(at('v0.21.0').libraries['posix-netlink']).toMatchObject({ kconfig: 'LIBPOSIX_NETLINK', select: ['LIBPOSIX_SOCKET', 'LIBUKMPI', 'LIBUKMPI_MBOX'] });
    expect(at('v0.20.0').libraries['posix-netlink']).toBeUndefined();
    expect(at('v0.21.0').libraries['ukfs-virtiofs']).toBeDefined();
    expect(at('v0.21.0').libraries['vfscore']!.deprecated).toMatchObject({ since: 'v0.21.0', source: { kind: 'release-note', path: 'content/releases/v0.21.0.mdx' } });
    expect(at('v0.20.0').libraries['vfscore']!.deprecated).toBeUndefined();
  });
});
