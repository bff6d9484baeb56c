import type { Arch } from '../../model/index.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
import type { ModuleGraph } from './module-graph.js';

/**
 * Facts about glibc's code that a call graph cannot see: calls and syscall sites that run only once some other
 * function of the same glibc has run (state only that function creates), or never (ld.so's command mode when it
 * is the program's interpreter; what follows exit_group). Each model cites the glibc source that shows it
 * (checked against 2.36).
 *
 * A model holds back only calls and sites it finds by name, so a stripped libc without its debug file, or a glibc
 * whose functions are named or split differently, is left as it is.
 */
export interface LibcModel {
  id: string;
  /** What the held-back code needs, for the report. */
  why: string;
  /** glibc 2.36 source that shows it. */
  source: string;
  /** Calls held back: from any function named in FROM to any named in TO. */
  edges?: { from: string[]; to: string[] }[];
  /** Syscall sites held back: in a function named in IN, making one of SYSCALLS. */
  sites?: { in: string[]; syscalls: string[] }[];
  /** 'interp': only in the program's PT_INTERP module. 'library': only in a shared library (a static program's own code cannot be told apart from its libc's). */
  role?: 'interp' | 'library';
  /** What releases the held code, in every module; without it, nothing does. */
  live?: {
    /** one of these functions is reachable */
    reached?: string[];
    /** a module outside glibc calls one of these functions of another module, or stores a pointer to it, or looks it up */
    calledFromOutside?: RegExp;
    /** a module outside glibc makes one of these syscalls itself (a raw `syscall` instruction or glibc's syscall()) */
    syscallOutside?: string[];
  };
}

export const LIBC_MODELS: readonly LibcModel[] = [
  {
    id: 'ld.so-command-mode',
    why: 'ld.so run as a command (`ld.so PROGRAM`, `--list-diagnostics`, `--help`): not when it is the interpreter of the program scanned',
    source: 'elf/rtld.c dl_main: the block under `if (*user_entry == ENTRY_POINT)`, rtld_chain_load (execve)',
    role: 'interp',
    edges: [{ from: ['dl_main'], to: ['_dl_usage', '_dl_version', '_dl_help', '_dl_print_diagnostics', '__tunables_print', 'rtld_chain_load'] }],
    sites: [{ in: ['dl_main', 'rtld_chain_load'], syscalls: ['execve'] }],
  },
  {
    id: 'sunrpc-service-cleanup',
    why: 'a thread\'s Sun RPC service table is unregistered from the portmapper at thread exit only if svc_register filled it',
    source: 'sunrpc/svc.c: svc_head is set only by svc_register; __rpc_thread_svc_cleanup calls svc_unregister per entry',
    edges: [{ from: ['__rpc_thread_svc_cleanup'], to: ['svc_unregister'] }],
    live: { reached: ['svc_register'] },
  },
  {
    id: 'priority-protect-mutex',
    why: 'priority-ceiling (PTHREAD_PRIO_PROTECT) mutexes: made by pthread_mutexattr_setprotocol, or handed in by the program (shared memory)',
    source: 'nptl/pthread_mutex_init.c (the only place the PP kind is set, from the attribute); nptl/pthread_mutex_{lock,timedlock,trylock,unlock,setprioceiling}.c call tpp.c on that kind only',
    role: 'library',
    edges: [{
      from: ['__pthread_mutex_lock_full', '__pthread_mutex_cond_lock_full', '__pthread_mutex_clocklock_common', '__pthread_mutex_trylock', 'pthread_mutex_trylock',
        '__pthread_mutex_unlock_full', '__pthread_mutex_unlock_usercnt', 'pthread_mutex_setprioceiling', '__pthread_mutex_setprioceiling'],
      to: ['__pthread_tpp_change_priority', '__pthread_current_priority'],
    }],
    live: { reached: ['pthread_mutexattr_setprotocol'], calledFromOutside: /^(__)?(pthread_mutex_|pthread_cond_|mtx_|cnd_)/ },
  },
  {
    id: 'pthread-explicit-scheduling',
    why: 'a thread created with explicit scheduling (PTHREAD_EXPLICIT_SCHED): set only by pthread_attr_setinheritsched',
    source: 'nptl/pthread_create.c: collect_default_sched and create_thread\'s sched_setscheduler run under ATTR_FLAG_NOTINHERITSCHED, set only in nptl/pthread_attr_setinheritsched.c',
    sites: [{ in: ['pthread_create', '__pthread_create_2_1'], syscalls: ['sched_getparam', 'sched_getscheduler'] }, { in: ['create_thread'], syscalls: ['sched_setscheduler'] }],
    live: { reached: ['pthread_attr_setinheritsched'] },
  },
  {
    id: 'pthread-create-affinity',
    why: 'a thread created with a CPU set in its attributes: set by pthread_attr_setaffinity_np from the program, or by pthread_getattr_np',
    source: 'nptl/pthread_create.c create_thread: sched_setaffinity when attr->extension->cpuset; glibc sets it in pthread_attr_setaffinity_np (called by pthread_getattr_np and by __pthread_attr_copy, which copies a set made earlier)',
    role: 'library',
    sites: [{ in: ['create_thread'], syscalls: ['sched_setaffinity'] }],
    live: { reached: ['pthread_getattr_np'], calledFromOutside: /^pthread_attr_setaffinity_np$|^pthread_setattr_default_np$/ },
  },
  {
    id: 'exit-after-exit-group',
    why: '_exit makes the exit syscall only if exit_group returned, and Linux\'s exit_group never returns',
    source: 'sysdeps/unix/sysv/linux/_exit.c: exit_group, then exit, in one loop (musl src/exit/_Exit.c: the same); Linux kernel/exit.c: exit_group ends in do_group_exit, which does not return',
    sites: [{ in: ['_exit', '_Exit'], syscalls: ['exit'] }],
  },
  {
    id: 'main-thread-exit',
    why: 'the main thread ends alone (the exit syscall, not exit_group) only when pthread_exit or a cancellation unwinds it back to __libc_start_call_main',
    source: 'sysdeps/nptl/libc_start_call_main.h: exit syscall on the second return of setjmp, which nptl/unwind.c longjmps to at the end of __pthread_unwind (pthread_exit, or a cancellation pthread_cancel requested)',
    sites: [{ in: ['__libc_start_call_main'], syscalls: ['exit'] }],
    live: { reached: ['pthread_exit', '__pthread_exit', 'pthread_cancel', '__pthread_cancel'] },
  },
  {
    id: 'gettext-catalog-search',
    why: 'gettext (glibc\'s own messages too: assert, strerror, perror) searches message catalogs only in a locale other than C; a program stays in the C locale until setlocale or newlocale (with uselocale) leaves it',
    source: 'intl/dcigettext.c DCIGETTEXT: guess_category_value returns "C" for the C locale (__current_locale_name) before LANGUAGE is read, and the loop breaks on "C" before _nl_find_domain / _nl_find_msg (their only callers); locale/global-locale.c: _nl_global_locale is named "C", changed only by setlocale; a thread\'s locale only by uselocale of a locale newlocale made',
    edges: [{ from: ['__dcigettext', 'dcigettext'], to: ['_nl_find_domain', '_nl_find_msg'] }],
    live: { reached: ['setlocale', 'newlocale', '__newlocale'] },
  },
  {
    id: 'stdio-exit-other-thread',
    why: 'at exit, stdio yields to another thread that holds a stream\'s lock; a process that never creates a thread has none',
    source: 'libio/genops.c _IO_unbuffer_all: __sched_yield when _IO_lock_trylock fails, which a recursive stream lock does only for another owner thread',
    role: 'library',
    edges: [{ from: ['_IO_cleanup', '_IO_unbuffer_all'], to: ['sched_yield', '__sched_yield'] }],
    live: { reached: ['pthread_create', '__pthread_create_2_1'], calledFromOutside: /^(__)?clone3?$/, syscallOutside: ['clone', 'clone3'] },
  },
];

/** sonames of glibc's own libraries: calls between them are glibc's, not the program's. */
const GLIBC_SONAMES = /^(libc\.so\.6|libpthread\.so\.0|librt\.so\.1|libdl\.so\.2|libm\.so\.6|libmvec\.so\.1|libresolv\.so\.2|libanl\.so\.1|libutil\.so\.1|libBrokenLocale\.so\.1|libc_malloc_debug\.so\.0|libthread_db\.so\.1|libnss_(files|dns|compat|db|hesiod)\.so\.2|ld-linux[-.a-z0-9_]*\.so\.[0-9]+)$/;

/** Whether a module with this soname (and role) is part of glibc. */
export function isGlibcModule(soname: string | undefined, role: string): boolean {
  return role === 'interp' || (soname !== undefined && GLIBC_SONAMES.test(soname));
}

/** The models that apply to one module, as lookup tables by function index; keys are model indices. */
export interface ModuleModels {
  /** from-function → (callee → model) */
  edges: Map<number, Map<number, number>>;
  /** function → (syscall number → model) */
  sites: Map<number, Map<number, number>>;
  /** function whose reaching releases these models */
  reached: Map<number, number[]>;
  /** function whose call from outside glibc releases these models */
  outside: Map<number, number[]>;
}

/** Syscall number → the models that its use outside glibc releases. */
export function syscallWitnesses(arch: Arch): Map<number, number[]> {
  const numbers = loadLinuxSyscalls(arch).byName;
  const out = new Map<number, number[]>();
  LIBC_MODELS.forEach((m, k) => {
    for (const nr of (m.live?.syscallOutside ?? []).map((n) => numbers.get(n))) if (nr !== undefined) out.set(nr, [...(out.get(nr) ?? []), k]);
  });
  return out;
}

const tables = new WeakMap<ModuleGraph, Map<string, ModuleModels | undefined>>();

/** The models' tables for a module of ROLE with graph G; memoised per graph and role. */
export function modelsFor(g: ModuleGraph, role: 'main' | 'interp' | 'library', arch: Arch): ModuleModels | undefined {
  let byRole = tables.get(g);
  if (!byRole) tables.set(g, (byRole = new Map()));
  if (byRole.has(role)) return byRole.get(role);
  const out = build(g, role, arch);
  byRole.set(role, out);
  return out;
}

/** Every function name a model holds back or waits for. */
const MENTIONED = new Set(LIBC_MODELS.flatMap((m) => [...(m.edges ?? []).flatMap((e) => [...e.from, ...e.to]), ...(m.sites ?? []).flatMap((x) => x.in), ...(m.live?.reached ?? [])]));

function build(g: ModuleGraph, role: 'main' | 'interp' | 'library', arch: Arch): ModuleModels | undefined {
  // one pass over the module's names for the few the models mention (a large library has tens of thousands)
  const byName = new Map<string, number[]>();
  g.names.forEach((n, i) => { if (MENTIONED.has(n)) { const l = byName.get(n); if (l) l.push(i); else byName.set(n, [i]); } });
  const all = (names: readonly string[]): number[] => names.flatMap((n) => byName.get(n) ?? []);
  // exports by name, without versions: every name of a function (its display name is one of its aliases)
  const exported: [string, number][] = Object.entries(g.exports).map(([key, f]) => [key.replace(/@.*$/, ''), f]);
  const numbers = loadLinuxSyscalls(arch).byName;
  const out: ModuleModels = { edges: new Map(), sites: new Map(), reached: new Map(), outside: new Map() };
  let any = false;
  const add = <K>(map: Map<K, number[]>, key: K, k: number): void => { const l = map.get(key); if (l) l.push(k); else map.set(key, [k]); any = true; };
  LIBC_MODELS.forEach((m, k) => {
    // what releases a model is looked for in every module
    const reached = m.live?.reached ?? [];
    for (const f of new Set([...all(reached), ...exported.flatMap(([n, f]) => (reached.includes(n) ? [f] : []))])) add(out.reached, f, k);
    // only exported functions can be called from another module (imports, stored pointers and dlsym resolve to exports)
    const outside = m.live?.calledFromOutside;
    if (outside) for (const f of new Set(exported.flatMap(([n, f]) => (outside.test(n) ? [f] : [])))) add(out.outside, f, k);
    // what it holds back, only where it applies. A module that names the internal functions a model holds back has
    // its full symbol table (or debug file): a witness no module names is not linked in (a static program takes
    // only what it calls) and cannot run.
    if (m.role && m.role !== role) return;
    for (const e of m.edges ?? []) {
      const to = all(e.to);
      for (const f of all(e.from)) {
        const callees = new Set(Array.from(g.calls.at(f)));
        for (const t of to) if (callees.has(t)) {
          let map = out.edges.get(f);
          if (!map) out.edges.set(f, (map = new Map()));
          map.set(t, k);
          any = true;
        }
      }
    }
    for (const s of m.sites ?? []) {
      const nrs = s.syscalls.map((n) => numbers.get(n)).filter((n): n is number => n !== undefined);
      for (const f of all(s.in)) {
        const made = g.sites[f];
        for (let i = 0; i < made.length; i += 3) if (nrs.includes(made[i])) {
          let map = out.sites.get(f);
          if (!map) out.sites.set(f, (map = new Map()));
          map.set(made[i], k);
          any = true;
        }
      }
    }
  });
  return any ? out : undefined;
}
