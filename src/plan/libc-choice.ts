import type { Libc, LibcTable, Mode, UncoveredNeed } from '../model/index.js';
import type { Needs } from './needs.js';

/** The libc decision with its reasons and what the chosen libc leaves uncovered. */
export interface LibcChoice {
  libc: Libc;
  reasons: string[];
  /** Libcs whose port covers every header and function the app needs. */
  candidates: Libc[];
  uncovered: UncoveredNeed[];
}

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
function gaps(needs: Needs, table: LibcTable | undefined, other: LibcTable | undefined, wrapped: ReadonlySet<string>): { headers: string[]; functions: string[] } {
  if (!table) return { headers: [], functions: [] };
  const headers = new Set(table.headers);
  const functions = new Set(table.functions);
  const otherFunctions = new Set(other?.functions ?? []);
  return {
    headers: [...needs.headers].filter((h) => !headers.has(h) && (other ? other.headers.includes(h) : false)).sort(),
    functions: [...needs.functions].filter((f) => !f.startsWith('_') && !functions.has(f) && !wrapped.has(f) && !isLfsAlias(f, functions)
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
export function chooseLibc(needs: Needs, libcs: LibcTable[], options: { forced?: Libc; muslAvailable: boolean; mode: Mode; wrappedSyscalls: ReadonlySet<string> }): LibcChoice {
  const musl = libcs.find((t) => t.target === 'musl');
  const newlib = libcs.find((t) => t.target === 'newlib');
  const musts: string[] = [];
  const newlibGaps = gaps(needs, newlib, musl, options.wrappedSyscalls);
  const muslGaps = gaps(needs, musl, newlib, options.wrappedSyscalls);
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
    reasons.push('nothing the app uses rules out newlib; musl is preferred because it is the maintained default libc of this release (newlib would also do)');
  } else {
    libc = 'newlib';
    reasons.push('nothing the app uses needs musl, and this release has no musl port');
  }
  if (options.forced === 'newlib' && musts.length) reasons.push(...musts.map((m) => `but the app ${m.replace(/^uses/, 'uses').replace(/^calls/, 'calls')}`));
  if (!musl || !newlib) reasons.push(`no ${[musl ? '' : 'musl', newlib ? '' : 'newlib'].filter(Boolean).join(' or ')} function table: decided from built-in lists of Linux-only APIs`);
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
  return { libc, reasons, candidates, uncovered };
}
