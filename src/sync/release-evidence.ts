import type { EntrySource, KconfigEntry, MicroLibrary, UnikraftTable } from '../model/coverage.js';
import type { IndexedLibrary } from './indexed-files.js';
import { placeLibrary, placeSymbol, placeSyscall, provisions, type Claim, type Placed, type ReleaseDocs } from './release-claims.js';
import type { TreeSnapshot } from './tree-snapshot.js';
import { toEntry } from './unikraft.js';

/** Something an input shows that no release document places. */
export interface Unplaced {
  what: string;
  library: string;
  source: EntrySource;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const stripSources = <T extends { sources?: unknown }>(x: T): Omit<T, 'sources'> => {
  const { sources: _s, ...rest } = x;
  return rest;
};

/** What NEWER changes against OLDER, library by library (tree libraries only: extras are not part of a tree). */
export function diffTables(older: UnikraftTable, newer: UnikraftTable, source: EntrySource): Claim[] {
  const out: Claim[] = [];
  const treeLib = (l?: MicroLibrary): boolean => l !== undefined && l.repo === undefined;
  const po = provisions(older);
  const pn = provisions(newer);
  for (const [key, p] of pn) {
    if (!treeLib(newer.libraries[p.library])) continue;
    const q = po.get(key);
    if (q && same({ ...q, impl: undefined }, { ...p, impl: undefined })) continue;
    out.push({ ...p, sources: [source] });
  }
  for (const [key, q] of po) {
    if (treeLib(older.libraries[q.library]) && !pn.has(key)) out.push({ kind: 'withdraw', library: q.library, syscall: q.syscall, sources: [source] });
  }
  for (const [name, lib] of Object.entries(newer.libraries)) {
    if (treeLib(lib) && !same(older.libraries[name], lib)) out.push({ kind: 'library', library: lib, sources: [source] });
  }
  for (const [name, lib] of Object.entries(older.libraries)) {
    if (treeLib(lib) && !newer.libraries[name]) out.push({ kind: 'drop-library', library: name, sources: [source] });
  }
  const extraLib = (e?: KconfigEntry): boolean => e?.library !== undefined && !treeLib(older.libraries[e.library]) && !treeLib(newer.libraries[e.library]);
  for (const [name, e] of Object.entries(newer.kconfig ?? {})) {
    if (!extraLib(e) && !same(older.kconfig?.[name], e)) out.push({ kind: 'symbol', name, entry: e, sources: [source] });
  }
  for (const [name, e] of Object.entries(older.kconfig ?? {})) {
    if (!extraLib(e) && !newer.kconfig?.[name]) out.push({ kind: 'drop-symbol', name, sources: [source] });
  }
  return out;
}

/** A dated tree's changes: a staging tree's go to the first release after its date; a branch's (against the
 *  upstream commit it sits on) to the first release whose documents name a syscall it adds to a library. */
export function treeClaims(tree: TreeSnapshot, basis: UnikraftTable, docs: ReleaseDocs[], unplaced: Unplaced[]): Placed[] {
  const source: EntrySource = { kind: 'tree', repo: tree.repo, commit: tree.commit, date: tree.date, ref: tree.ref };
  const claims = diffTables(tree.base?.table ?? basis, tree.table, source);
  let release: string | undefined;
  if (tree.ref === 'staging') release = docs.find((d) => d.date > tree.date)?.release;
  else {
    for (const c of claims) {
      if (c.kind !== 'provide') continue;
      const at = placeSyscall(docs, c.library, c.syscall);
      if (at && (!release || docs.findIndex((d) => d.release === at.release) < docs.findIndex((d) => d.release === release))) release = at.release;
    }
  }
  if (!release) {
    unplaced.push({ what: `${claims.length} changes of ${tree.ref} tree ${tree.commit.slice(0, 12)}`, library: '*', source });
    return [];
  }
  return claims.map((claim) => ({ release: release!, claim }));
}

/** The library record an indexed Config.uk (and Makefile.uk) gives. */
function indexedLibraryRecord(il: IndexedLibrary, basis?: MicroLibrary): MicroLibrary | undefined {
  const symbols = il.config?.symbols ?? [];
  const conventional = 'LIB' + il.name.split('/').pop()!.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const kconfig = il.makefile?.kconfig ?? basis?.kconfig ?? symbols.find((s) => s.name === conventional)?.name ?? symbols[0]?.name;
  if (kconfig === undefined) return undefined;
  const main = symbols.find((s) => s.name === kconfig);
  const lib: MicroLibrary = {
    name: il.name,
    kconfig,
    select: main ? main.select.map((r) => r.symbol) : basis?.select ?? [],
    dependsOn: main ? [...new Set(main.dependsOn.flatMap((d) => d.match(/[A-Z][A-Z0-9_]+/g) ?? []))] : basis?.dependsOn ?? [],
    imply: main ? main.imply.map((r) => r.symbol) : basis?.imply ?? [],
    path: basis?.path ?? `lib/${il.name}`,
    options: il.config ? symbols.map((s) => s.name).filter((n) => n !== kconfig) : basis?.options ?? [],
  };
  if (main?.prompt ?? basis?.title) lib.title = (main?.prompt ?? basis?.title)!;
  if (main?.defaults[0]?.value ?? basis?.default) lib.default = (main?.defaults[0]?.value ?? basis?.default)!;
  if (basis?.repo) lib.repo = basis.repo;
  return lib;
}

/**
 * An indexed library's changes against the basis. Indexed files have no date, so each change is placed by the
 * release documents alone: a syscall by a line that cites the library and names it, a Kconfig option by a line
 * naming its topic or a rename that introduces it, a new library by the first line citing it. A change placed by
 * a tree already (same library and syscall) takes the tree's release. Everything else is left unplaced.
 */
export function indexedClaims(il: IndexedLibrary, basis: UnikraftTable, docs: ReleaseDocs[], placed: Placed[], unplaced: Unplaced[]): Placed[] {
  const out: Placed[] = [];
  const baseLib = basis.libraries[il.name];
  const libAt = baseLib ? undefined : placeLibrary(docs, il.name);
  const treeRelease = (pred: (c: Claim) => boolean): string | undefined => placed.find((p) => p.claim.kind !== 'kconfig-change' && p.claim.sources.some((s) => s.kind === 'tree') && pred(p.claim))?.release;
  const renamedTo = (sym: string): string | undefined => placed.find((p) => p.claim.kind === 'kconfig-change' && p.claim.change.to === sym)?.release;
  const renamedFrom = (sym: string): string | undefined => placed.find((p) => p.claim.kind === 'kconfig-change' && p.claim.change.from.includes(sym))?.release;
  const put = (release: string | undefined, claim: Claim, what: string, source: EntrySource, note?: EntrySource): void => {
    if (!release) unplaced.push({ what, library: il.name, source });
    else out.push({ release, claim: { ...claim, sources: [source, ...(note ? [note] : [])] } });
  };
  if (il.makefile) {
    const src = il.makefile.source;
    const old = provisions(basis);
    const shown = new Set<string>();
    for (const p of il.makefile.provided) {
      shown.add(p.name);
      const q = old.get(`${il.name}\0${p.name}`);
      if (q && q.kconfig === p.kconfig && (q.nargs === undefined || q.nargs === p.nargs)) continue;
      // a new library's syscalls arrive with it; else the first line naming the syscall places it
      const byNote = libAt ? undefined : placeSyscall(docs, il.name, p.name);
      const release = libAt?.release ?? byNote?.release
        ?? treeRelease((c) => c.kind === 'provide' && c.library === il.name && c.syscall === p.name)
        ?? (q && q.kconfig !== p.kconfig ? renamedFrom(q.kconfig ?? '') : undefined);
      const claim: Claim = { kind: 'provide', library: il.name, syscall: p.name, kconfig: p.kconfig, nargs: p.nargs, ...(p.flags ? { flags: p.flags } : {}), sources: [] };
      put(release, claim, q ? `${p.name}: CONFIG_${p.kconfig}, ${p.nargs} args (was CONFIG_${q.kconfig})` : `provides ${p.name}`, src, libAt?.source ?? byNote?.source);
    }
    for (const q of old.values()) {
      if (q.library !== il.name || shown.has(q.syscall)) continue;
      const at = placeSyscall(docs, il.name, q.syscall) ?? treeRelease((c) => c.kind === 'withdraw' && c.library === il.name && c.syscall === q.syscall);
      const release = typeof at === 'string' ? at : at?.release;
      put(release, { kind: 'withdraw', library: il.name, syscall: q.syscall, sources: [] }, `no longer provides ${q.syscall}`, src, typeof at === 'object' ? at.source : undefined);
    }
  }
  if (il.config) {
    const src = il.config.source;
    const record = indexedLibraryRecord(il, baseLib);
    const main = record?.kconfig ?? '';
    if (record && !baseLib) put(libAt?.release, { kind: 'library', library: record, sources: [] }, `library ${il.name}`, src, libAt?.source);
    for (const sym of il.config.symbols) {
      const entry = toEntry(sym, il.name);
      const prev = basis.kconfig?.[sym.name];
      if (prev && same(stripSources(prev), entry)) continue;
      const byNote = placeSymbol(docs, il.name, main, sym.name);
      const release = libAt?.release ?? renamedTo(sym.name) ?? byNote?.release ?? treeRelease((c) => c.kind === 'symbol' && c.name === sym.name);
      put(release, { kind: 'symbol', name: sym.name, entry, sources: [] }, prev ? `CONFIG_${sym.name} changed` : `CONFIG_${sym.name}`, src, libAt?.source ?? byNote?.source);
    }
    const shown = new Set(il.config.symbols.map((s) => s.name));
    for (const [name, e] of Object.entries(basis.kconfig ?? {})) {
      if (e.library !== il.name || shown.has(name)) continue;
      put(renamedFrom(name) ?? treeRelease((c) => c.kind === 'drop-symbol' && c.name === name), { kind: 'drop-symbol', name, sources: [] }, `CONFIG_${name} gone`, src);
    }
  }
  return out;
}
