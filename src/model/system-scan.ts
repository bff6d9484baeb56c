import type { NeedStatus, Verdict } from './vocab.js';

/** Verdict of one binary against one Unikraft release (the VERDICTS scale), or `not-analysed` when it could not be read or analysed. */
export type BinaryVerdict = Verdict | 'not-analysed';

/** One row of a whole-system scan: what one binary needs and how the chosen release serves it. */
export interface BinarySummary {
  path: string;
  sha256?: string;
  machine?: string;
  /** Syscalls the binary can make (program + start-up). */
  syscalls: number;
  programSyscalls: number;
  unknowns: number;
  /** Program syscalls the release does not provide (or not on this architecture), sorted. */
  missing: string[];
  /** Of `missing`: those the Loupe priors say need a real implementation (or have no data). */
  required: string[];
  verdict: BinaryVerdict;
  /** Why the verdict, in a few words (the first blocking syscalls, the limit hit, the read error). */
  because?: string;
  /** Wall-clock analysis time in milliseconds. */
  ms: number;
}

/** A syscall the release lacks, ranked by how many scanned binaries need it: what to implement next. */
export interface SyscallBlocker {
  name: string;
  /** Binaries whose program code needs it. */
  binaries: number;
  /** Of those, binaries for which it is the only missing required syscall. */
  soleBlocker: number;
  status: NeedStatus;
  examples: string[];
}

/** Result of scanning many binaries: per-binary rows and the aggregate of missing syscalls. */
export interface SystemScan {
  release: string;
  jobs: number;
  seconds: number;
  binaries: BinarySummary[];
  blockers: SyscallBlocker[];
}

/** A report that covers one shard of a split scan (`ukport scan --shard I/N`); `ukport merge` joins all N. */
export interface ShardInfo {
  /** 1..count */
  index: number;
  count: number;
  /** Inputs of the whole, unsplit walk (every shard walks all paths and keeps its part). */
  inputs: number;
}
