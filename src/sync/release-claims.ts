import type { CoverageStatus } from '../model/vocab.js';
import type { EntrySource, KconfigChange, KconfigEntry, MicroLibrary, UnikraftTable } from '../model/coverage.js';
import type { NoteLine, ReleaseNote } from './release-notes.js';

/** One change an input shows against the table before it. */
export type Claim =
  | { kind: 'provide'; library: string; syscall: string; status?: CoverageStatus; stub?: string; kconfig?: string; nargs?: number; flags?: string; impl?: string; sources: EntrySource[] }
  | { kind: 'withdraw'; library: string; syscall: string; sources: EntrySource[] }
  | { kind: 'library'; library: MicroLibrary; sources: EntrySource[] }
  | { kind: 'drop-library'; library: string; sources: EntrySource[] }
  | { kind: 'symbol'; name: string; entry: KconfigEntry; sources: EntrySource[] }
  | { kind: 'drop-symbol'; name: string; sources: EntrySource[] }
  | { kind: 'deprecate'; library: string; sources: EntrySource[] }
  | { kind: 'kconfig-change'; change: KconfigChange; sources: EntrySource[] };

/** A claim and the release it was placed in. */
export interface Placed {
  release: string;
  claim: Claim;
}

/** A release's documents: its release notes and the blog posts about it, line by line. */
export interface ReleaseDocs {
  release: string;
  date: string;
  lines: (NoteLine & { path: string; fromNotes: boolean })[];
}

/** Builds the per-release document view, oldest release first. */
export function releaseDocs(notes: ReleaseNote[], posts: ReleaseNote[]): ReleaseDocs[] {
  return notes.map((n) => ({
    release: n.release,
    date: n.date,
    lines: [
      ...n.lines.map((l) => ({ ...l, path: n.path, fromNotes: true })),
      ...posts.filter((p) => p.release === n.release).flatMap((p) => p.lines.map((l) => ({ ...l, path: p.path, fromNotes: false }))),
    ],
  }));
}

/** The source record of a document line. */
export function noteSource(release: string, l: ReleaseDocs['lines'][number]): EntrySource {
  return { kind: 'release-note', release, path: l.path, line: l.line, text: l.text.length > 300 ? `${l.text.slice(0, 297)}...` : l.text };
}

const mentions = (l: NoteLine, word: string): boolean => l.named.includes(word) || l.words.includes(word) || l.words.includes(`${word}s`);

/** The earliest release whose documents cite LIBRARY in a line matching PRED; with the line. */
export function placeBy(docs: ReleaseDocs[], library: string | undefined, pred: (l: NoteLine) => boolean): { release: string; source: EntrySource } | undefined {
  for (const d of docs) {
    const l = d.lines.find((x) => (library === undefined || x.libraries.includes(library)) && pred(x));
    if (l) return { release: d.release, source: noteSource(d.release, l) };
  }
  return undefined;
}

/** A syscall newly provided by LIBRARY: the first document line citing the library that names it. */
export function placeSyscall(docs: ReleaseDocs[], library: string, syscall: string): { release: string; source: EntrySource } | undefined {
  return placeBy(docs, library, (l) => mentions(l, syscall));
}

/** A library absent from the basis: the first release whose documents cite it at all. */
export function placeLibrary(docs: ReleaseDocs[], library: string): { release: string; source: EntrySource } | undefined {
  return placeBy(docs, library, () => true);
}

/** A new Kconfig option of LIBRARY (main symbol MAIN): a line citing the library naming the option's topic
 *  (LIBPOSIX_PROCESS_SIGNALFD → `signalfd`, LIBPOSIX_PROCESS_BRK_PAGE_ORDER → `brk`). */
export function placeSymbol(docs: ReleaseDocs[], library: string, main: string, symbol: string): { release: string; source: EntrySource } | undefined {
  if (!main || !symbol.startsWith(`${main}_`)) return undefined;
  const suffix = symbol.slice(main.length + 1).toLowerCase();
  const first = suffix.split('_')[0]!;
  return placeBy(docs, library, (l) => mentions(l, suffix) || mentions(l, first));
}

/** Lines that add something (not bug fixes): New Features sections, or an adding verb. */
export function isAdditive(l: NoteLine): boolean {
  if (l.words.some((w) => w === 'fix' || w === 'fixes')) return false;
  return /feature/i.test(l.section) || l.words.some((w) => /^(add|adds|added|support|supports|provide|provides|introduce[sd]?|implement\w*)$/.test(w));
}

/** Kconfig renames and deprecations the release notes spell out, as claims of their release. */
export function kconfigChangeClaims(notes: ReleaseNote[], after: (release: string) => boolean): Placed[] {
  const out: Placed[] = [];
  for (const n of notes.filter((x) => after(x.release))) {
    for (const c of n.kconfigChanges) {
      const source: EntrySource = { kind: 'release-note', release: n.release, path: n.path, line: c.line, text: c.text };
      const change: KconfigChange = { release: n.release, kind: c.kind, from: c.from, ...(c.to ? { to: c.to } : {}), source };
      out.push({ release: n.release, claim: { kind: 'kconfig-change', change, sources: [source] } });
    }
  }
  return out;
}

/** Libraries a document marks deprecated now (not "will be deprecated"). */
export function deprecationClaims(docs: ReleaseDocs[]): Placed[] {
  const out: Placed[] = [];
  for (const d of docs) {
    for (const l of d.lines) {
      if (!l.words.includes('deprecated') || l.words.includes('will')) continue;
      for (const lib of l.libraries) out.push({ release: d.release, claim: { kind: 'deprecate', library: lib, sources: [noteSource(d.release, l)] } });
    }
  }
  return out;
}

/** `… migrated from `app-elfloader` to `libposix-process`` naming a syscall: it changes provider in that release. */
export function migrationClaims(docs: ReleaseDocs[], isSyscall: (n: string) => boolean): Placed[] {
  const out: Placed[] = [];
  const lib = (s: string): string => s.replace(/^lib\//, '').replace(/^lib(?=[a-z])(?!-)/, '');
  for (const d of docs) {
    for (const l of d.lines.filter((x) => x.fromNotes)) {
      const m = /(?:migrated|moved)\s+from\s+`([^`]+)`\s+to\s+`([^`]+)`/.exec(l.text);
      if (!m) continue;
      const [from, to] = [lib(m[1]!), lib(m[2]!)];
      for (const n of l.named.filter(isSyscall)) {
        const sources = [noteSource(d.release, l)];
        out.push({ release: d.release, claim: { kind: 'withdraw', library: from, syscall: n, sources } });
        out.push({ release: d.release, claim: { kind: 'provide', library: to, syscall: n, sources } });
      }
    }
  }
  return out;
}

/** Syscalls a release-note line adds to the one library it cites, by name (`times()`, `sendfile()`): claims that
 *  need no file, for what no other input shows. `stub` in the line makes the status a stub. */
export function namedSyscallClaims(docs: ReleaseDocs[], isSyscall: (n: string) => boolean): Placed[] {
  const out: Placed[] = [];
  for (const d of docs) {
    for (const l of d.lines.filter((x) => x.fromNotes && x.libraries.length === 1 && isAdditive(x))) {
      for (const n of l.named.filter(isSyscall)) {
        const stub = l.words.includes('stub');
        out.push({ release: d.release, claim: { kind: 'provide', library: l.libraries[0]!, syscall: n, ...(stub ? { status: 'stub' as const, stub: 'stub (release note)' } : { status: 'implemented' as const }), sources: [noteSource(d.release, l)] } });
      }
    }
  }
  return out;
}

/** Every (library, syscall) provision of a table, primary providers and alternatives. */
export function provisions(t: UnikraftTable): Map<string, Extract<Claim, { kind: 'provide' }>> {
  const out = new Map<string, Extract<Claim, { kind: 'provide' }>>();
  for (const [name, c] of Object.entries(t.syscalls)) {
    if (c.status === 'missing' || !c.library) continue;
    out.set(`${c.library}\0${name}`, {
      kind: 'provide', library: c.library, syscall: name, status: c.status, kconfig: c.kconfig ?? '', sources: [],
      ...(c.nargs !== undefined ? { nargs: c.nargs } : {}), ...(c.flags ? { flags: c.flags } : {}), ...(c.stub ? { stub: c.stub } : {}), ...(c.impl ? { impl: c.impl } : {}),
    });
    for (const a of c.alternatives ?? []) {
      out.set(`${a.library}\0${name}`, { kind: 'provide', library: a.library, syscall: name, status: 'implemented', kconfig: a.kconfig, sources: [] });
    }
  }
  return out;
}
