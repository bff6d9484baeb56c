import type { Fact, LibcTable, MicroLibrary, Provenance, SyscallCoverage, Tables, UnikraftTable } from '../../src/model/index.js';

// A small release table modelled on Unikraft 0.17's lib/*/Config.uk and Makefile.uk (names, symbols and the
// select/depends edges below were read from the upstream tree; the syscall lists are cut down).
const prov: Provenance = { repo: 'https://github.com/unikraft/unikraft', tag: 'test', commit: '0'.repeat(40), generator: 'test', date: '2026-01-01' };

function lib(name: string, kconfig: string, select: string[] = [], dependsOn: string[] = [], extra: Partial<MicroLibrary> = {}): MicroLibrary {
  return { name, kconfig, select, dependsOn, imply: [], ...extra };
}

const X86_NR: Record<string, number> = {
  read: 0, write: 1, open: 2, close: 3, fstat: 5, ioctl: 16, writev: 20, socket: 41, bind: 49, listen: 50, sendmmsg: 307,
  arch_prctl: 158, set_tid_address: 218, exit_group: 231, epoll_create1: 291, epoll_ctl: 233, epoll_pwait: 281, openat: 257,
  mount: 165, prctl: 157, sched_getaffinity: 204, futex: 202, getpid: 39, dup3: 292, memfd_create: 319,
};
// arm64 has no legacy `open`
const ARM_NR: Record<string, number> = { read: 63, write: 64, close: 57, openat: 56, socket: 198, exit_group: 94, writev: 66 };

/** A syscall entry: PROVIDERS[0] is the primary, the rest alternatives. */
function sc(name: string, providers: [string, string][], status: SyscallCoverage['status'] = 'implemented', nargs = 3): SyscallCoverage {
  const nr: SyscallCoverage['nr'] = {};
  if (X86_NR[name] !== undefined) nr.x86_64 = X86_NR[name];
  if (ARM_NR[name] !== undefined) nr.arm64 = ARM_NR[name];
  if (providers.length === 0) return { status: 'missing', nr };
  const [first, ...rest] = providers;
  const c: SyscallCoverage = { status, library: first![0], kconfig: first![1], nargs, nr };
  if (rest.length) c.alternatives = rest.map(([library, kconfig]) => ({ library, kconfig }));
  if (status === 'stub') c.stub = 'enosys';
  return c;
}

const FDIO: [string, string] = ['posix-fdio', 'LIBPOSIX_FDIO'];
const FDTAB: [string, string] = ['posix-fdtab', 'LIBPOSIX_FDTAB'];

/** Release "v0.17.0" of the mini table. OPTIONS: drop syscalls (older release) or swap the socket providers. */
export function miniRelease(release = 'v0.17.0', options: { without?: string[]; lwipFirst?: boolean } = {}): UnikraftTable {
  const sock: [string, string][] = options.lwipFirst ? [['lwip', 'LIBLWIP'], ['posix-socket', 'LIBPOSIX_SOCKET']] : [['posix-socket', 'LIBPOSIX_SOCKET'], ['lwip', 'LIBLWIP']];
  const all: Record<string, SyscallCoverage> = {
    read: sc('read', [FDIO]), write: sc('write', [FDIO]), writev: sc('writev', [FDIO]), ioctl: sc('ioctl', [FDIO]), fstat: sc('fstat', [FDIO], 'implemented', 2),
    close: sc('close', [FDTAB], 'implemented', 1), dup3: sc('dup3', [FDTAB]),
    open: sc('open', [['vfscore', 'LIBVFSCORE']]), openat: sc('openat', [['vfscore', 'LIBVFSCORE']], 'implemented', 4),
    socket: sc('socket', sock), bind: sc('bind', [['posix-socket', 'LIBPOSIX_SOCKET']]), listen: sc('listen', [['posix-socket', 'LIBPOSIX_SOCKET']], 'implemented', 2),
    sendmmsg: sc('sendmmsg', [['lwip', 'LIBLWIP']], 'implemented', 4),
    epoll_create1: sc('epoll_create1', [['posix-poll', 'LIBPOSIX_POLL']], 'implemented', 1), epoll_ctl: sc('epoll_ctl', [['posix-poll', 'LIBPOSIX_POLL']], 'implemented', 4),
    epoll_pwait: sc('epoll_pwait', [['posix-poll', 'LIBPOSIX_POLL']], 'implemented', 6),
    futex: sc('futex', [['posix-futex', 'LIBPOSIX_FUTEX']], 'implemented', 6), set_tid_address: sc('set_tid_address', [['posix-futex', 'LIBPOSIX_FUTEX']], 'implemented', 1),
    arch_prctl: sc('arch_prctl', [['posix-process', 'LIBPOSIX_PROCESS']], 'implemented', 2), exit_group: sc('exit_group', [['posix-process', 'LIBPOSIX_PROCESS']], 'implemented', 1),
    getpid: sc('getpid', [['posix-process', 'LIBPOSIX_PROCESS']], 'implemented', 0),
    sched_getaffinity: sc('sched_getaffinity', [['posix-process', 'LIBPOSIX_PROCESS']], 'stub'),
    mount: sc('mount', []), prctl: sc('prctl', []), memfd_create: sc('memfd_create', []),
  };
  for (const w of options.without ?? []) all[w] = { status: 'missing', nr: all[w]!.nr };
  const libraries: Record<string, MicroLibrary> = Object.fromEntries([
    lib('syscall_shim', 'LIBSYSCALL_SHIM'),
    lib('nolibc', 'LIBNOLIBC'),
    // lib-musl and lib-newlib both `select HAVE_LIBC` (their Config.uk)
    lib('musl', 'LIBMUSL', ['HAVE_LIBC', 'LIBSYSCALL_SHIM'], [], { repo: 'https://github.com/unikraft/lib-musl' }),
    lib('newlib', 'LIBNEWLIBC', ['HAVE_LIBC', 'LIBSYSCALL_SHIM'], [], { repo: 'https://github.com/unikraft/lib-newlib' }),
    lib('ukdebug', 'LIBUKDEBUG'),
    lib('uklock', 'LIBUKLOCK'),
    lib('uksched', 'LIBUKSCHED'),
    lib('posix-fdtab', 'LIBPOSIX_FDTAB', ['LIBNOLIBC if !HAVE_LIBC', 'LIBUKDEBUG']),
    lib('posix-fdio', 'LIBPOSIX_FDIO', ['LIBPOSIX_FDTAB']),
    lib('vfscore', 'LIBVFSCORE', ['LIBNOLIBC if !HAVE_LIBC', 'LIBUKDEBUG', 'LIBUKLOCK', 'LIBPOSIX_FDTAB', 'LIBPOSIX_FDIO'], [],
      { options: ['LIBVFSCORE_AUTOMOUNT_CI', 'LIBVFSCORE_AUTOMOUNT_CI_INITRD'] }),
    lib('ramfs', 'LIBRAMFS', [], ['LIBVFSCORE']),
    lib('ukcpio', 'LIBUKCPIO'),
    lib('posix-socket', 'LIBPOSIX_SOCKET', ['LIBPOSIX_FDTAB']),
    lib('lwip', 'LIBLWIP', ['LIBPOSIX_SOCKET', 'LIBUKSCHED', 'LIBUKLOCK'], [], { repo: 'https://github.com/unikraft/lib-lwip' }),
    lib('posix-poll', 'LIBPOSIX_POLL', ['LIBPOSIX_FDTAB']),
    lib('posix-futex', 'LIBPOSIX_FUTEX'),
    lib('posix-process', 'LIBPOSIX_PROCESS', [], ['LIBUKSCHED']),
    lib('openssl', 'LIBSSL', ['LIBPOSIX_SOCKET'], ['LIBMUSL || LIBNEWLIBC'], { repo: 'https://github.com/unikraft/lib-openssl' }),
  ].map((l) => [l.name, l]));
  return {
    target: 'unikraft', release, provenance: { ...prov, tag: release }, syscalls: all, libraries,
    kconfig: {
      HAVE_LIBC: { select: [], imply: [], dependsOn: [], type: 'bool', default: 'n' },
      LIBVFSCORE_AUTOMOUNT_CI: { library: 'vfscore', select: [], imply: [], dependsOn: ['LIBVFSCORE'] },
      LIBVFSCORE_AUTOMOUNT_CI_INITRD: { library: 'vfscore', select: ['LIBRAMFS', 'LIBUKCPIO'], imply: [], dependsOn: ['LIBVFSCORE_AUTOMOUNT_CI'] },
    },
  };
}

const MUSL: LibcTable = { target: 'musl', version: '1.2.3', provenance: prov,
  functions: ['printf', 'fopen', 'fgets', 'fclose', 'strlen', 'socket', 'bind', 'listen', 'close', 'htonl', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'pthread_create', 'setlocale', 'wcslen', 'qsort_r'],
  headers: ['stdio.h', 'string.h', 'unistd.h', 'sys/socket.h', 'netinet/in.h', 'arpa/inet.h', 'sys/epoll.h', 'pthread.h', 'locale.h', 'wchar.h'] };
const NEWLIB: LibcTable = { target: 'newlib', version: '2.5.0', provenance: prov,
  functions: ['printf', 'fopen', 'fgets', 'fclose', 'strlen', 'close', 'setlocale', 'wcslen'],
  headers: ['stdio.h', 'string.h', 'unistd.h', 'locale.h', 'wchar.h'] };

/** Tables with the mini releases (v0.15.0 lacks epoll, v0.16.0 lacks epoll_pwait), both libcs, one port and priors. */
export function miniTables(over: Partial<Tables> = {}): Tables {
  return {
    unikraft: [miniRelease('v0.17.0'), miniRelease('v0.15.0', { without: ['epoll_create1', 'epoll_ctl', 'epoll_pwait'] }), miniRelease('v0.16.0', { without: ['epoll_pwait'] })],
    libc: [MUSL, NEWLIB],
    externalLibs: [{ sonamePattern: 'libssl.so*', port: 'openssl', kconfig: 'LIBSSL', upstreamVersion: '3.0.2', compatibleVersions: ['3'] }],
    libcSummaries: [],
    priors: {
      mount: { apps: 10, stubOk: 9, fakeOk: 3 },
      prctl: { apps: 10, stubOk: 2, fakeOk: 9 },
      memfd_create: { apps: 4, stubOk: 1, fakeOk: 0 },
      epoll_ctl: { apps: 5, stubOk: 0, fakeOk: 4 },
      epoll_pwait: { apps: 6, stubOk: 1, fakeOk: 1 },
    },
    ...over,
  };
}

/** Facts of a hand-described app (a unit-test input; fixture apps are described by oracles instead). */
export function facts(d: { syscalls?: string[]; startup?: string[]; calls?: string[]; headers?: string[]; sonames?: [string, string?][]; strings?: string[]; dlopen?: boolean; socketFamily?: string }): Fact[] {
  const ev = [{ artifact: 'app', extractor: 'test' }];
  const out: Fact[] = [];
  // the socket family as the extractors give it: a constant syscall argument (binaries), the call's argument text (C)
  const FAMILY: Record<string, number> = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10 };
  const fam = d.socketFamily;
  for (const n of d.syscalls ?? []) out.push({ kind: 'syscall', name: n, nr: X86_NR[n] ?? null, arch: 'x86_64', class: 'program', evidence: ev, ...(n === 'socket' && fam ? { constArgs: { 0: [FAMILY[fam]!] } } : {}) });
  for (const n of d.startup ?? []) out.push({ kind: 'syscall', name: n, nr: X86_NR[n] ?? null, arch: 'x86_64', class: 'startup', evidence: ev });
  for (const n of d.calls ?? []) out.push({ kind: 'symbol', name: n, role: 'call', evidence: ev, ...(n === 'socket' && fam ? { args: { 0: fam } } : {}) });
  for (const h of d.headers ?? []) out.push({ kind: 'header', name: h, system: true, evidence: ev });
  for (const [soname, version] of d.sonames ?? []) out.push({ kind: 'library', soname, ...(version ? { version } : {}), neededBy: ['app'], evidence: ev });
  for (const s of d.strings ?? []) out.push({ kind: 'string', value: s, evidence: ev });
  if (d.dlopen) out.push({ kind: 'unknown', reason: 'dlopen', message: 'dlopen("plugins/x.so")', evidence: ev });
  return out;
}
