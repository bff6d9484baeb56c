import { describe, expect, test } from '@jest/globals';
import { syncUnikraft, releaseOf } from '../../src/sync/unikraft.js';
import { findCSyscalls, findPlainFunctions } from '../../src/sync/c-syscalls.js';

const TREE = new URL('../../fixtures/unikraft-tree/', import.meta.url).pathname;
const ELFLOADER = new URL('../../fixtures/unikraft-extra/app-elfloader/', import.meta.url).pathname;
const PROV = { tag: 'RELEASE-0.0.1', commit: '0123456789abcdef0123456789abcdef01234567', date: '2026-01-01' };

describe('syncUnikraft on the fixture tree', () => {
  test('syscalls: providers, kconfig, nargs, stubs, per-arch numbers, missing names', async () => {
    const t = await syncUnikraft(TREE, { provenance: PROV });
    expect(t.release).toBe('v0.0.1');
    expect(t.provenance).toMatchObject({ repo: 'https://github.com/unikraft/unikraft', tag: 'RELEASE-0.0.1', commit: PROV.commit, date: '2026-01-01' });
    expect(t.syscalls).toEqual({
      clock_gettime: { status: 'implemented', library: 'uktime', kconfig: 'LIBUKTIME', nargs: 2, nr: { x86_64: 228, arm64: 113 }, impl: 'lib/uktime/time.c:5' },
      clone: { status: 'implemented', library: 'posix-process', kconfig: 'LIBPOSIX_PROCESS_CLONE', nargs: 5, nr: {}, flags: 'e' },
      fork: { status: 'missing', nr: { x86_64: 57 } },
      getpid: { status: 'implemented', library: 'posix-process', kconfig: 'LIBPOSIX_PROCESS', nargs: 0, nr: { x86_64: 39, arm64: 172 }, impl: 'lib/posix-process/process.c:5' },
      poll: { status: 'implemented', library: 'posix-poll', kconfig: 'LIBPOSIX_POLL', nargs: 3, nr: { x86_64: 7 }, impl: 'lib/posix-poll/poll.c:10' },
      ppoll: { status: 'implemented', library: 'posix-poll', kconfig: 'LIBPOSIX_POLL', nargs: 5, nr: { x86_64: 271, arm64: 73 }, impl: 'lib/posix-poll/poll.c:16' },
      read: { status: 'missing', nr: { x86_64: 0, arm64: 63 } },
      wait4: { status: 'stub', stub: 'returns -ECHILD', library: 'posix-process', kconfig: 'LIBPOSIX_PROCESS', nargs: 4, nr: { x86_64: 61, arm64: 260 }, impl: 'lib/posix-process/process.c:11' },
    });
    expect(t.disagreements).toEqual([
      { syscall: 'clone', library: 'posix-process', kind: 'no-implementation', detail: 'declared in lib/posix-process/Makefile.uk:6, no syscall macro in its C files' },
      { syscall: 'fork', library: 'posix-process', kind: 'undeclared-implementation', detail: 'lib/posix-process/process.c:20 defines it with UK_LLSYSCALL_R_DEFINE, Makefile.uk does not list it' },
      { syscall: 'ppoll', library: 'posix-poll', kind: 'nargs', detail: 'Makefile.uk says 5, lib/posix-poll/poll.c:16 takes 4' },
    ]);
  });

  test('micro-library graph and every Kconfig symbol', async () => {
    const t = await syncUnikraft(TREE, { provenance: PROV });
    expect(Object.keys(t.libraries)).toEqual(['posix-poll', 'posix-process', 'syscall_shim', 'uktime']);
    expect(t.libraries['posix-poll']).toEqual({
      name: 'posix-poll', kconfig: 'LIBPOSIX_POLL', title: 'posix-poll: Support for file polling',
      select: ['LIBPOSIX_FDTAB', 'LIBUKTIME', 'LIBNOLIBC'], dependsOn: [], imply: [], path: 'lib/posix-poll', options: ['LIBPOSIX_POLL_YIELD'],
    });
    expect(t.libraries['posix-process']).toEqual({
      name: 'posix-process', kconfig: 'LIBPOSIX_PROCESS', title: 'posix-process: Process-related functions', default: 'n',
      select: [], dependsOn: ['HAVE_SCHED', 'LIBUKTIME', 'HAVE_LIBC'], imply: ['LIBPOSIX_PROCESS_PIDS'], path: 'lib/posix-process',
      options: ['LIBPOSIX_PROCESS_PIDS', 'LIBPOSIX_PROCESS_CLONE'],
    });
    expect(t.kconfig!['LIBPOSIX_PROCESS_CLONE']).toEqual({
      library: 'posix-process', type: 'bool', prompt: 'clone system call', select: [], imply: [],
      dependsOn: ['LIBPOSIX_PROCESS', 'LIBPOSIX_PROCESS_PIDS'],
    });
    expect(t.kconfig!['LIBPOSIX_POLL']!.select).toEqual(['LIBPOSIX_FDTAB', 'LIBUKTIME', 'LIBNOLIBC if !HAVE_LIBC']);
    expect(t.kconfig!['HAVE_LIBC']).toEqual({ type: 'bool', select: [], imply: [], dependsOn: [], default: 'n' });
    expect(t.kconfig!['UK_FULLVERSION']).toMatchObject({ type: 'string', default: '0.0.0~fixture' });
  });

  test('plain C functions named like syscalls are recorded for native builds', async () => {
    const names = new Set(['gettimeofday', 'settimeofday', 'poll', 'clock_gettime', 'fork']);
    const t = await syncUnikraft(TREE, { provenance: PROV, isSyscallName: (n) => names.has(n) });
    // do_poll is static, clock_gettime/poll are real syscalls, fork is defined by a syscall macro
    expect(t.functions).toEqual({
      gettimeofday: { library: 'uktime', kconfig: 'LIBUKTIME', file: 'lib/uktime/time.c' },
      settimeofday: { library: 'uktime', kconfig: 'LIBUKTIME', file: 'lib/uktime/time.c', stub: 'enosys' },
    });
    expect((await syncUnikraft(TREE, { provenance: PROV })).functions).toEqual({});
  });

  test('--extra merges an app repo with its provenance', async () => {
    const t = await syncUnikraft(TREE, { provenance: PROV, extras: [ELFLOADER] });
    expect(t.syscalls['brk']).toEqual({ status: 'implemented', library: 'app-elfloader', kconfig: 'APPELFLOADER_BRK', nargs: 1, nr: {}, impl: 'syscalls/brk.c:4' });
    expect(t.libraries['app-elfloader']).toMatchObject({ name: 'app-elfloader', kconfig: '', repo: 'https://github.com/unikraft/app-elfloader', path: '.' });
    expect(t.kconfig!['APPELFLOADER_DEPENDENCIES']!.imply).toEqual(['LIBPOSIX_PROCESS']);
    expect(t.provenance.extra).toEqual([{ repo: 'https://github.com/unikraft/app-elfloader', commit: 'unknown' }]);
  });

  test('release names follow the tags', () => {
    expect(releaseOf('RELEASE-0.17.0')).toBe('v0.17.0');
    expect(releaseOf('RELEASE-0.4')).toBe('v0.4');
    expect(releaseOf('staging')).toBe('staging');
  });

  test('a tree without lib/syscall_shim is refused', async () => {
    await expect(syncUnikraft(ELFLOADER)).rejects.toMatchObject({ code: 'unsupported-input' });
  });
});

describe('stub bodies that warn through a helper', () => {
  // The shape of posix-process's exec family: warnings through a static helper (and a macro naming it),
  // varargs read only to be printed, then -ENOSYS / errno = ENOSYS.
  const text = `
static void warn_array(const char *name, char *const argv[])
{
	uk_pr_warn(" %s=[", name);
	if (argv) {
		int i = 0;
		while (argv[i]) { uk_pr_warn("%s", argv[i]); i++; }
	}
	uk_pr_warn("]\\n");
}
#define warn_argv(v) warn_array("argv", v)
static int counter;
static void count_call(const char *name) { uk_pr_warn("%s", name); counter++; }

UK_SYSCALL_R_DEFINE(int, execve, const char *, path, char *const *, argv, char *const *, envp)
{
	uk_pr_warn("%s(): path=%s\\n", __func__, path);
	warn_argv(argv);
	return -ENOSYS;
}
UK_SYSCALL_R_DEFINE(int, getpid)
{
	count_call(__func__);
	return 1;
}
int execl(const char *path, const char *arg, ...)
{
	va_list args;
	char *const *envp;
	va_start(args, arg);
	envp = va_arg(args, char *const *);
	warn_argv(envp);
	va_end(args);
	errno = ENOSYS;
	return -1;
}
`;
  test('a helper that only logs its arguments keeps the body a stub; one that changes state does not', async () => {
    const defs = await findCSyscalls(text);
    expect(defs.map((d) => [d.name, d.stub])).toEqual([['execve', 'enosys'], ['getpid', undefined]]);
    expect(await findPlainFunctions(text, (n) => n === 'execl')).toEqual([{ name: 'execl', stub: 'enosys' }]);
  });
});
