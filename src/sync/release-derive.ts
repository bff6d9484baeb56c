import type { EntrySource, EntrySourceKind, KconfigChange, PartialTableInfo, SyscallCoverage, UnikraftTable } from '../model/coverage.js';
import { compareReleases } from '../data/tables.js';
import { TOOL_VERSION } from '../version.js';
import type { IndexedLibrary } from './indexed-files.js';
import {
  deprecationClaims, kconfigChangeClaims, migrationClaims, namedSyscallClaims, releaseDocs, type Claim, type Placed,
} from './release-claims.js';
import { indexedClaims, treeClaims, type Unplaced } from './release-evidence.js';
import type { ReleaseNotes } from './release-notes.js';
import type { TreeSnapshot } from './tree-snapshot.js';

/** Inputs of the partial tables of the releases after an exact one. */
export interface DeriveInputs {
  /** The newest exact table: every partial table starts from it. */
  basis: UnikraftTable;
  notes: ReleaseNotes;
  trees: TreeSnapshot[];
  indexed: IndexedLibrary[];
  isSyscall: (name: string) => boolean;
  /** Table date (YYYY-MM-DD). */
  date?: string;
}

const METHOD = (basis: string): string =>
  `Starts from the exact ${basis} table. A change an input shows is placed in the first release whose documents say so: `
  + 'a line of its release notes (or of a blog post about that release) that cites the library and names the syscall, '
  + 'the Kconfig option\'s topic or the library, or a Kconfig rename/deprecation sentence. A dated upstream staging tree\'s changes '
  + 'go to the first release after its commit date; a pull-request branch\'s changes go to the first release whose documents name a '
  + 'syscall it adds. Indexed files carry no date: they only supply names, Kconfig symbols and argument counts for what a document '
  + 'places, so a file newer than this release cannot add what the release lacks. What no document places is left out (unplaced). '
  + 'Entries no input changes are carried over from the basis; provenance.commit is the release commit the release note names, '
  + 'whose tree was not read.';

const newestFirst = (add: EntrySource[], old: EntrySource[] | undefined): EntrySource[] => {
  const keep = (old ?? []).filter((s) => s.kind !== 'basis');
  const seen = new Set<string>();
  return [...add, ...keep].filter((s) => !seen.has(JSON.stringify(s)) && seen.add(JSON.stringify(s)));
};

function applyProvide(t: UnikraftTable, c: Extract<Claim, { kind: 'provide' }>, withdrawn: Set<string>): void {
  const prev = t.syscalls[c.syscall];
  const lib = t.libraries[c.library];
  const kconfig = c.kconfig ?? (prev?.library === c.library ? prev.kconfig : undefined) ?? prev?.alternatives?.find((a) => a.library === c.library)?.kconfig ?? lib?.kconfig ?? '';
  const status = c.status ?? (prev?.library === c.library && prev.status !== 'missing' ? prev.status : 'implemented');
  const next: SyscallCoverage = { status, library: c.library, kconfig, nr: prev?.nr ?? {} };
  const nargs = c.nargs ?? (prev?.library === c.library ? prev.nargs : undefined);
  if (nargs !== undefined) next.nargs = nargs;
  const flags = c.flags ?? (prev?.library === c.library ? prev.flags : undefined);
  if (flags) next.flags = flags;
  if (status === 'stub') next.stub = c.stub ?? (prev?.library === c.library ? prev.stub : undefined) ?? 'stub';
  if (c.impl) next.impl = c.impl;
  // the previous provider stays as an alternative unless an input says it no longer provides the syscall
  const alts = [...(prev?.alternatives ?? [])];
  if (prev?.library && prev.library !== c.library && prev.status !== 'missing') alts.unshift({ library: prev.library, kconfig: prev.kconfig ?? '' });
  const kept = alts.filter((a) => a.library !== c.library && !withdrawn.has(`${a.library}\0${c.syscall}`));
  if (kept.length) next.alternatives = kept;
  next.sources = newestFirst(c.sources, prev?.sources);
  t.syscalls[c.syscall] = next;
}

function applyWithdraw(t: UnikraftTable, c: Extract<Claim, { kind: 'withdraw' }>): void {
  const prev = t.syscalls[c.syscall];
  if (!prev) return;
  if (prev.library !== c.library) {
    const alts = prev.alternatives?.filter((a) => a.library !== c.library);
    if (alts?.length !== prev.alternatives?.length) {
      if (alts?.length) prev.alternatives = alts;
      else delete prev.alternatives;
      prev.sources = newestFirst(c.sources, prev.sources);
    }
    return;
  }
  const [first, ...rest] = prev.alternatives ?? [];
  const next: SyscallCoverage = first
    ? { status: 'implemented', library: first.library, kconfig: first.kconfig, nr: prev.nr, ...(rest.length ? { alternatives: rest } : {}) }
    : { status: 'missing', nr: prev.nr };
  next.sources = newestFirst(c.sources, prev.sources);
  t.syscalls[c.syscall] = next;
}

function applyKconfigChange(t: UnikraftTable, change: KconfigChange, sources: EntrySource[]): void {
  (t.kconfigChanges ??= []).push(change);
  if (change.kind !== 'renamed' || !change.to) return;
  const to = change.to;
  const from = new Set(change.from);
  const old = change.from.map((s) => t.kconfig?.[s]).find(Boolean);
  if (t.kconfig && !t.kconfig[to]) {
    t.kconfig[to] = { ...(old?.library ? { library: old.library } : {}), type: old?.type ?? 'bool', select: [], imply: [], dependsOn: old?.dependsOn ?? [], sources };
  }
  for (const s of from) if (t.kconfig) delete t.kconfig[s];
  for (const c of Object.values(t.syscalls)) {
    if (c.kconfig && from.has(c.kconfig)) {
      c.kconfig = to;
      c.sources = newestFirst(sources, c.sources);
    }
    for (const a of c.alternatives ?? []) if (from.has(a.kconfig)) a.kconfig = to;
    // a Makefile.uk condition on a renamed option follows the rename (set_tid_address: PROCESS_CLONE → MULTITHREADING)
    const renameAll = (r: string[]) => [...new Set(r.map((x) => (from.has(x.replace(/^!/, '')) ? `${x.startsWith('!') ? '!' : ''}${to}` : x)))];
    if (c.requires?.some((x) => from.has(x.replace(/^!/, '')))) { c.requires = renameAll(c.requires); c.sources = newestFirst(sources, c.sources); }
    for (const a of c.alternatives ?? []) if (a.requires) a.requires = renameAll(a.requires);
  }
  for (const l of Object.values(t.libraries)) {
    if (l.options?.some((o) => from.has(o))) l.options = [...new Set(l.options.map((o) => (from.has(o) ? to : o)))];
  }
}

/** Applies one release's claims, in input order (trees, indexed files, release notes, renames last). */
function applyClaims(t: UnikraftTable, claims: Claim[]): void {
  const withdrawn = new Set(claims.filter((c) => c.kind === 'withdraw').map((c) => `${c.library}\0${c.syscall}`));
  const renamed = new Set(claims.flatMap((c) => (c.kind === 'kconfig-change' && c.change.kind === 'renamed' ? c.change.from : [])));
  // an option added and dropped within one release (a tree adds it, a branch on top drops it) was never released
  const before = new Set(Object.keys(t.kconfig ?? {}));
  const order = (c: Claim): number => (c.kind === 'kconfig-change' ? 2 : c.kind === 'withdraw' ? 1 : 0);
  for (const c of [...claims].sort((a, b) => order(a) - order(b))) {
    if (c.kind === 'provide') applyProvide(t, c, withdrawn);
    else if (c.kind === 'withdraw') applyWithdraw(t, c);
    else if (c.kind === 'library') t.libraries[c.library.name] = { ...c.library, sources: newestFirst(c.sources, t.libraries[c.library.name]?.sources) };
    else if (c.kind === 'drop-library') delete t.libraries[c.library];
    else if (c.kind === 'symbol') (t.kconfig ??= {})[c.name] = { ...c.entry, sources: newestFirst(c.sources, t.kconfig?.[c.name]?.sources) };
    else if (c.kind === 'drop-symbol' && t.kconfig?.[c.name]) {
      // kept as table data: the migration aid tells an old configuration what is gone, and from which input
      delete t.kconfig[c.name];
      if (!renamed.has(c.name) && before.has(c.name)) (t.kconfigChanges ??= []).push({ release: t.release, kind: 'removed', from: [c.name], source: c.sources[0]! });
    }
    else if (c.kind === 'deprecate' && t.libraries[c.library]) t.libraries[c.library]!.deprecated ??= { since: t.release, source: c.sources[0]! };
    else if (c.kind === 'kconfig-change') applyKconfigChange(t, c.change, c.sources);
  }
}

function countSources(t: UnikraftTable): PartialTableInfo['counts'] {
  const counts: Partial<Record<EntrySourceKind, number>> = {};
  for (const c of Object.values(t.syscalls)) {
    const k = c.sources?.[0]?.kind ?? 'basis';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

const sorted = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

/** A syscall a release note names: joins an input's claim for the same release, library and syscall (a `stub`
 *  in the note makes it a stub), or stands alone when no input shows it. */
function mergeNamed(placed: Placed[], p: Placed): void {
  const c = p.claim as Extract<Claim, { kind: 'provide' }>;
  const same = placed.find((q) => q.release === p.release && q.claim.kind === 'provide' && q.claim.library === c.library && q.claim.syscall === c.syscall);
  if (!same) {
    placed.push(p);
    return;
  }
  const into = same.claim as Extract<Claim, { kind: 'provide' }>;
  if (c.status === 'stub') Object.assign(into, { status: 'stub', stub: c.stub });
  if (!into.sources.some((s) => JSON.stringify(s) === JSON.stringify(c.sources[0]))) into.sources.push(...c.sources);
}

const rank = (placed: Placed[], p: Placed, releases: string[]): number => releases.indexOf(p.release);

/**
 * A tree's addition to a library that a newer indexed file of the same library lacks was gone again by then
 * (a pull request's intermediate Kconfig options, LIBPOSIX_PROCESS_SIGNAL_TGKILL): when it left is unknown, so it
 * is not added at all. An indexed file counts as newer than a tree when one of its own changes was placed in a
 * release at or after the tree's.
 */
function dropTransient(placed: Placed[], indexed: IndexedLibrary[], basis: UnikraftTable, unplaced: Unplaced[]): void {
  const releases = [...new Set(placed.map((p) => p.release))].sort(compareReleases);
  const newestIndexed = new Map<string, number>();
  for (const p of placed) {
    const src = p.claim.sources[0];
    if (src?.kind !== 'indexed-file') continue;
    const lib = indexed.find((l) => l.makefile?.source === src || l.config?.source === src)?.name;
    if (lib) newestIndexed.set(lib, Math.max(newestIndexed.get(lib) ?? -1, rank(placed, p, releases)));
  }
  for (let i = placed.length - 1; i >= 0; i--) {
    const p = placed[i]!;
    const c = p.claim;
    if (c.sources[0]?.kind !== 'tree') continue;
    const lib = c.kind === 'provide' ? c.library : c.kind === 'symbol' ? c.entry.library : undefined;
    const il = indexed.find((l) => l.name === lib);
    if (!il || (newestIndexed.get(il.name) ?? -1) < rank(placed, p, releases)) continue;
    const gone = c.kind === 'provide'
      ? il.makefile !== undefined && !il.makefile.provided.some((x) => x.name === c.syscall)
      : c.kind === 'symbol' && il.config !== undefined && !basis.kconfig?.[c.name] && !il.config.symbols.some((x) => x.name === c.name);
    if (!gone) continue;
    placed.splice(i, 1);
    unplaced.push({ what: `${c.kind === 'provide' ? c.syscall : `CONFIG_${(c as { name: string }).name}`} (in the tree, gone from the newer indexed file)`, library: il.name, source: c.sources[0]! });
  }
}

/** The partial tables of every release the notes name after the basis, oldest first. */
export function deriveReleases(inp: DeriveInputs): { tables: UnikraftTable[]; unplaced: Unplaced[] } {
  const after = (r: string): boolean => compareReleases(r, inp.basis.release) > 0;
  const notes = inp.notes.notes.filter((n) => after(n.release)).sort((a, b) => compareReleases(a.release, b.release));
  const docs = releaseDocs(notes, inp.notes.posts);
  const unplaced: Unplaced[] = [];
  const placed: Placed[] = [...kconfigChangeClaims(notes, after)];
  for (const tree of [...inp.trees].sort((a, b) => a.date.localeCompare(b.date))) placed.push(...treeClaims(tree, inp.basis, docs, unplaced));
  const fromTrees = placed.length;
  for (const il of inp.indexed) placed.push(...indexedClaims(il, inp.basis, docs, placed.slice(0, fromTrees), unplaced));
  dropTransient(placed, inp.indexed, inp.basis, unplaced);
  placed.push(...migrationClaims(docs, inp.isSyscall));
  for (const p of namedSyscallClaims(docs, inp.isSyscall)) mergeNamed(placed, p);
  placed.push(...deprecationClaims(docs));

  const tables: UnikraftTable[] = [];
  // a JSON copy: shipped tables are lazy proxies, which structuredClone refuses
  let prev: UnikraftTable = JSON.parse(JSON.stringify(inp.basis)) as UnikraftTable;
  for (const c of Object.values(prev.syscalls)) c.sources = [{ kind: 'basis', release: inp.basis.release }];
  for (const n of notes) {
    const t: UnikraftTable = structuredClone(prev);
    t.release = n.release;
    delete t.disagreements;
    delete t.kconfigChanges;
    applyClaims(t, placed.filter((p) => p.release === n.release).map((p) => p.claim));
    const { extra } = inp.basis.provenance;
    t.provenance = {
      repo: 'https://github.com/unikraft/unikraft', tag: `RELEASE-${n.release.slice(1)}`, commit: n.commit ?? 'unknown',
      generator: `ukport ${TOOL_VERSION} tables sync --release-notes (partial)`, date: inp.date ?? new Date().toISOString().slice(0, 10),
      releaseNote: { repo: inp.notes.repo, path: n.path, commit: inp.notes.commit }, ...(extra ? { extra } : {}),
    };
    t.partial = {
      basis: inp.basis.release, method: METHOD(inp.basis.release),
      releaseNote: { repo: inp.notes.repo, commit: inp.notes.commit, path: n.path, date: n.date },
      trees: inp.trees.map((x) => ({ repo: x.repo, commit: x.commit, date: x.date, ref: x.ref })),
      indexedFiles: inp.indexed.flatMap((l) => [l.makefile?.source, l.config?.source].filter((s) => s !== undefined)).map((s) => ({ repo: s.repo, path: s.path, commit: s.commit })),
      counts: countSources(t),
      ...(unplaced.length ? { unplaced } : {}),
    };
    t.syscalls = sorted(t.syscalls);
    t.libraries = sorted(t.libraries);
    if (t.kconfig) t.kconfig = sorted(t.kconfig);
    tables.push(t);
    prev = t;
  }
  return { tables, unplaced };
}
