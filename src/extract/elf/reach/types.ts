import type { LoadedElf } from '../resolve-libraries.js';
import type { ModuleGraph } from '../module-graph.js';

/** One module of the program as the composition sees it. */
export interface ProgramModule {
  loaded: LoadedElf;
  graph: ModuleGraph;
  role: 'main' | 'interp' | 'library';
  /** Set for a library that only dlopen calls bring in (the library named or one it needs): the names given to dlopen. */
  dlopenedAs?: string[];
  /** Set for an NSS module (libnss_NAME.so.2, or a library it needs) glibc loads for this service of /etc/nsswitch.conf. */
  nssService?: string;
  /** A library the NSS module needs (loaded with it; glibc calls only the module's own functions). */
  nssDependency?: boolean;
  /** Where the NSS module comes from, for evidence: `libnss_systemd.so.2, /etc/nsswitch.conf:2 "passwd: files systemd"`. */
  nssOrigin?: string;
}

/** A reachable dlopen / dlmopen call: the library name when it is a constant string. */
export interface DlopenHit { name?: string; node: number; addr: number; program: boolean }

/** A syscall number reached at one site, with the node (function) it sits in. */
export interface SiteHit { nr: number; node: number; addr: number; via?: string; program: boolean; args?: readonly (number | null)[]; argsAt?: number }
/** A constant syscall argument found at a call site of the function that makes the syscall. */
export interface ArgHit { nr: number; index: number; value: number }
/** A site that could not be resolved. */
export interface UnknownHit { reason: 'indirect-syscall' | 'syscall-32bit-abi' | 'decode-error' | 'unresolved-library'; node: number; addr: number; message: string; program: boolean; /** the import, for unresolved-library */ name?: string }
/** An import a native libc's summary serves instead of a library of the closure. */
export interface OverriddenHit { name: string; syscalls: string[]; source: string; node: number; program: boolean }
/** What a glibc model (libc-models.ts) held back in one module and nothing released; `adds`: the syscalls releasing the model alone would add. */
export interface HeldReport { model: string; module: number; edges: number; sites: number[]; adds: number[] }

/** What is reachable, per node; `parent` gives evidence chains. */
export interface Reach {
  mods: ProgramModule[];
  offset: number[];
  parent: Int32Array;
  /** Why a root or an import target was reached (a thunk until read), by node. */
  label: (string | (() => string) | undefined)[];
  hits: SiteHit[];
  unknowns: UnknownHit[];
  indirect: number;
  addressTaken: number;
  argHits: ArgHit[];
  /** Functions not explored because they lie deeper than the chain-depth limit. */
  depthCut: number;
  /** Reachable dlopen calls. */
  dlopens: DlopenHit[];
  /** A reachable dlsym call whose name is not a constant string. */
  dlsymUnknown: boolean;
  /** The first node of glibc's NSS machinery reached (it loads the services of /etc/nsswitch.conf), or -1. */
  nssFrom: number;
  /** What glibc models held back and nothing released, per model and module. */
  held: HeldReport[];
  /** Imports served by a native libc's summaries (native mode). */
  overridden: OverriddenHit[];
}

/** Native-mode hook: an import served by a libc summary instead of a library of the closure. */
export type ImportOverride = (name: string, from: ProgramModule) => { syscalls: string[]; source: string; wrapperParam?: number } | undefined;

/** How reachProgram runs. */
export interface ReachOptions {
  /** Native mode: imports served by the chosen libc's summaries. */
  override?: ImportOverride;
  /** Functions deeper than this many calls from a root are not explored (counted in Reach.depthCut). */
  maxDepth?: number;
  /** Every export of a dlopened library is a root at the dlopen call (a dlsym whose name is not known is reachable). */
  dlopenedExportsAreRoots?: boolean;
  /** Apply the glibc models (libc-models.ts); default true. */
  libcModels?: boolean;
}
