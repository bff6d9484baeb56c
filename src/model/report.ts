import type { Artifact } from './artifact.js';
import type { BinaryInfo, LibraryEdge } from './binary.js';
import type { Fact } from './fact.js';
import type { Finding } from './finding.js';
import type { Plan } from './plan.js';
import type { Provenance } from './coverage.js';
import type { Mode, Libc, NeedStatus, Verdict } from './vocab.js';
import type { ShardInfo, SystemScan } from './system-scan.js';
import type { GateOutcome } from './gate.js';
import type { InterpretedApp } from './interpreted.js';
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

/** One thing that keeps the app from `ready`: a need the target does not serve, or a rule that fired. */
export interface VerdictItem {
  /** What it is about: `syscall:rseq`, `function:qsort_r`, `library:libssl.so.3`, a rule id for report-wide findings. */
  subject: string;
  /** The verdict this item alone would give the app. */
  effect: Verdict;
  /** The need's class, for needs. */
  status?: NeedStatus;
  /** Why, in one line (the judge's reason; for rules, the finding's message). */
  reason: string;
  /** Rules that spoke about the subject. */
  rules?: string[];
}

/** The app's verdict on one release, decided in one place (src/match/judge.ts); every format shows it. */
export interface VerdictResult {
  verdict: Verdict;
  /** Unikraft release judged against (absent without coverage tables). */
  release?: string;
  mode: Mode;
  /** Every item below `ready`, worst first (ties by subject): blockers, then work, then tolerated gaps. */
  items: VerdictItem[];
  /** Set when `ukport verify` built, booted and probed the port: `verified running on v0.16.3 with probe tcp:8080:…`. */
  verified?: string;
  /** A run of this program measured on Unikraft that the verdict rests on (src/match/measured-runs.ts). */
  measuredRun?: string;
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
  /** The judge's verdict (set by the pipeline once needs, plan and findings are known). */
  verdict?: VerdictResult;
  tables: Provenance[];
  stats: ScanStats;
  /** Whole-system scans (many binaries, `--jobs`): per-binary verdicts and the missing syscalls that block most. */
  scan?: SystemScan;
  /** Set when the target release's table is partial: the verdict and plan rest on these entries. */
  partialTable?: PartialUse;
  /** `ukport scan --shard I/N`: which part of a split scan this report covers. */
  shard?: ShardInfo;
  /** `ukport check` only: the gate's outcome (in JSON as `gate`, in SARIF as the invocation). */
  gate?: GateOutcome;
  /** Python / Node apps: their packages, compiled modules and libraries against Unikraft's ports, and the form to run them in. */
  interpreted?: InterpretedApp;
  /** `ukport verify`: the port built with Unikraft's make, booted under qemu, observed next to predicted. */
  verification?: Verification;
}
