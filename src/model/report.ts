import type { Artifact } from './artifact.js';
import type { BinaryInfo, LibraryEdge } from './binary.js';
import type { Fact } from './fact.js';
import type { Finding } from './finding.js';
import type { Plan } from './plan.js';
import type { Provenance } from './coverage.js';
import type { Mode, Libc } from './vocab.js';
import type { SystemScan } from './system-scan.js';
import type { Verification } from './verification.js';

/** Counters for what the walker and extractors saw. */
export interface ScanStats {
  filesSeen: number;
  filesSkipped: number;
  bytesRead: number;
  indirectCalls: number;
  addressTakenFunctions: number;
}

/** The release table a report rests on is partial (not read from its release tree): what of the app that touches. */
export interface PartialUse {
  release: string;
  /** The exact table the partial one starts from. */
  basis: string;
  /** The app's syscalls whose entry comes from a release note, an indexed file or a dated tree, with that source. */
  evidenced: { name: string; status: string; source: string }[];
  /** How many of the app's syscalls have an entry carried over unchanged from the basis. */
  carriedOver: number;
}

/** The whole result of one run: what every emitter consumes. */
export interface Report {
  tool: { name: 'ukport'; version: string };
  mode: Mode;
  libc?: Libc;
  inputs: Artifact[];
  binaries: BinaryInfo[];
  libraryGraph: LibraryEdge[];
  facts: Fact[];
  findings: Finding[];
  plan?: Plan;
  tables: Provenance[];
  stats: ScanStats;
  /** Whole-system scans (many binaries, `--jobs`): per-binary verdicts and the missing syscalls that block most. */
  scan?: SystemScan;
  /** Set when the target release's table is partial: the verdict and plan rest on these entries. */
  partialTable?: PartialUse;
  /** `ukport verify`: the port built with Unikraft's make, booted under qemu, observed next to predicted. */
  verification?: Verification;
}
