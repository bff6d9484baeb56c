import { basename } from 'node:path';
import type { LibraryEdge, UnknownFact } from '../../../model/index.js';
import type { NssService } from '../../../inputs/nsswitch.js';
import type { DlopenResolution, LoadedElf } from '../resolve-libraries.js';
import type { CodeScanner } from '../scan-types.js';
import { nodeName } from './evidence.js';
import { hasNssEntry } from './nss-entries.js';
import { reachProgram } from './reach-program.js';
import type { ImportOverride, ProgramModule, Reach } from './types.js';

/** How the program's run-time loading is followed (both absent: not followed). */
export interface RuntimeLoadingContext {
  /** The call graph of a module, or undefined when a limit keeps it out. */
  graphOf: (lib: LoadedElf) => ProgramModule['graph'] | undefined;
  /** Native mode: libraries the chosen libc's summaries replace. */
  override?: { replaces: (lib: LoadedElf, isInterp: boolean) => boolean; lookup: ImportOverride };
  maxDepth: number;
  /** Apply the glibc models (libc-models.ts). */
  libcModels?: boolean;
  resolveDlopen?: (name: string, from: LoadedElf) => DlopenResolution;
  nssServices?: () => NssService[];
}

/** Rounds of dlopen following (a dlopened library that dlopens another is one more round). */
const MAX_DLOPEN_ROUNDS = 6;
const MAX_DLOPEN_UNKNOWNS = 50;

/**
 * Reachability over MODS (which grows) including what the program loads at run time: the modules of
 * /etc/nsswitch.conf's services glibc loads for name-service lookups (joined up front, inactive until glibc's
 * NSS code is reached), and libraries that reachable dlopen("constant") calls load (joined, then
 * reachability runs again). Returns the final reach, the library-graph edges of what was loaded and the
 * dlopen calls that could not be followed.
 */
export function reachWithRuntimeLoading(main: LoadedElf, mods: ProgramModule[], scanner: CodeScanner, ctx: RuntimeLoadingContext): { reach: Reach; edges: LibraryEdge[]; unknowns: UnknownFact[] } {
  const { override, resolveDlopen } = ctx;
  let added = false;
  // MARK records why a module loaded at run time is there; a module of the start-up closure keeps its role
  const addModule = (lib: LoadedElf, mark: (m: ProgramModule) => boolean): void => {
    if (lib.elf.machine !== main.elf.machine || lib.elf.class !== main.elf.class) return;
    const known = mods.find((m) => m.loaded.path === lib.path);
    if (known) { if ((known.dlopenedAs !== undefined || known.nssService !== undefined) && mark(known)) added = true; return; }
    if (override && override.replaces(lib, false)) return;
    const graph = ctx.graphOf(lib);
    if (!graph) return;
    const m: ProgramModule = { loaded: lib, graph, role: 'library' };
    mark(m);
    mods.push(m);
    added = true;
  };
  const edges: LibraryEdge[] = [];
  const nssEdges: LibraryEdge[] = [];
  const nssLibc = ctx.nssServices && resolveDlopen ? mods.find((m) => hasNssEntry(m)) : undefined;
  if (nssLibc) {
    for (const svc of ctx.nssServices!()) {
      const res = resolveDlopen!(`libnss_${svc.name}.so.2`, nssLibc.loaded);
      const [first, ...rest] = res.closure.edges;
      if (first?.resolved) nssEdges.push({ ...first, via: `NSS ${svc.databases.join(',')} (/etc/nsswitch.conf), ${first.via}` }, ...rest);
      if (!res.lib) continue; // glibc skips a service whose module is not installed
      for (const lib of [res.lib, ...res.closure.libraries.values()]) {
        const dependency = lib !== res.lib;
        addModule(lib, (m) => {
          // first come first kept, except that a service's own module is never only another's dependency
          if (m.nssService !== undefined && (dependency || !m.nssDependency)) return false;
          m.nssService = svc.name;
          m.nssDependency = dependency;
          // the module and the nsswitch.conf line that loads it: what a finding reached through it must name
          const line = svc.lines?.[0];
          m.nssOrigin = `${basename(res.lib!.path)}, ${line ? `${line.file}:${line.line} "${line.text}"` : '/etc/nsswitch.conf'}`;
          return true;
        });
      }
    }
  }
  let reach = reachProgram(mods, scanner, { override: override?.lookup, maxDepth: ctx.maxDepth, libcModels: ctx.libcModels });
  const unknowns: UnknownFact[] = [];
  const tried = new Set<string>();
  const siteKey = (d: (typeof reach.dlopens)[number]): string => `${nodeName(reach, d.node).mod.loaded.path}\0${d.name ?? '\0' + d.addr}`;
  let exportRoots = false;
  let round = 0;
  for (; round < MAX_DLOPEN_ROUNDS && resolveDlopen; round++) {
    added = false;
    for (const d of reach.dlopens) {
      const from = nodeName(reach, d.node);
      const site = { artifact: from.mod.loaded.path, extractor: `${scanner.arch}.syscalls`, address: '0x' + d.addr.toString(16), function: from.name };
      const key = siteKey(d);
      if (tried.has(key)) continue;
      tried.add(key);
      if (unknowns.length >= MAX_DLOPEN_UNKNOWNS) continue;
      if (d.name === undefined) {
        unknowns.push({ kind: 'unknown', reason: 'dlopen', message: 'dlopen with a name that is not a constant string: the library it loads is not analysed', evidence: [site] });
        continue;
      }
      const res = resolveDlopen(d.name, from.mod.loaded);
      edges.push(...res.closure.edges);
      if (!res.lib) {
        const why = d.name.includes('/') && !d.name.startsWith('/') ? 'a relative path depends on the working directory at run time' : 'not found in the scanned root';
        unknowns.push({ kind: 'unknown', reason: 'dlopen', message: `dlopen("${d.name}"): ${why}; what it loads is not in this analysis`, evidence: [{ ...site, detail: d.name }] });
        continue;
      }
      const name = d.name;
      for (const lib of [res.lib, ...res.closure.libraries.values()]) {
        addModule(lib, (m) => {
          // a library opening itself, or an NSS module glibc has loaded (all its exports reachable): nothing new
          if (m.dlopenedAs?.includes(name) || m === from.mod || (m.nssService !== undefined && reach.nssFrom >= 0)) return false;
          (m.dlopenedAs ??= []).push(name);
          return true;
        });
      }
    }
    // dlsym with a name not known: any export of a dlopened library may be called
    const wantExportRoots = reach.dlsymUnknown && mods.some((m) => m.dlopenedAs !== undefined);
    if (!added && wantExportRoots === exportRoots) break;
    exportRoots = wantExportRoots;
    reach = reachProgram(mods, scanner, { override: override?.lookup, maxDepth: ctx.maxDepth, dlopenedExportsAreRoots: exportRoots, libcModels: ctx.libcModels });
  }
  if (round === MAX_DLOPEN_ROUNDS && reach.dlopens.some((d) => !tried.has(siteKey(d)))) {
    unknowns.push({ kind: 'unknown', reason: 'dlopen', message: `libraries loaded by dlopen from libraries loaded by dlopen, more than ${MAX_DLOPEN_ROUNDS} deep: the deeper ones are not analysed`, evidence: [{ artifact: main.path, extractor: `${scanner.arch}.syscalls` }] });
  }
  if (reach.nssFrom >= 0) edges.push(...nssEdges);
  return { reach, edges, unknowns };
}
