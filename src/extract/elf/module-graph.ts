import type { Arch } from '../../model/index.js';
import type { PackedLists } from './packed-lists.js';

/** Bump whenever the analysis changes what a graph holds: cached graphs of older versions are ignored. */
export const GRAPH_VERSION = 17;
/** Unknown site kinds stored in ModuleGraph.unknownSites. */
export const U_NUMBER = 0, U_ABI32 = 1, U_DECODE = 2;

/**
 * One module's call graph with syscall sites: the unit cached on disk by content hash. Functions are
 * indices into `names`/`starts`; per-function lists are flat number arrays to keep the cache small.
 */
export interface ModuleGraph {
  version: number;
  arch: Arch;
  sha256: string;
  names: string[];
  starts: number[];
  /** Callees: direct calls and jumps, fall-through, local GOT slots, code that takes a function's address. */
  calls: PackedLists;
  /** Functions whose address the function's code takes (lea, adrp+add, absolute immediates): not calls. */
  refs: PackedLists;
  /** Import calls: flat pairs [importIndex, siteAddress]. */
  imports: PackedLists;
  importNames: string[];
  importWeak: boolean[];
  /** Syscall sites: flat triples [nr, siteAddress, wrapperFunction or -1]. */
  sites: number[][];
  /** Per site, six syscall arguments: a constant (>= 0), -(j+1) for the function's parameter j, or null. */
  siteArgs: (number | null)[][];
  /** Constant arguments this function passes to a local function that makes the syscall: flat [nr, argIndex, value]. */
  argConsts: number[][];
  /** Unresolved sites: flat pairs [siteAddress, U_*]. */
  unknownSites: number[][];
  /** Parameter index holding the syscall number when the function is a syscall wrapper, else -1. */
  wrapperParam: number[];
  /** Indirect calls (count) per function; indirect non-table jumps count as well. */
  indirect: number[];
  exports: Record<string, number>;
  /** Functions reachable through data once any indirect call is: global-mode data pointers, ifunc resolvers. */
  dataRoots: number[];
  /** Data regions (see data-regions.ts): start addresses, and per region its pointers (value * 4 + P_*). */
  regionStarts: number[];
  regionPointers: number[][];
  /** Regions whose marking marks the next one too (a cut at an address only code names). */
  regionContinues: number[];
  /** Regions read without a visible reference; in global mode (no object tracking) every region. */
  rootRegions: number[];
  /** Per function: the data regions its code references (object tracking only). */
  dataRefs: PackedLists;
  /** Exported data objects → regions; data objects imported from other modules. */
  objectExports: Record<string, number[]>;
  objectImports: string[];
  initRoots: number[];
  entry: number;
}

