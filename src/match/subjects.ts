import type { Evidence, Fact } from '../model/index.js';

/** Key of a need: `syscall:fork`, `function:qsort_r`, `header:sys/epoll.h`, `library:libssl.so.1.0.0`; undefined for non-needs. */
export function needKey(fact: Fact): string | undefined {
  switch (fact.kind) {
    case 'syscall': return `syscall:${fact.name}`;
    case 'symbol': return fact.role === 'export' ? undefined : `function:${fact.name}`;
    case 'header': return `header:${fact.name}`;
    case 'library': return `library:${fact.soname}`;
    default: return undefined;
  }
}

/** Where evidence is, without code addresses (they move on every rebuild). */
export function evidenceAnchor(e: Evidence | undefined): string {
  if (!e) return '';
  if (e.location) return `${e.location.file}:${e.location.line}`;
  // `sub_<address>` names an unnamed function by its address: as unstable as the address itself
  const fn = e.function && !/^sub_[0-9a-f]+$/i.test(e.function) ? e.function : undefined;
  return [e.artifact, fn ?? e.detail].filter(Boolean).join('@');
}

/** Like evidenceAnchor, but a source position counts by file and function so an edit above it keeps the id. */
export function stableAnchor(e: Evidence | undefined): string {
  const fn = e?.location?.function ?? e?.function;
  return e?.location && fn ? `${e.location.file}@${fn}` : evidenceAnchor(e);
}

/**
 * What a fact is about, the same way in findings, problems and the verdict: one problem is one subject. A call of
 * or import of a function named like a syscall the app makes (`inotify_init` imported by the program, the
 * `inotify_init` syscall in libc) is that syscall: one problem with the evidence of both.
 */
export function subjectOf(f: Fact, syscalls: ReadonlySet<string>): string {
  if (f.kind === 'symbol' && f.role !== 'export' && syscalls.has(f.name)) return `syscall:${f.name}`;
  const key = needKey(f);
  if (key) return key;
  switch (f.kind) {
    case 'symbol': return `export:${f.name}`;
    case 'string': return `string:${f.value}`;
    case 'module': return `module:${f.language}:${f.name}`;
    case 'package': return `package:${f.ecosystem}:${f.name}`;
    case 'unknown': return `${f.reason}:${stableAnchor(f.evidence[0]) || f.message}`;
    default: return 'fact';
  }
}

/** Names of the syscalls among FACTS (for subjectOf). */
export function syscallNames(facts: readonly Fact[]): Set<string> {
  const s = new Set<string>();
  for (const f of facts) if (f.kind === 'syscall') s.add(f.name);
  return s;
}

/** A fact seen only in branches no Linux build compiles (Evidence.offLinux): reported under its condition, never a need. */
export function isOffLinux(f: Fact): boolean {
  return f.evidence.length > 0 && f.evidence.every((e) => e.offLinux !== undefined);
}
