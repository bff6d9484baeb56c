import type { Libc, LibcTable, Mode, UncoveredNeed } from '../model/index.js';
import type { Needs } from './needs.js';
import { isCompilerHeader } from '../match/compiler-headers.js';

/**
 * lib-newlib is legacy: its newest commit is from 2023-10-20 (727d5eab, tags RELEASE-0.15.0/0.16.0 of the
 * unikraft/lib-newlib snapshot ukport's newlib table is read from), unikraft/docs release notes cite it last in
 * v0.15.0 (lib-musl through v0.19.0), and it builds newlib-snapshot-20170922; lib-musl pins musl 1.2.3.
 */
export const NEWLIB_LEGACY = 'newlib is legacy: unikraft/lib-newlib has not changed since 2023-10 (the release notes cite it last in v0.15.0) and builds a 2017 newlib snapshot; musl (lib-musl, musl 1.2.3) is the maintained libc';

/** The libc decision with its reasons and what the chosen libc leaves uncovered. */
export interface LibcChoice {
  libc: Libc;
  reasons: string[];
  /** Libcs whose port covers every header and function the app needs. */
  candidates: Libc[];
  uncovered: UncoveredNeed[];
  /** Native mode: core micro-libraries that define functions the app calls, with those functions (posix-environ: getenv). */
  coreLibraries: Map<string, string[]>;
}

/** A libc function a core micro-library defines (the release table's `functions`). */
export interface CoreFunction { library: string; kconfig: string }

// Fallback when syscall-tables/ has no newlib table: headers of Linux-only APIs newlib does not ship.
const LINUX_ONLY_HEADERS = new Set([
  'sys/epoll.h', 'sys/eventfd.h', 'sys/inotify.h', 'sys/signalfd.h', 'sys/timerfd.h', 'sys/prctl.h', 'sys/sendfile.h',
  'sys/sysinfo.h', 'sys/mount.h', 'sys/vfs.h', 'sys/statfs.h', 'sys/xattr.h', 'sys/personality.h', 'sys/auxv.h',
  'sys/random.h', 'sys/fanotify.h', 'sys/klog.h', 'sys/syscall.h', 'sys/fsuid.h', 'mntent.h', 'shadow.h', 'netpacket/packet.h',
]);
const LINUX_ONLY_FUNCTIONS = /^(epoll_\w+|eventfd|inotify_\w+|signalfd|timerfd_\w+|prctl|sendfile|accept4|pipe2|dup3|splice|tee|getrandom|memfd_create|unshare|setns|sysinfo|getauxval|fallocate|posix_fallocate)$/;
const THREAD_FUNCTIONS = /^pthread_(create|join|detach|mutex_\w+|cond_\w+|rwlock_\w+|key_create|once|spin_\w+|barrier_\w+)$/;
const LOCALE_FUNCTIONS = /^(setlocale|newlocale|uselocale|duplocale|freelocale|nl_langinfo|nl_langinfo_l|localeconv)$/;
const WIDE_FUNCTIONS = /^(wcs\w*|wmem\w*|mbs\w*|mbr\w*|mbtowc|wctomb|mblen|btowc|wctob|wcwidth|wcswidth|iswalpha|iswspace|towlower|towupper|fgetwc|fputwc|fwprintf|swprintf|wprintf)$/;

function hasLinuxOnly(needs: Needs, newlib: LibcTable | undefined): string[] {
  if (newlib) return [];
  const hits = [...needs.headers].filter((h) => LINUX_ONLY_HEADERS.has(h) || h.startsWith('linux/')).map((h) => `<${h}>`);
  hits.push(...[...needs.functions].filter((f) => LINUX_ONLY_FUNCTIONS.test(f)).map((f) => `${f}()`));
  return hits.sort();
}

/**
 * Headers and functions the app uses that TABLE lacks (functions: only those some libc or glibc knows; app functions
 * are not libc needs). Syscall wrappers the release provides (read, socket, epoll_create1) are not gaps: with
 * newlib, Unikraft's libraries define them (UK_SYSCALL_DEFINE with UK_LIBC_SYSCALLS).
 */
function gaps(needs: Needs, table: LibcTable | undefined, other: LibcTable | undefined, wrapped: ReadonlySet<string>, core: ReadonlyMap<string, unknown>): { headers: string[]; functions: string[] } {
  if (!table) return { headers: [], functions: [] };
  const headers = new Set([...table.headers, ...(table.portHeaders ?? [])]);
  const functions = new Set([...table.functions, ...(table.glue ?? [])]);
  const otherFunctions = new Set(other?.functions ?? []);
  return {
    // the compiler's own headers (stdatomic.h, stdarg.h) come with the compiler, not the libc
    headers: [...needs.headers].filter((h) => !headers.has(h) && !isCompilerHeader(h) && (other ? other.headers.includes(h) : false)).sort(),
    // a function a core micro-library defines (posix-environ's getenv, vfscore's opendir) is the plan's, not a gap
    functions: [...needs.functions].filter((f) => !f.startsWith('_') && !functions.has(f) && !wrapped.has(f) && !core.has(f) && !isLfsAlias(f, functions)
      && (otherFunctions.has(f) || needs.glibcImports.has(f))).sort(),
  };
}

/** glibc's large-file names (open64, fstat64): rebuilt against a libc whose off_t is 64-bit they are the plain functions. */
function isLfsAlias(f: string, functions: ReadonlySet<string>): boolean {
  return f.endsWith('64') && functions.has(f.slice(0, -2));
}

function listOf(items: string[], max = 6): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/**
 * Picks musl or newlib. Anything newlib lacks (Linux-only headers/functions, POSIX threads, locales, wide characters)
 * points to musl; with no such use both are candidates and musl wins when the release ships it (the maintained libc
 * since lib-musl replaced newlib as the default), else newlib.
 */
export function chooseLibc(needs: Needs, libcs: LibcTable[], options: { forced?: Libc; muslAvailable: boolean; mode: Mode; wrappedSyscalls: ReadonlySet<string>; coreFunctions?: ReadonlyMap<string, CoreFunction> }): LibcChoice {
  const core = options.coreFunctions ?? new Map<string, CoreFunction>();
  const musl = libcs.find((t) => t.target === 'musl');
  const newlib = libcs.find((t) => t.target === 'newlib');
  const musts: string[] = [];
  const newlibGaps = gaps(needs, newlib, musl, options.wrappedSyscalls, core);
  const muslGaps = gaps(needs, musl, newlib, options.wrappedSyscalls, core);
  if (newlibGaps.headers.length) musts.push(`uses headers newlib lacks: ${listOf(newlibGaps.headers.map((h) => `<${h}>`))}`);
  if (newlibGaps.functions.length) musts.push(`calls functions newlib lacks: ${listOf(newlibGaps.functions.map((f) => `${f}()`))}`);
  const linuxOnly = hasLinuxOnly(needs, newlib);
  if (linuxOnly.length) musts.push(`uses Linux-only APIs newlib does not provide: ${listOf(linuxOnly)}`);
  const fns = [...needs.functions].sort();
  const threads = fns.filter((f) => THREAD_FUNCTIONS.test(f));
  if (threads.length) musts.push(`uses POSIX threads (${listOf(threads, 3)}): musl implements them; newlib needs the separate pthread-embedded port`);
  const locale = [...fns.filter((f) => LOCALE_FUNCTIONS.test(f)), ...(needs.headers.has('langinfo.h') ? ['<langinfo.h>'] : [])];
  if (locale.length) musts.push(`uses locales (${listOf(locale, 3)}): newlib's port supports only the C locale`);
  const wide = [...fns.filter((f) => WIDE_FUNCTIONS.test(f)), ...['wchar.h', 'wctype.h'].filter((h) => needs.headers.has(h)).map((h) => `<${h}>`)];
  if (wide.length) musts.push(`uses wide characters (${listOf(wide, 3)}): newlib's port is built without multibyte support`);

  const muslCovers = muslGaps.headers.length === 0 && muslGaps.functions.length === 0;
  const candidates: Libc[] = [];
  if (muslCovers) candidates.push('musl');
  if (musts.length === 0) candidates.push('newlib');
  const reasons: string[] = [];
  let libc: Libc;
  if (options.forced) {
    libc = options.forced;
    reasons.push(`forced with --libc ${libc}`);
  } else if (musts.length > 0) {
    libc = 'musl';
    reasons.push(...musts);
  } else if (options.muslAvailable) {
    libc = 'musl';
    reasons.push('nothing the app uses rules out newlib; musl is preferred because it is the maintained default libc of this release (newlib would also do, but is legacy)');
  } else {
    libc = 'newlib';
    reasons.push('nothing the app uses needs musl, and this release has no musl port');
  }
  if (options.forced === 'newlib' && musts.length) reasons.push(...musts.map((m) => `but the app ${m.replace(/^uses/, 'uses').replace(/^calls/, 'calls')}`));
  if (!musl || !newlib) reasons.push(`no ${[musl ? '' : 'musl', newlib ? '' : 'newlib'].filter(Boolean).join(' or ')} function table: decided from built-in lists of Linux-only APIs`);
  if (libc === 'newlib') reasons.push(NEWLIB_LEGACY);
  if (options.mode === 'binary-compat') reasons.push('binary-compat mode: the app runs with its own glibc; the libc above matters only for a native port');

  const uncovered: UncoveredNeed[] = [];
  if (options.mode === 'native') {
    const g = libc === 'musl' ? muslGaps : newlibGaps;
    for (const h of g.headers) uncovered.push({ kind: 'header', name: h, status: 'missing-required', severity: 'warning', reason: `<${h}> is not in ${libc}; the sources will not compile` });
    for (const f of g.functions) uncovered.push({ kind: 'function', name: f, status: 'missing-required', severity: 'warning', reason: `${f}() is not in ${libc}; link fails unless the app or a library provides it` });
    if (libc === 'newlib') {
      for (const item of [...linuxOnly, ...threads, ...locale, ...wide]) {
        if (uncovered.some((u) => item.includes(u.name))) continue;
        const name = item.replace(/^<|>$|\(\)$/g, '');
        uncovered.push({ kind: item.startsWith('<') ? 'header' : 'function', name, status: 'missing-required', severity: 'warning', reason: `${item} is not supported by newlib's port (musl provides it)` });
      }
    }
  }
  // native: the core micro-libraries that define functions the app calls join the plan
  const coreLibraries = new Map<string, string[]>();
  if (options.mode === 'native') {
    for (const f of [...needs.functions].sort()) {
      const c = core.get(f);
      // nolibc is a C library itself (`depends on !HAVE_LIBC`): the chosen libc defines what it would
      if (c && c.library !== 'nolibc') coreLibraries.set(c.library, [...(coreLibraries.get(c.library) ?? []), f]);
    }
  }
  return { libc, reasons, candidates, uncovered, coreLibraries };
}
