import { describe, expect, test } from '@jest/globals';
import { planPort, TIE_BREAK } from '../../src/plan/plan-port.js';
import { UkportError } from '../../src/errors.js';
import type { Fact } from '../../src/model/index.js';
import { facts, miniRelease, miniTables } from './mini-tables.js';
import { droppableLibraries } from './minimality.js';
import { EPOLL, PLAIN } from './fixture-apps.js';

describe('planPort on the mini 0.17 table', () => {
  test('epoll-echo: exact libraries with reasons, musl, Kconfig, release history', () => {
    const plan = planPort(facts(EPOLL), miniTables(), { arch: 'x86_64' });
    expect(plan.release).toBe('v0.17.0');
    expect(plan.libc).toBe('musl');
    expect(plan.libcCandidates).toEqual(['musl']);
    expect(plan.libcReasons[0]).toBe('uses headers newlib lacks: <arpa/inet.h>, <netinet/in.h>, <sys/epoll.h>, <sys/socket.h>');
    // socket, bind, listen, close, epoll_create1, epoll_ctl are syscalls the release provides: Unikraft defines their
    // libc wrappers for newlib, so they are no reason for musl; epoll_wait (not in the mini table) and htonl are
    expect(plan.libcReasons[1]).toBe('calls functions newlib lacks: epoll_wait(), htonl()');
    // socket(AF_INET): the network stack comes with it (lwip selects posix-socket, uksched, uklock in the mini table)
    expect(plan.libraries.map((l) => [l.name, l.role, l.because])).toEqual([
      ['musl', 'libc', ['libc:musl']],
      ['lwip', 'needs', ['network:socket(AF_INET) in app']],
      ['posix-fdio', 'needs', ['syscall:ioctl', 'syscall:writev']],
      ['posix-fdtab', 'needs', ['syscall:close', 'library:posix-fdio', 'library:posix-poll', 'library:posix-socket']],
      ['posix-poll', 'needs', ['syscall:epoll_create1', 'syscall:epoll_ctl', 'syscall:epoll_pwait']],
      ['posix-socket', 'needs', ['syscall:bind', 'syscall:listen', 'syscall:socket', 'library:lwip']],
      ['syscall_shim', 'dependency', ['library:musl']],
      ['ukdebug', 'dependency', ['library:posix-fdtab']],
      ['uklock', 'dependency', ['library:lwip']],
      ['uksched', 'dependency', ['library:lwip']],
    ]);
    expect(plan.network).toMatchObject({ stack: 'lwip', because: ['socket(AF_INET) in app'] });
    expect(plan.libraries.find((l) => l.name === 'posix-socket')?.alternatives).toEqual(['lwip also provides socket']);
    expect(plan.libraries.find((l) => l.name === 'musl')?.repo).toBe('https://github.com/unikraft/lib-musl');
    expect(plan.kconfig).toEqual(['CONFIG_LIBLWIP=y', 'CONFIG_LIBMUSL=y', 'CONFIG_LIBPOSIX_FDIO=y', 'CONFIG_LIBPOSIX_FDTAB=y', 'CONFIG_LIBPOSIX_POLL=y',
      'CONFIG_LIBPOSIX_SOCKET=y', 'CONFIG_LIBSYSCALL_SHIM=y', 'CONFIG_LIBUKDEBUG=y', 'CONFIG_LIBUKLOCK=y', 'CONFIG_LIBUKSCHED=y']);
    expect(plan.kconfigProblems).toEqual([]);
    expect(plan.uncovered).toEqual([]);
    expect(plan.rootfs).toBeUndefined();
    expect(plan.oldestCoveringRelease).toBe('v0.17.0');
    expect(plan.releases).toEqual([
      { release: 'v0.15.0', covered: 6, total: 9, adds: [], missing: ['epoll_create1', 'epoll_ctl', 'epoll_pwait'] },
      { release: 'v0.16.0', covered: 8, total: 9, adds: ['epoll_create1', 'epoll_ctl'], missing: ['epoll_pwait'] },
      { release: 'v0.17.0', covered: 9, total: 9, adds: ['epoll_pwait'], missing: [] },
    ]);
    expect(plan.tieBreak).toBe(TIE_BREAK);
    expect(droppableLibraries(plan, miniRelease(), EPOLL.syscalls)).toEqual([]);
  });

  test('plain: newlib is allowed, a config file path brings a rootfs with its Kconfig and libraries', () => {
    const plan = planPort(facts(PLAIN), miniTables(), { arch: 'x86_64' });
    expect(plan.libcCandidates).toEqual(['musl', 'newlib']);
    expect(plan.libc).toBe('musl');
    expect(plan.libcReasons[0]).toMatch(/^nothing the app uses rules out newlib/);
    expect(plan.rootfs).toEqual(['opens /etc/plain-app.conf']);
    expect(plan.libraries.map((l) => [l.name, l.role, l.because])).toEqual([
      ['musl', 'libc', ['libc:musl']],
      ['posix-fdio', 'needs', ['syscall:ioctl', 'syscall:writev', 'library:vfscore']],
      ['ramfs', 'needs', ['rootfs']],
      ['ukcpio', 'needs', ['rootfs']],
      ['vfscore', 'needs', ['rootfs', 'syscall:open', 'library:ramfs']],
      ['posix-fdtab', 'dependency', ['library:posix-fdio', 'library:vfscore']],
      ['syscall_shim', 'dependency', ['library:musl']],
      ['ukdebug', 'dependency', ['library:posix-fdtab', 'library:vfscore']],
      ['uklock', 'dependency', ['library:vfscore']],
    ]);
    expect(plan.kconfig).toContain('CONFIG_LIBVFSCORE_AUTOMOUNT_CI=y');
    expect(plan.kconfig).toContain('CONFIG_LIBVFSCORE_AUTOMOUNT_CI_INITRD=y');
    expect(plan.kconfig).not.toContain('CONFIG_LIBNOLIBC=y');
    expect(plan.oldestCoveringRelease).toBe('v0.15.0');
    expect(droppableLibraries(plan, miniRelease(), PLAIN.syscalls)).toEqual([]);
  });

  test('a release without musl falls back to newlib for a plain app', () => {
    const t = miniRelease();
    delete t.libraries.musl;
    const plan = planPort(facts(PLAIN), miniTables({ unikraft: [t] }), { arch: 'x86_64' });
    expect(plan.libc).toBe('newlib');
    expect(plan.libraries[0]).toMatchObject({ name: 'newlib', kconfig: 'LIBNEWLIBC', role: 'libc' });
  });

  test('--libc newlib on an epoll app lists what newlib leaves uncovered', () => {
    const plan = planPort(facts(EPOLL), miniTables(), { arch: 'x86_64', libc: 'newlib' });
    expect(plan.libc).toBe('newlib');
    expect(plan.libcReasons[0]).toBe('forced with --libc newlib');
    const missing = plan.uncovered.map((u) => `${u.kind}:${u.name}:${u.severity}`);
    expect(missing).toEqual([
      'function:epoll_wait:warning', 'function:htonl:warning',
      'header:arpa/inet.h:warning', 'header:netinet/in.h:warning', 'header:sys/epoll.h:warning', 'header:sys/socket.h:warning',
    ]);
  });

  test('without a newlib table the built-in Linux-only list still forces musl for sys/epoll.h', () => {
    const t = miniTables();
    const plan = planPort(facts({ headers: ['sys/epoll.h', 'stdio.h'] }), { ...t, libc: t.libc.filter((l) => l.target === 'musl') }, { arch: 'x86_64' });
    expect(plan.libc).toBe('musl');
    expect(plan.libcCandidates).toEqual(['musl']);
    expect(plan.libcReasons).toContain('uses Linux-only APIs newlib does not provide: <sys/epoll.h>');
  });

  test('glibc large-file imports (open64) count as the plain functions; unknown glibc-only ones are gaps', () => {
    const imports: Fact[] = ['fopen64', 'strlen', 'qsort_r', 'error'].map((name) => ({ kind: 'symbol', name, role: 'import', version: 'GLIBC_2.2.5', versionLibrary: 'libc.so.6', evidence: [] }));
    const plan = planPort(imports, miniTables(), { arch: 'x86_64', libc: 'newlib' });
    expect(plan.uncovered.filter((u) => u.kind === 'function').map((u) => u.name)).toEqual(['error', 'qsort_r']);
  });

  test('threads, locales and wide characters point to musl', () => {
    const plan = planPort(facts({ calls: ['pthread_create', 'setlocale', 'wcslen'] }), miniTables(), { arch: 'x86_64' });
    expect(plan.libc).toBe('musl');
    expect(plan.libcReasons.join('\n')).toMatch(/POSIX threads \(pthread_create\)/);
    expect(plan.libcReasons.join('\n')).toMatch(/locales \(setlocale\)/);
    expect(plan.libcReasons.join('\n')).toMatch(/wide characters \(wcslen\)/);
  });
});

describe('uncovered needs', () => {
  test('missing syscalls are classified with the Loupe priors; release stubs are notes', () => {
    const plan = planPort(facts({ syscalls: ['mount', 'prctl', 'memfd_create', 'getrandom', 'sched_getaffinity'] }), miniTables(), { arch: 'x86_64' });
    // one judge (src/match/judge.ts): a missing syscall needs work at worst (warning); an ENOSYS stub of the release is judged like a missing one
    expect(plan.uncovered.map((u) => [u.name, u.status, u.severity])).toEqual([
      ['getrandom', 'unknown', 'warning'],
      ['memfd_create', 'missing-required', 'warning'],
      ['prctl', 'fakeable', 'warning'],
      ['sched_getaffinity', 'unknown', 'warning'],
      ['mount', 'stubbable', 'note'],
    ]);
    expect(plan.uncovered.find((u) => u.name === 'memfd_create')?.reason).toBe('no library of v0.17.0 provides memfd_create; Loupe: ENOSYS worked for 1/4 apps, a fake success for 0/4: apps need a real implementation');
    expect(plan.uncovered.find((u) => u.name === 'sched_getaffinity')?.reason).toMatch(/^posix-process provides sched_getaffinity only as a stub returning ENOSYS; no Loupe data/);
    expect(plan.libraries.some((l) => l.name === 'posix-process')).toBe(true);
    expect(plan.oldestCoveringRelease).toBeUndefined();
  });

  test('arm64 has no legacy open', () => {
    const plan = planPort(facts({ syscalls: ['open', 'openat'] }), miniTables(), { arch: 'aarch64' });
    expect(plan.uncovered.map((u) => [u.name, u.reason])).toEqual([['open', expect.stringMatching(/^open does not exist on aarch64 in v0.17.0/)]]);
    expect(plan.libraries.find((l) => l.name === 'vfscore')?.because).toEqual(['syscall:openat']);
  });

  test('shared libraries: a matching port, a version mismatch, no port; libc sonames are the libc', () => {
    const plan = planPort(facts({ sonames: [['libssl.so.3', '3'], ['libcrypto.so.1.0.0', '1.0.0'], ['libfoo.so.1', '1'], ['libc.so.6', '6'], ['libm.so.6', '6']] }),
      miniTables({ externalLibs: [
        { sonamePattern: 'libssl.so*', port: 'openssl', kconfig: 'LIBSSL', upstreamVersion: '3.0.2', compatibleVersions: ['3'] },
        { sonamePattern: 'libcrypto.so*', port: 'openssl', kconfig: 'LIBSSL', upstreamVersion: '3.0.2', compatibleVersions: ['3'] },
      ] }), { arch: 'x86_64' });
    expect(plan.libraries.find((l) => l.name === 'openssl')).toMatchObject({ role: 'port', version: '3.0.2', kconfig: 'LIBSSL', because: ['soname:libssl.so.3'] });
    // openssl selects posix-socket; its `depends on LIBMUSL || LIBNEWLIBC` is met by the chosen libc
    expect(plan.libraries.find((l) => l.name === 'posix-socket')?.because).toEqual(['library:openssl']);
    expect(plan.uncovered.map((u) => [u.kind, u.name, u.severity])).toEqual([['library', 'libcrypto.so.1.0.0', 'warning'], ['library', 'libfoo.so.1', 'warning'], ['unknown', 'syscalls', 'warning'], ['dynamic-linking', 'shared libraries', 'note']]);
    expect(plan.uncovered.at(-1)!.reason).toMatch(/libc.so.6, libm.so.6 come with the libc\)$/);
    expect(plan.uncovered[0]!.reason).toMatch(/needs libcrypto.so.1.0.0 \(version 1.0.0\); the openssl port is 3.0.2/);
  });

  test('dlopen in a native build is dynamic-linking work (needs-work, a warning); in binary-compat an unanalysed-plugin warning', () => {
    const native = planPort(facts({ dlopen: true }), miniTables(), { arch: 'x86_64' });
    expect(native.uncovered).toEqual([expect.objectContaining({ kind: 'dynamic-linking', status: 'missing-required', severity: 'warning' }), expect.objectContaining({ kind: 'unknown', name: 'syscalls' })]);
    const compat = planPort(facts({ dlopen: true, sonames: [['libfoo.so.1', '1']], startup: ['arch_prctl'] }), miniTables(), { arch: 'x86_64', mode: 'binary-compat' });
    expect(compat.uncovered).toEqual([expect.objectContaining({ kind: 'dynamic-linking', severity: 'warning' })]);
    expect(compat.rootfs).toEqual(['the dynamic loader and shared libraries (libfoo.so.1)']);
    expect(compat.libraries.find((l) => l.name === 'posix-process')?.because).toEqual(['syscall:arch_prctl']);
    // native mode ignores glibc start-up syscalls
    expect(planPort(facts({ startup: ['arch_prctl'] }), miniTables(), { arch: 'x86_64' }).libraries.some((l) => l.name === 'posix-process')).toBe(false);
  });

  test('a syscall a newer release no longer provides is reported as dropped', () => {
    const t = miniTables({ unikraft: [miniRelease('v0.16.0'), miniRelease('v0.17.0', { without: ['bind'] })] });
    const plan = planPort(facts(EPOLL), t, { arch: 'x86_64' });
    expect(plan.releases?.map((r) => [r.release, r.adds, r.drops])).toEqual([['v0.16.0', [], undefined], ['v0.17.0', [], ['bind']]]);
    expect(plan.oldestCoveringRelease).toBe('v0.16.0');
    expect(plan.uncovered.map((u) => u.name)).toEqual(['bind']);
  });

  test('a syscall declared under a library option turns that option on, with what it selects', () => {
    const t = miniRelease();
    t.syscalls.exit_group = { ...t.syscalls.exit_group!, kconfig: 'LIBPOSIX_PROCESS_PIDS' };
    t.libraries['posix-process']!.options = ['LIBPOSIX_PROCESS_PIDS'];
    t.kconfig = { ...t.kconfig, LIBPOSIX_PROCESS_PIDS: { library: 'posix-process', select: ['LIBUKLOCK'], imply: [], dependsOn: ['LIBPOSIX_PROCESS'] } };
    const plan = planPort(facts({ syscalls: ['exit_group'] }), miniTables({ unikraft: [t] }), { arch: 'x86_64' });
    expect(plan.kconfig).toEqual(['CONFIG_LIBMUSL=y', 'CONFIG_LIBPOSIX_PROCESS=y', 'CONFIG_LIBPOSIX_PROCESS_PIDS=y', 'CONFIG_LIBSYSCALL_SHIM=y', 'CONFIG_LIBUKLOCK=y', 'CONFIG_LIBUKSCHED=y']);
    expect(plan.libraries.find((l) => l.name === 'uklock')).toMatchObject({ role: 'dependency', because: ['kconfig:LIBPOSIX_PROCESS_PIDS'] });
  });

  test('native mode: libc calls make syscalls, through the libc summary or by wrapper name', () => {
    const byName = planPort(facts({ calls: ['socket', 'printf', 'fopen'], socketFamily: 'AF_UNIX' }), miniTables(), { arch: 'x86_64' });
    expect(byName.libraries.find((l) => l.name === 'posix-socket')?.because).toEqual(['syscall:socket']);
    expect(byName.libraries.some((l) => l.name === 'vfscore')).toBe(false);
    const summary = { libc: 'musl' as const, arch: 'x86_64' as const, provenance: miniRelease().provenance, functions: { printf: ['writev', 'ioctl'], fopen: ['open'] } };
    const bySummary = planPort(facts({ calls: ['printf', 'fopen'] }), miniTables({ libcSummaries: [summary] }), { arch: 'x86_64' });
    expect(bySummary.libraries.find((l) => l.name === 'posix-fdio')?.because).toEqual(['syscall:ioctl', 'syscall:writev', 'library:vfscore']);
    expect(bySummary.libraries.find((l) => l.name === 'vfscore')?.because).toEqual(['syscall:open']);
    // binary-compat: the app's glibc makes the syscalls the binary analysis found; calls add nothing
    expect(planPort(facts({ calls: ['socket'] }), miniTables(), { arch: 'x86_64', mode: 'binary-compat' }).libraries.some((l) => l.name === 'posix-socket')).toBe(false);
  });

  test('release selection', () => {
    expect(planPort(facts(EPOLL), miniTables(), { arch: 'x86_64', release: '0.16.0' }).release).toBe('v0.16.0');
    expect(planPort(facts(EPOLL), miniTables(), { arch: 'x86_64', release: 'RELEASE-0.16.0' }).uncovered.map((u) => u.name)).toEqual(['epoll_pwait']);
    expect(() => planPort([], miniTables(), { arch: 'x86_64', release: 'v9.9' })).toThrow(UkportError);
    expect(() => planPort([], miniTables({ unikraft: [] }), { arch: 'x86_64' })).toThrow(/no Unikraft release tables/);
  });
});

describe('tie-break and minimality', () => {
  test('rule 2: the provider whose closure adds fewer libraries wins over the table primary', () => {
    const plan = planPort(facts({ syscalls: ['socket'], socketFamily: 'AF_UNIX' }), miniTables({ unikraft: [miniRelease('v0.17.0', { lwipFirst: true })] }), { arch: 'x86_64' });
    const socket = plan.libraries.find((l) => l.because.includes('syscall:socket'));
    expect(socket?.name).toBe('posix-socket');
    expect(plan.libraries.some((l) => l.name === 'lwip')).toBe(false);
  });

  test('rule 3: equal cost keeps the primary; rule 1: a provider already planned wins', () => {
    const t = miniTables({ unikraft: [miniRelease('v0.17.0', { lwipFirst: true })] });
    // sendmmsg only lwip provides; lwip then also serves socket, and posix-socket stays only as lwip's dependency
    const plan = planPort(facts({ syscalls: ['socket', 'sendmmsg'], socketFamily: 'AF_UNIX' }), t, { arch: 'x86_64' });
    expect(plan.libraries.find((l) => l.name === 'lwip')?.because).toEqual(['syscall:sendmmsg', 'syscall:socket']);
    expect(plan.libraries.find((l) => l.name === 'posix-socket')).toMatchObject({ role: 'dependency', because: ['library:lwip'] });
    expect(droppableLibraries(plan, t.unikraft[0]!, ['socket', 'sendmmsg'])).toEqual([]);
  });

  test('greedy choices that later become redundant are pruned', () => {
    // socket is served first by posix-socket (cheaper); sendmmsg then needs lwip, which covers socket too and selects
    // posix-socket anyway: the plan keeps one copy, and nothing in it is droppable
    const plan = planPort(facts({ syscalls: ['socket', 'sendmmsg', 'close'], socketFamily: 'AF_UNIX' }), miniTables(), { arch: 'x86_64' });
    expect(plan.libraries.map((l) => l.name).sort()).toEqual(['lwip', 'musl', 'posix-fdtab', 'posix-socket', 'syscall_shim', 'ukdebug', 'uklock', 'uksched']);
    expect(droppableLibraries(plan, miniRelease(), ['socket', 'sendmmsg', 'close'])).toEqual([]);
  });
});
