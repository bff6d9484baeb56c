import type { ModuleFact, Tables } from '../../src/model/index.js';
import { hdr, imp, lib, str, sym, sys, unk, TEST_TABLES, type RuleCases } from './rule-fixtures.js';

/** The test tables with a musl summary for ARCH that exports OBJECTS. */
function withMuslObjects(arch: 'x86_64' | 'aarch64', objects: string[]): Tables {
  return { ...TEST_TABLES, libcSummaries: [{ libc: 'musl', arch, provenance: TEST_TABLES.unikraft[0]!.provenance, functions: {}, objects }] };
}

/** A Python module fact imported at app/db.py:1. */
function pymod(name: string, extra: Partial<ModuleFact> = {}): ModuleFact {
  return { kind: 'module', language: 'python', name, ...extra, evidence: [{ artifact: 'app/db.py', extractor: 'python.import', location: { file: 'app/db.py', line: 1, column: 8 } }] };
}

/** TEST_TABLES with one syscall's status changed in v0.17.0. */
function withSyscall(name: string, status: 'implemented' | 'stub'): Tables {
  const [head, ...rest] = TEST_TABLES.unikraft;
  return { ...TEST_TABLES, unikraft: [{ ...head!, syscalls: { ...head!.syscalls, [name]: { status, library: 'uksignal', nr: {} } } }, ...rest] };
}

/** TEST_TABLES plus a v0.21.0 table with the posix-netlink library (as the shipped v0.21.0 has). */
function withNetlink(): Tables {
  const [head] = TEST_TABLES.unikraft;
  const v21 = { ...head!, release: 'v0.21.0', libraries: { 'posix-netlink': { name: 'posix-netlink', kconfig: 'LIBPOSIX_NETLINK', select: [], dependsOn: [], imply: [] } } };
  return { ...TEST_TABLES, unikraft: [...TEST_TABLES.unikraft, v21] };
}

/** TEST_TABLES plus a v0.21.0 table with posix-process's LIBPOSIX_PROCESS_MULTIPROCESS (from v0.19.0). */
function withMultiprocess(): Tables {
  const [head] = TEST_TABLES.unikraft;
  const v21 = { ...head!, release: 'v0.21.0', kconfig: { LIBPOSIX_PROCESS_MULTIPROCESS: { library: 'posix-process', select: [], imply: [], dependsOn: [] } } };
  return { ...TEST_TABLES, unikraft: [...TEST_TABLES.unikraft, v21] };
}
const MULTIPROCESS = { tables: withMultiprocess(), release: 'v0.21.0' };

/** TEST_TABLES whose newlib also has HEADER. */
function withNewlibHeader(header: string): Tables {
  return { ...TEST_TABLES, libc: TEST_TABLES.libc.map((t) => (t.target === 'newlib' ? { ...t, headers: [...t.headers, header] } : t)) };
}

/** Every shipped rule's cases; the catalog test fails when a rule has none. */
export const RULE_CASES: Record<string, RuleCases> = {
  'fork-single-address-space': {
    valid: [
      { name: 'threads only', facts: [sym('pthread_create'), sys('clone', { 0: [0x3d0f00] })] },
      { name: 'vfork on a release with multiprocess support', facts: [sym('vfork', 12)], ctx: MULTIPROCESS },
    ],
    invalid: [
      { name: 'fork even with multiprocess support', facts: [sym('fork', 12)], ctx: MULTIPROCESS, findings: [{ message: 'fork at src/app.c:12 creates a second process, which a single-address-space unikernel cannot do', facts: [0] }] },
      { name: 'fork call in C', facts: [sym('fork', 12)], findings: [{ message: 'fork at src/app.c:12 creates a second process, which a single-address-space unikernel cannot do', facts: [0] }] },
      { name: 'vfork syscall in a binary', facts: [sys('vfork')], findings: [{ message: 'vfork at bin/app creates a second process, which a single-address-space unikernel cannot do', facts: [0] }] },
    ],
  },
  'clone-without-clone-vm': {
    valid: [
      { name: 'thread-style clone', facts: [sym('clone', 40, { 2: 'CLONE_VM | CLONE_FS | CLONE_THREAD' }), sys('clone', { 0: [0x3d0f00] })] },
      { name: 'flags not constant', facts: [sym('clone', 40)] },
    ],
    invalid: [
      { name: 'fork-style clone in C', facts: [sym('clone', 40, { 2: 'SIGCHLD' })], findings: [{ message: 'clone at src/app.c:40 is called without CLONE_VM: a new address space is not available on Unikraft', facts: [0] }] },
      { name: 'clone(SIGCHLD) syscall', facts: [sys('clone', { 0: [17] })], findings: [{ message: 'clone at bin/app is called without CLONE_VM: a new address space is not available on Unikraft', facts: [0] }] },
    ],
  },
  'thread-creation-needs-clone': {
    valid: [{ name: 'fork-style clone syscall', facts: [sys('clone', { 0: [17] })] }],
    invalid: [{ name: 'pthread_create', facts: [sym('pthread_create', 50)], findings: [{ message: 'pthread_create at src/app.c:50 creates threads: enable clone support in posix-process', facts: [0] }] }],
  },
  'exec-replaces-image': {
    valid: [
      { name: 'execve only from program start-up', facts: [sys('execve', undefined, 'startup')] },
      { name: 'execvp on a release with multiprocess support', facts: [sym('execvp', 60)], ctx: MULTIPROCESS },
    ],
    invalid: [
      { name: 'execvp call', facts: [sym('execvp', 60)], findings: [{ message: 'execvp at src/app.c:60 replaces the process image with another program, which Unikraft cannot load', facts: [0] }] },
      { name: 'execve by the program', facts: [sys('execve')], findings: [{ message: 'execve at bin/app replaces the process image with another program, which Unikraft cannot load', facts: [0] }] },
    ],
  },
  'spawn-child-process': {
    valid: [
      { name: 'only spawn attributes', facts: [sym('posix_spawnattr_init')] },
      { name: 'popen on a release with multiprocess support', facts: [sym('popen', 70)], ctx: MULTIPROCESS },
    ],
    invalid: [{ name: 'popen', facts: [sym('popen', 70)], findings: [{ message: 'popen at src/app.c:70 starts a child process (fork + exec), which Unikraft cannot do', facts: [0] }] }],
  },
  'multiprocess-support': {
    valid: [
      { name: 'exec before multiprocess support is the other rules\'', facts: [sym('execvp', 60)] },
      { name: 'fork alone', facts: [sym('fork', 12)], ctx: MULTIPROCESS },
    ],
    invalid: [{
      name: 'posix_spawn and waitpid on v0.21.0', facts: [sym('posix_spawn', 70), sym('waitpid', 80)], ctx: MULTIPROCESS,
      findings: [
        { message: 'posix_spawn at src/app.c:70 needs multiprocess support: enable CONFIG_LIBPOSIX_PROCESS_MULTIPROCESS on Unikraft v0.21.0', facts: [0] },
        { message: 'waitpid at src/app.c:80 needs multiprocess support: enable CONFIG_LIBPOSIX_PROCESS_MULTIPROCESS on Unikraft v0.21.0', facts: [1] },
      ],
    }],
  },
  'wait-for-children': {
    valid: [
      { name: 'thread join', facts: [sym('pthread_join')] },
      { name: 'waitpid on a release with multiprocess support', facts: [sym('waitpid', 80)], ctx: MULTIPROCESS },
    ],
    invalid: [{ name: 'waitpid', facts: [sym('waitpid', 80)], findings: [{ message: 'waitpid at src/app.c:80 waits for child processes; on Unikraft there are none', facts: [0] }] }],
  },
  'signal-handler-semantics': {
    valid: [{ name: 'masking only', facts: [sym('sigprocmask')] }],
    invalid: [{
      name: 'sigaction in C and rt_sigaction in the binary',
      facts: [sym('sigaction', 15), sys('rt_sigaction')],
      findings: [
        { message: 'rt_sigaction at bin/app installs a signal handler: only signals raised inside the image reach it', facts: [1] },
        { message: 'sigaction at src/app.c:15 installs a signal handler: only signals raised inside the image reach it', facts: [0] },
      ],
    }],
  },
  'signal-return-trampoline': {
    valid: [
      { name: 'no alternate stack; rt_sigreturn alone is the judge\'s tolerated gap', facts: [sym('sigaction'), sys('rt_sigreturn')] },
      { name: 'sigaltstack implemented by the release', facts: [sys('sigaltstack')], ctx: { tables: withSyscall('sigaltstack', 'implemented') } },
    ],
    invalid: [{ name: 'sigaltstack missing', facts: [sys('sigaltstack')], findings: [{ message: 'sigaltstack at bin/app relies on alternate signal stacks or user contexts, which Unikraft does not reproduce fully', facts: [0] }] }],
  },
  'linux-only-header-newlib': {
    valid: [
      { name: 'musl has them', facts: [hdr('sys/epoll.h', 3), hdr('linux/netlink.h', 4)] },
      { name: 'a local header of the same name', facts: [hdr('sys/epoll.h', 3, false)], ctx: { libc: 'newlib' } },
      { name: 'newlib glue provides it', facts: [hdr('sys/epoll.h', 3)], ctx: { libc: 'newlib', tables: withNewlibHeader('sys/epoll.h') } },
      { name: 'no libc table: presence unknown', facts: [hdr('sys/epoll.h', 3)], ctx: { libc: 'newlib', tables: undefined } },
    ],
    invalid: [{
      name: 'epoll and netlink headers under newlib',
      facts: [hdr('sys/epoll.h', 3), hdr('linux/netlink.h', 4)],
      ctx: { libc: 'newlib' },
      findings: [
        { message: '<sys/epoll.h> at src/app.c:3 is Linux-only and missing from newlib', facts: [0] },
        { message: '<linux/netlink.h> at src/app.c:4 is Linux-only and missing from newlib', facts: [1] },
      ],
    }],
  },
  'header-missing-in-libc': {
    valid: [
      { name: 'present, or reported by linux-only-header-newlib', facts: [hdr('stdio.h'), hdr('sys/epoll.h')], ctx: { libc: 'newlib' } },
      { name: 'no libc chosen', facts: [hdr('sys/timex.h', 5)], ctx: { libc: undefined } },
      { name: 'binary-compat needs no headers', facts: [hdr('sys/timex.h', 5)], ctx: { libc: 'newlib', mode: 'binary-compat' } },
      { name: 'a header only the port adds; linux/* is left to linux-only-header-newlib', facts: [hdr('sys/random.h', 5), hdr('linux/limits.h', 6)], ctx: { libc: 'newlib' } },
    ],
    invalid: [{ name: 'sys/timex.h under newlib', facts: [hdr('sys/timex.h', 5)], ctx: { libc: 'newlib' }, findings: [{ message: '<sys/timex.h> at src/app.c:5 is not provided by newlib in Unikraft', facts: [0] }] }],
  },
  'libc-function-missing': {
    valid: [
      { name: 'musl has qsort_r', facts: [sym('qsort_r', 90)] },
      { name: 'no tables', facts: [sym('qsort_r', 90)], ctx: { tables: undefined, libc: 'newlib' } },
      { name: 'glue function, and a wrapper defined by the syscall shim', facts: [sym('tcgetattr', 91), sym('close', 92)], ctx: { libc: 'newlib' } },
      { name: 'syscall() comes from the syscall shim', facts: [sym('syscall', 93)], ctx: { libc: 'newlib' } },
      { name: 'binary-compat runs the app on its own glibc', facts: [sym('qsort_r', 90)], ctx: { libc: 'newlib', mode: 'binary-compat' } },
      { name: 'glibc-internal imports, imports of other libraries, unversioned imports', facts: [imp('__libc_start_main', 'GLIBC_2.34', 'libc.so.6'), imp('_IO_putc', 'GLIBC_2.2.5', 'libc.so.6'), imp('EVP_sha256', 'OPENSSL_3.0.0', 'libcrypto.so.3'), imp('qsort_r')], ctx: { libc: 'newlib' } },
      // data objects: the C streams are in every libc (newlib's are macros); others as the libc's summary lists them
      { name: 'imported stdout and stderr under newlib', facts: [imp('stdout', 'GLIBC_2.17', 'libc.so.6', 'object'), imp('stderr', 'GLIBC_2.17', 'libc.so.6', 'object')], ctx: { libc: 'newlib' } },
      { name: 'imported optarg and environ, exported by musl\'s libc.so', facts: [imp('optarg', 'GLIBC_2.17', 'libc.so.6', 'object'), imp('environ', 'GLIBC_2.17', 'libc.so.6', 'object')], ctx: { arch: 'aarch64', tables: withMuslObjects('aarch64', ['environ', 'optarg']) } },
    ],
    invalid: [{
      name: 'qsort_r under newlib', facts: [sym('qsort_r', 90)], ctx: { libc: 'newlib' },
      findings: [{ message: 'qsort_r (at src/app.c:90) is not provided by newlib in Unikraft', facts: [0], remedyText: 'Use a portable equivalent, switch libc, or add qsort_r to a compat micro-library.' }],
    }, {
      name: 'a versioned glibc import of a native rebuild', facts: [imp('qsort_r', 'GLIBC_2.8', 'libc.so.6')], ctx: { libc: 'newlib' },
      findings: [{ message: 'qsort_r (at bin/app) is not provided by newlib in Unikraft', facts: [0], remedyText: 'Use a portable equivalent, switch libc, or add qsort_r to a compat micro-library.' }],
    }, {
      // glibc's error.h counter: no musl exports it; and optarg on an architecture whose summary is not loaded
      name: 'a glibc-only data object, and an object with no summary of the architecture', facts: [imp('error_message_count', 'GLIBC_2.2.5', 'libc.so.6', 'object'), imp('optarg', 'GLIBC_2.2.5', 'libc.so.6', 'object')],
      ctx: { tables: withMuslObjects('aarch64', ['environ', 'optarg']) },
      findings: [
        { message: 'error_message_count (at bin/app) is not provided by musl in Unikraft', facts: [0], remedyText: 'Use a portable equivalent, switch libc, or add error_message_count to a compat micro-library.' },
        { message: 'optarg (at bin/app) is not provided by musl in Unikraft', facts: [1], remedyText: 'Use a portable equivalent, switch libc, or add optarg to a compat micro-library.' },
      ],
    }],
  },
  'openssl-version-mismatch': {
    valid: [
      { name: 'OpenSSL 1.1 matches the port', facts: [lib('libssl.so.1.1', '1.1'), lib('libcrypto.so.1.1', '1.1')] },
      // the rule's modes: under app-elfloader the app brings its own libssl.so.3 (the plan copies it into the rootfs)
      { name: 'binary-compat: the app brings its own OpenSSL', facts: [lib('libssl.so.3', '3')], ctx: { mode: 'binary-compat' } },
    ],
    invalid: [{
      name: 'OpenSSL 3', facts: [lib('libssl.so.3', '3')],
      findings: [{ message: 'libssl.so.3 (OpenSSL 3) is needed but the Unikraft port lib-openssl is OpenSSL 1.1.1', facts: [0], remedyText: "Port the app to OpenSSL 1.1.1's API, or pin a lib-openssl version that matches 3." }],
    }],
  },
  'openssl-loaded-shared': {
    valid: [{ name: 'binary-compat keeps shared libraries', facts: [lib('libcrypto.so.1.1', '1.1')], ctx: { mode: 'binary-compat' } }],
    invalid: [{
      name: 'native build against shared libcrypto', facts: [lib('libcrypto.so.1.1', '1.1')],
      findings: [{ message: 'libcrypto.so.1.1 is linked shared; in a Unikraft image OpenSSL is linked statically', facts: [0], remedyText: 'Link libssl/libcrypto statically from the Unikraft port (lib-openssl); disable dynamic engines/providers.' }],
    }],
  },
  'shared-library-no-port': {
    valid: [
      { name: 'libc and ported libraries', facts: [lib('libc.so.6', '6'), lib('libssl.so.1.1', '1.1')] },
      { name: 'no tables: port status unknown', facts: [lib('libmosquitto.so.1', '1')], ctx: { tables: undefined } },
    ],
    invalid: [{
      name: 'libmosquitto', facts: [lib('libmosquitto.so.1', '1')],
      findings: [{ message: 'libmosquitto.so.1 has no Unikraft port', facts: [0], remedyText: 'Port libmosquitto.so.1 as a Unikraft library, link its sources into the app, or use binary-compatibility mode (app-elfloader).' }],
    }],
  },
  'shared-library-in-rootfs': {
    valid: [{ name: 'native mode', facts: [lib('libz.so.1', '1')] }],
    invalid: [{
      name: 'libz in binary-compat mode', facts: [lib('libz.so.1', '1')], ctx: { mode: 'binary-compat' },
      findings: [{ message: 'libz.so.1 must be copied into the rootfs for app-elfloader', facts: [0], remedyText: 'Add libz.so.1 (and the loader) to the initrd or the 9pfs share.' }],
    }],
  },
  'dlopen-plugins': {
    valid: [{ name: 'dlerror only', facts: [sym('dlerror')] }],
    invalid: [{
      name: 'dlopen unknown and call at the same site merge', facts: [sym('dlopen', 30), unk('dlopen', 'dlopen(path, RTLD_NOW): code loaded or looked up at run time is not analysed', 30)],
      findings: [{ message: 'run-time code loading at src/app.c:30: plugins must be linked into the image', facts: [1, 0] }],
    }],
  },
  'config-file-at-boot': {
    valid: [{ name: 'kernel and device paths', facts: [str('/proc/self/status'), str('/dev/urandom')] }],
    invalid: [{
      name: '/etc config', facts: [str('/etc/keyserver.conf', 14)],
      findings: [{ message: "/etc/keyserver.conf (at src/app.c:14) must be provided in the image's rootfs", facts: [0], remedyText: 'Pack /etc/keyserver.conf into the initrd (or share it with 9pfs), or apply the patch to override the path from the environment.' }],
    }],
  },
  'static-content-directory': {
    valid: [{ name: 'closedir alone', facts: [sym('closedir')] }],
    invalid: [{ name: 'opendir', facts: [sym('opendir', 33)], findings: [{ message: 'opendir at src/app.c:33 reads a directory tree: ship it in the rootfs (initrd or 9pfs)', facts: [0] }] }],
  },
  'socketpair-not-available': {
    valid: [{ name: 'v0.17.0 has socketpair', facts: [sym('socketpair', 44, { 0: 'AF_UNIX', 1: 'SOCK_STREAM' })] }],
    invalid: [{
      name: 'v0.9.0 lacks socketpair', facts: [sym('socketpair', 44, { 0: 'AF_UNIX', 1: 'SOCK_STREAM' })], ctx: { release: 'v0.9.0' },
      findings: [{ message: 'socketpair at src/app.c:44 creates a socket pair, which Unikraft v0.9.0 does not provide', facts: [0] }],
    }],
  },
  'unix-sockets-need-posix-unixsocket': {
    valid: [{ name: 'internet sockets', facts: [sym('socket', 45, { 0: 'AF_INET', 1: 'SOCK_STREAM' })] }],
    invalid: [{ name: 'AF_UNIX pair', facts: [sym('socketpair', 44, { 0: 'AF_UNIX', 1: 'SOCK_STREAM' })], findings: [{ message: 'socketpair at src/app.c:44 uses AF_UNIX: select posix-unixsocket', facts: [0] }] }],
  },
  'netlink-socket': {
    valid: [
      { name: 'internet sockets', facts: [sym('socket', 45, { 0: 'AF_INET', 1: 'SOCK_STREAM' }), sys('socket', { 0: [2, 10] })] },
      { name: 'netlink on a release with posix-netlink', facts: [sys('socket', { 0: [16] })], ctx: { tables: withNetlink(), release: 'v0.21.0' } },
    ],
    invalid: [{
      name: 'netlink in C and in the binary', facts: [sym('socket', 46, { 0: 'AF_NETLINK', 1: 'SOCK_RAW', 2: 'NETLINK_ROUTE' }), sys('socket', { 0: [2, 16] })],
      // one subject (the socket syscall and the call of its wrapper): one finding with the evidence of both
      findings: [{ message: 'socket(AF_NETLINK) at src/app.c:46: Unikraft v0.17.0 has no netlink sockets (posix-netlink arrives in v0.21.0)', facts: [0, 1] }],
    }],
  },
  'netlink-socket-basic': {
    valid: [{ name: 'netlink before posix-netlink is the other rule\'s', facts: [sys('socket', { 0: [16] })] }],
    invalid: [{
      name: 'netlink on v0.21.0', facts: [sym('socket', 46, { 0: 'AF_NETLINK', 1: 'SOCK_RAW', 2: 'NETLINK_ROUTE' })], ctx: { tables: withNetlink(), release: 'v0.21.0' },
      findings: [{ message: 'socket(AF_NETLINK) at src/app.c:46: Unikraft v0.21.0 serves basic netlink (route and link discovery) through posix-netlink', facts: [0] }],
    }],
  },
  'packet-socket': {
    valid: [{ name: 'netlink is not packet (16 vs 17: equality, not a bit test)', facts: [sys('socket', { 0: [16] })] }],
    invalid: [{ name: 'AF_PACKET syscall', facts: [sys('socket', { 0: [17] })], findings: [{ message: 'socket(AF_PACKET) at bin/app: packet sockets do not exist on Unikraft', facts: [0] }] }],
  },
  'network-stack-and-driver': {
    valid: [{ name: 'unix and netlink sockets', facts: [sym('socket', 45, { 0: 'AF_UNIX', 1: 'SOCK_STREAM' }), sys('socket', { 0: [16] })] }],
    invalid: [{
      name: 'AF_INET6 in C, AF_INET in the binary', facts: [sym('socket', 45, { 0: 'AF_INET6', 1: 'SOCK_DGRAM' }), sys('socket', { 0: [2] })],
      findings: [{ message: 'socket at src/app.c:45 opens an internet socket: select lwip and the network driver of the target platform', facts: [0, 1] }],
    }],
  },
  'inotify-watches': {
    valid: [{ name: 'plain reads', facts: [sym('read')] }],
    invalid: [{ name: 'inotify_add_watch', facts: [sym('inotify_add_watch', 50)], findings: [{ message: 'inotify_add_watch at src/app.c:50 watches files with inotify, which Unikraft does not provide', facts: [0] }] }],
  },
  'shared-writable-mapping': {
    valid: [{ name: 'read-only shared and private writable', facts: [sym('mmap', 55, { 2: 'PROT_READ', 3: 'MAP_SHARED' }), sym('mmap', 56, { 2: 'PROT_READ | PROT_WRITE', 3: 'MAP_PRIVATE | MAP_ANONYMOUS' })] }],
    invalid: [{
      name: 'shared writable anonymous', facts: [sym('mmap', 55, { 2: 'PROT_READ | PROT_WRITE', 3: 'MAP_SHARED | MAP_ANONYMOUS' })],
      findings: [{ message: 'mmap at src/app.c:55 maps shared writable memory: there is no other process to share it with', facts: [0] }],
    }],
  },
  'sysv-ipc': {
    valid: [{ name: 'POSIX shm', facts: [sym('shm_open')] }],
    invalid: [{ name: 'shmget', facts: [sym('shmget', 60)], findings: [{ message: 'shmget at src/app.c:60 uses System V IPC, which Unikraft does not provide', facts: [0] }] }],
  },
  'io-uring': {
    valid: [{ name: 'epoll', facts: [sys('epoll_wait')] }],
    invalid: [{ name: 'io_uring_setup', facts: [sys('io_uring_setup')], findings: [{ message: 'io_uring_setup at bin/app uses io_uring, which Unikraft does not provide', facts: [0] }] }],
  },
  'linux-aio': {
    valid: [{ name: 'POSIX aio', facts: [sym('aio_read')] }],
    invalid: [{ name: 'io_submit', facts: [sym('io_submit', 61)], findings: [{ message: 'io_submit at src/app.c:61 uses Linux AIO, which Unikraft does not provide', facts: [0] }] }],
  },
  'memory-locking-fakeable': {
    valid: [{ name: 'mprotect', facts: [sym('mprotect')] }],
    invalid: [{ name: 'mlock', facts: [sym('mlock', 62)], findings: [{ message: 'mlock at src/app.c:62 is harmless on Unikraft (no swap): it can be faked', facts: [0] }] }],
  },
  'cpu-affinity': {
    valid: [{ name: 'sched_yield', facts: [sym('sched_yield')] }],
    invalid: [{ name: 'sched_setaffinity', facts: [sym('sched_setaffinity', 63)], findings: [{ message: 'sched_setaffinity at src/app.c:63 sets CPU affinity: Unikraft runs the app on one CPU', facts: [0] }] }],
  },
  'setuid-user-management': {
    valid: [{ name: 'getuid', facts: [sym('getuid')] }],
    invalid: [{ name: 'setuid', facts: [sym('setuid', 64)], findings: [{ message: 'setuid at src/app.c:64 manages users or privileges; Unikraft has a single built-in user', facts: [0] }] }],
  },
  'namespaces-and-mounts': {
    valid: [{ name: 'chdir', facts: [sym('chdir')] }],
    invalid: [{ name: 'chroot', facts: [sym('chroot', 65)], findings: [{ message: 'chroot at src/app.c:65 changes namespaces or mounts, which an application cannot do on Unikraft', facts: [0] }] }],
  },
  'ptrace-debugging': {
    valid: [{ name: 'getpid', facts: [sys('getpid')] }],
    invalid: [{ name: 'ptrace', facts: [sys('ptrace')], findings: [{ message: 'ptrace at bin/app inspects another process, which does not exist on Unikraft', facts: [0] }] }],
  },
  'proc-sys-paths': {
    valid: [{ name: 'look-alike paths', facts: [str('/system/app.db'), str('/processes')] }],
    invalid: [{
      name: '/proc/self/status', facts: [str('/proc/self/status', 21)],
      findings: [{ message: '/proc/self/status (at src/app.c:21) does not exist on Unikraft (no procfs/sysfs)', facts: [0], remedyText: 'Handle the open failure, use sysconf()/sysinfo(), or ship a static copy of /proc/self/status in the rootfs.' }],
    }],
  },
  'device-nodes-devfs': {
    valid: [{ name: 'config path', facts: [str('/etc/app.conf')] }],
    invalid: [{ name: '/dev/urandom', facts: [str('/dev/urandom', 22)], findings: [{ message: '/dev/urandom (at src/app.c:22) must be provided by devfs', facts: [0] }] }],
  },
  'tty-ioctl': {
    valid: [{ name: 'non-tty ioctl', facts: [sym('ioctl', 72, { 1: 'FIONBIO' })] }],
    invalid: [{
      name: 'TIOCGWINSZ and tcsetattr', facts: [sym('ioctl', 70, { 1: 'TIOCGWINSZ' }), sym('tcsetattr', 71)],
      findings: [
        { message: 'ioctl at src/app.c:70 drives a terminal; Unikraft only has a serial console', facts: [0] },
        { message: 'tcsetattr at src/app.c:71 drives a terminal; Unikraft only has a serial console', facts: [1] },
      ],
    }],
  },
  'nondeterminism-time': {
    valid: [{ name: 'sleep', facts: [sym('sleep')] }],
    invalid: [{ name: 'time', facts: [sym('time', 73)], findings: [{ message: 'time at src/app.c:73 reads the clock (non-deterministic input)', facts: [0] }] }],
  },
  'nondeterminism-random': {
    valid: [{ name: 'seeded PRNG', facts: [sym('rand')] }],
    invalid: [{ name: 'getrandom syscall', facts: [sys('getrandom')], findings: [{ message: 'getrandom at bin/app draws random numbers (non-deterministic input)', facts: [0] }] }],
  },
  'nondeterminism-cycle-counter': {
    valid: [{ name: 'clock_gettime', facts: [sym('clock_gettime')] }],
    invalid: [{ name: '__rdtsc', facts: [sym('__rdtsc', 74)], findings: [{ message: '__rdtsc at src/app.c:74 reads the cycle counter (non-deterministic input)', facts: [0] }] }],
  },
  'unresolved-syscall-number': {
    valid: [{ name: 'parse error is not a syscall', facts: [unk('parse-error', 'C parse error in line 3')] }],
    invalid: [{
      name: 'syscall(nr)', facts: [unk('indirect-syscall', 'syscall(nr): the number is not a constant', 31)],
      findings: [{ message: 'unresolved syscall at src/app.c:31: syscall(nr): the number is not a constant', facts: [0] }],
    }],
  },
  'unresolved-library': {
    valid: [{ name: 'an import is not a missing library', facts: [imp('SSL_new')] }],
    invalid: [{
      name: 'libfoo not found', facts: [unk('unresolved-library', 'libfoo.so.2 not found (needed by bin/app)')],
      findings: [{ message: 'libfoo.so.2 not found (needed by bin/app)', facts: [0] }],
    }],
  },
  'python-extension-not-in-port': {
    valid: [
      { name: 'extension built in', facts: [pymod('ssl', { extension: '_ssl', inPort: true })] },
      { name: 'no port table consulted', facts: [pymod('sqlite3', { extension: '_sqlite3' })] },
    ],
    invalid: [
      { name: 'sqlite3 before the port had _sqlite3', facts: [pymod('sqlite3', { extension: '_sqlite3', inPort: false })],
        findings: [{ message: "sqlite3 at app/db.py:1 needs the C extension _sqlite3, which Unikraft's lib-python3 does not build in", facts: [0] }] },
      { name: 'the app ships its own extension module', facts: [{ kind: 'module', language: 'python', name: 'zlibext', native: true, extension: 'zlibext', inPort: false, evidence: [{ artifact: 'app/zlibext.so', extractor: 'python.extension' }] }],
        findings: [{ message: "zlibext at app/zlibext.so needs the C extension zlibext, which Unikraft's lib-python3 does not build in", facts: [0] }] },
    ],
  },
  'interpreted-process-spawn': {
    valid: [{ name: 'threads only', facts: [pymod('threading', { features: ['threads'] })] }],
    invalid: [
      { name: 'subprocess.run', facts: [pymod('subprocess', { members: ['run'], features: ['process-spawn'] })],
        findings: [{ message: 'python module subprocess (run) at app/db.py:1 starts child processes, which a single-process unikernel cannot do', facts: [0] }] },
      { name: 'os.fork', facts: [pymod('os', { members: ['fork'], features: ['fork'] })],
        findings: [{ message: 'python module os (fork) at app/db.py:1 starts child processes, which a single-process unikernel cannot do', facts: [0] }] },
    ],
  },
  'node-native-addon': {
    valid: [{ name: 'a JS import', facts: [{ kind: 'module', language: 'javascript', name: 'net', features: ['sockets'], evidence: [{ artifact: 'a.js', extractor: 'js.import' }] }] }],
    invalid: [{ name: '.node addon', facts: [{ kind: 'module', language: 'javascript', name: 'bcrypt.node', native: true, evidence: [{ artifact: 'node_modules/bcrypt/bcrypt.node', extractor: 'js.addon' }] }],
      findings: [{ message: 'native addon bcrypt.node at node_modules/bcrypt/bcrypt.node is a shared object loaded at run time with dlopen', facts: [0] }] }],
  },
};
