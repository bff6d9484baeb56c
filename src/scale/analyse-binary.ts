import type { Artifact, BinaryInfo, Fact, Libc, LibraryEdge, Mode } from '../model/index.js';
import { UkportError, type ErrorCode } from '../errors.js';
import { loadElf, releaseContents, resolveDlopen, resolveLibraries, unresolvedLibraryFact, type DlopenResolution, type LoadedElf } from '../extract/elf/resolve-libraries.js';
import { elfFacts } from '../extract/elf/facts.js';
import { extractSyscalls } from '../extract/syscalls.js';
import { limitFact, withLimits, type AnalysisLimits } from '../extract/limits.js';
import { readNsswitch, readNsswitchFile, type NssService } from '../inputs/nsswitch.js';

/** Settings of one binary's analysis; plain data so it can cross to a worker thread. */
export interface BinarySettings {
  sysroot?: string;
  /** The image's nsswitch.conf (--nsswitch), instead of the root's. */
  nsswitch?: string;
  mode: Mode;
  libc?: Libc;
  noCache?: boolean;
  cacheDir?: string;
  debugSymbols?: boolean;
  libcModels?: boolean;
  limits?: Partial<AnalysisLimits>;
}

/** What the analysis of one main binary yields (plain data, structured-cloneable). */
export interface BinaryResult {
  path: string;
  info?: BinaryInfo;
  facts: Fact[];
  edges: LibraryEdge[];
  bytes: number;
  indirectCalls: number;
  addressTakenFunctions: number;
  ms: number;
  /** The binary itself could not be read (named explicitly, this is the run's error). */
  error?: { code: ErrorCode; detail: string; path?: string };
}

/** Per-thread state kept between binaries: loaded libraries by host path, bounded by bytes. */
export interface BinaryState {
  libraries: Map<string, LoadedElf | null>;
  maxLibraryBytes: number;
  /** The root's /etc/nsswitch.conf services, read once. */
  nss?: NssService[];
  /** dlopen resolutions by caller, name and program search path (most programs make the same NSS loads). */
  dlopens: Map<string, DlopenResolution>;
}

/** Fresh per-thread state; library contents are kept up to MAX_BYTES (least recently used released first). */
export function newBinaryState(maxBytes = 96 * 1024 * 1024): BinaryState {
  return { libraries: new Map(), maxLibraryBytes: maxBytes, dlopens: new Map() };
}

/** Same reasons as the sequential pipeline: too-large is a limit, everything else a bad file. */
export function badFileFact(path: string, error: UkportError): Fact {
  return { kind: 'unknown', reason: error.code === 'too-large' || error.code === 'limit-exceeded' ? 'limit-exceeded' : 'bad-file', message: error.message, evidence: [{ artifact: path, extractor: 'inputs.walk', detail: error.code }] };
}

/** dlopen resolutions remembered per thread. */
const MAX_DLOPEN_MEMO = 256;

/** Most libraries kept (released ones hold only their decoded headers and symbols). */
const MAX_LIBRARIES = 4096;

/**
 * Keeps the contents of the most recently used libraries up to the byte bound and releases the others: their
 * headers, symbols and content hash stay, so a later binary reuses them without reading the file. The few bytes a
 * later analysis needs (one function's code, a string) are read alone, once the file's size, time and inode show it
 * unchanged; the whole file is read again (and checked against the hash) only for code that was not cached.
 */
function prune(state: BinaryState): void {
  let bytes = 0;
  const kept = [...state.libraries.values()].reverse();
  for (const l of kept) {
    if (!l || !l.elf.resident) continue;
    bytes += l.elf.size;
    if (bytes > state.maxLibraryBytes) releaseContents(l);
  }
  for (const k of state.libraries.keys()) {
    if (state.libraries.size <= MAX_LIBRARIES) break;
    state.libraries.delete(k);
  }
}

/**
 * One main binary through the same stages as the sequential pipeline (load, ELF facts, its own library
 * closure, syscalls), libraries shared with earlier binaries through STATE. Only the binary's own buffer and
 * the bounded library set stay in memory.
 */
export function analyseBinary(a: Artifact, settings: BinarySettings, state: BinaryState): BinaryResult {
  const t0 = performance.now();
  const out: BinaryResult = { path: a.path, facts: [], edges: [], bytes: 0, indirectCalls: 0, addressTakenFunctions: 0, ms: 0 };
  const done = (): BinaryResult => { out.ms = performance.now() - t0; return out; };
  const limits = withLimits(settings.limits);
  let main: LoadedElf;
  try {
    main = loadElf(a.path);
  } catch (e) {
    if (!(e instanceof UkportError)) throw e;
    out.error = { code: e.code, detail: e.detail, path: e.path };
    out.facts.push(badFileFact(a.path, e));
    return done();
  }
  out.bytes = a.size;
  out.info = main.decoded.info;
  out.facts.push(...elfFacts(main));
  const closure = resolveLibraries([main], { sysroot: settings.sysroot, loaded: state.libraries });
  // least recently used first: the libraries of this binary move to the end of the eviction order
  for (const lib of closure.libraries.values()) {
    if (!state.libraries.has(lib.hostPath)) continue;
    const kept = state.libraries.get(lib.hostPath)!;
    state.libraries.delete(lib.hostPath);
    state.libraries.set(lib.hostPath, kept);
  }
  const libraryFacts = new Map<string, Fact>();
  for (const f of out.facts) if (f.kind === 'library') libraryFacts.set(f.soname, f);
  for (const edge of closure.edges) {
    const lib = edge.from === main.path ? libraryFacts.get(edge.soname) : undefined;
    if (lib && lib.kind === 'library' && edge.resolved) lib.resolvedPath = edge.resolved;
  }
  out.edges = closure.edges;
  for (const u of closure.unresolved) {
    out.facts.push(unresolvedLibraryFact(u));
  }
  for (const p of closure.problems) out.facts.push(badFileFact(p.path ?? '', p));
  const elapsed = performance.now() - t0;
  if (elapsed > limits.timeBudgetMs) {
    out.facts.push(limitFact(a.path, 'timeBudgetMs', `time budget of ${limits.timeBudgetMs} ms per binary exceeded before syscall analysis`));
  } else {
    try {
      const found = extractSyscalls(main, closure, {
        mode: settings.mode, libc: settings.libc, noCache: settings.noCache, cacheDir: settings.cacheDir, debugSymbols: settings.debugSymbols, libcModels: settings.libcModels,
        limits: settings.limits, deadline: Date.now() + limits.timeBudgetMs - elapsed,
        resolveDlopen: (name, from) => {
          // the result depends on the caller and on the program's DT_RPATH (searched when the caller has no DT_RUNPATH)
          const key = `${from.hostPath}\0${name}\0${from === main ? '' : main.decoded.info.rpath.length > 0 ? main.path : '-'}`;
          let res = state.dlopens.get(key);
          if (!res) {
            res = resolveDlopen(name, from, main, { sysroot: settings.sysroot, loaded: state.libraries });
            if (state.dlopens.size >= MAX_DLOPEN_MEMO) state.dlopens.clear();
            state.dlopens.set(key, res);
          }
          return res;
        },
        nssServices: () => (state.nss ??= settings.nsswitch ? readNsswitchFile(settings.nsswitch) : readNsswitch(settings.sysroot ?? '/')),
      });
      out.facts.push(...found.facts);
      if (found.libcModels.length) out.info = { ...main.decoded.info, libcModels: found.libcModels };
      out.edges = [...out.edges, ...found.dlopenEdges];
      out.indirectCalls = found.stats.indirectCalls;
      out.addressTakenFunctions = found.stats.addressTakenFunctions;
    } catch (e) {
      // a released library read again and found changed on disk
      if (!(e instanceof UkportError)) throw e;
      out.facts.push(badFileFact(e.path ?? a.path, e));
    }
  }
  prune(state);
  return done();
}
