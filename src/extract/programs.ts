import type { Artifact, BinaryInfo, Fact, HeldBack, LibraryEdge } from '../model/index.js';
import { UkportError } from '../errors.js';
import { loadElf, resolveDlopen, resolveLibraries, unresolvedLibraryFact, type LoadedElf } from './elf/resolve-libraries.js';
import { elfFacts } from './elf/facts.js';
import { extractSyscalls, type SyscallOptions } from './syscalls.js';
import { isPythonExtension } from './python/python-facts.js';
import { nodeAddonFacts } from './js/js-facts.js';
import { readNsswitch, type NssService } from '../inputs/nsswitch.js';

/** How the programs of a run are analysed (everything here can change the facts, so it is part of a cached result's key). */
export interface ProgramSettings extends Pick<SyscallOptions, 'mode' | 'libc' | 'noCache' | 'cacheDir' | 'debugSymbols' | 'libcModels' | 'limits'> {
  sysroot?: string;
  /** The services of an nsswitch.conf named on the command line; default: the root's /etc/nsswitch.conf. */
  nsswitch?: NssService[];
}

/** What the host ELF inputs of a run yield: plain data, in the order the pipeline adds it (a cached result is this). */
export interface ProgramsResult {
  facts: Fact[];
  /** One per program analysed, with what the glibc models held back. */
  binaries: BinaryInfo[];
  edges: LibraryEdge[];
  bytesRead: number;
  indirectCalls: number;
  addressTakenFunctions: number;
  /** Programs the interpreted-language stage reads again (Python extension modules, Node addons). */
  scriptMains: string[];
}

export interface BadFile { (path: string, error: UkportError): Fact }

/**
 * The ELF programs among the inputs: each loaded (a bad one named on the command line is the run's error), their
 * ELF facts, their load-time library closure, and the syscalls they and their libraries (and what they dlopen) can make.
 */
export function analysePrograms(elfs: Artifact[], settings: ProgramSettings, badFile: BadFile,
  onProgress?: (done: number, total: number, bytes: number, path: string) => void): ProgramsResult & { mains: LoadedElf[] } {
  const facts: Fact[] = [];
  const mains: LoadedElf[] = [];
  let bytesRead = 0;
  for (const [i, a] of elfs.entries()) {
    onProgress?.(i, elfs.length, bytesRead, a.path);
    try {
      mains.push(loadElf(a.path));
      bytesRead += a.size;
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
      if (a.root === a.path) throw e;
      facts.push(badFile(a.path, e));
    }
  }
  onProgress?.(elfs.length, elfs.length, bytesRead, '');
  for (const m of mains) facts.push(...elfFacts(m));
  const loadedLibraries = new Map<string, LoadedElf | null>(); // shared with the dlopen resolutions below
  const closure = resolveLibraries(mains, { sysroot: settings.sysroot, loaded: loadedLibraries });
  let nssServices = settings.nsswitch; // the root's /etc/nsswitch.conf, read once when a program needs it
  const nss = (): NssService[] => (nssServices ??= readNsswitch(settings.sysroot ?? '/'));
  const libraryFacts = new Map<string, Fact>();
  for (const f of facts) if (f.kind === 'library') libraryFacts.set(`${f.neededBy[0]}\0${f.soname}`, f);
  for (const edge of closure.edges) {
    const lib = libraryFacts.get(`${edge.from}\0${edge.soname}`);
    if (lib && lib.kind === 'library' && edge.resolved) lib.resolvedPath = edge.resolved;
  }
  for (const u of closure.unresolved) {
    facts.push(unresolvedLibraryFact(u));
  }
  for (const p of closure.problems) facts.push(badFile(p.path ?? '', p));
  const heldBack = new Map<string, HeldBack[]>(); // per program: what the glibc models held back
  const analysis = { mode: settings.mode, libc: settings.libc, noCache: settings.noCache, cacheDir: settings.cacheDir, debugSymbols: settings.debugSymbols, libcModels: settings.libcModels, limits: settings.limits } as const;
  let indirectCalls = 0, addressTakenFunctions = 0;
  for (const [i, m] of mains.entries()) {
    onProgress?.(i, mains.length, bytesRead, m.path);
    const found = extractSyscalls(m, closure, { ...analysis,
      resolveDlopen: (name, from) => resolveDlopen(name, from, m, { sysroot: settings.sysroot, loaded: loadedLibraries }), nssServices: nss });
    facts.push(...found.facts);
    closure.edges.push(...found.dlopenEdges);
    if (found.libcModels.length) heldBack.set(m.path, found.libcModels);
    indirectCalls += found.stats.indirectCalls;
    addressTakenFunctions += found.stats.addressTakenFunctions;
  }
  return {
    facts, mains, edges: closure.edges, bytesRead, indirectCalls, addressTakenFunctions,
    binaries: mains.map((m) => (heldBack.has(m.path) ? { ...m.decoded.info, libcModels: heldBack.get(m.path) } : m.decoded.info)),
    scriptMains: mains.filter((m) => isPythonExtension(m) || nodeAddonFacts(m).length > 0).map((m) => m.path),
  };
}
