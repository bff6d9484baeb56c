import type { Arch, CoverageStatus, Libc } from './vocab.js';

/** Where a table's facts came from. */
export interface Provenance {
  repo: string;
  tag: string;
  commit: string;
  generator: string;
  date: string;
  /** Extra source repos (external libs, apps) merged into the table. */
  extra?: { repo: string; tag?: string; commit: string }[];
}

/** One syscall in a Unikraft release. */
export interface SyscallCoverage {
  status: CoverageStatus;
  library?: string;
  kconfig?: string;
  nargs?: number;
  nr: Partial<Record<'x86_64' | 'arm64', number>>;
}

/** A micro-library node of the Kconfig graph. */
export interface MicroLibrary {
  name: string;
  kconfig: string;
  title?: string;
  select: string[];
  dependsOn: string[];
  imply: string[];
  default?: string;
  /** Source repo for external libraries (lib-lwip, app-elfloader). */
  repo?: string;
}

/** What one Unikraft release provides. */
export interface UnikraftTable {
  target: 'unikraft';
  release: string;
  provenance: Provenance;
  syscalls: Record<string, SyscallCoverage>;
  libraries: Record<string, MicroLibrary>;
}

/** What a libc port provides: public functions and headers. */
export interface LibcTable {
  target: Libc;
  version: string;
  provenance: Provenance;
  functions: string[];
  headers: string[];
}

/** Linux shared object → Unikraft port. */
export interface ExternalLibPort {
  sonamePattern: string;
  port: string;
  kconfig: string;
  upstreamVersion: string;
  /** Major version(s) of the Linux soname the port is ABI-compatible with. */
  compatibleVersions: string[];
}

/** libc function → syscalls it can make, per architecture. */
export interface LibcSummaryTable {
  libc: Libc;
  arch: Arch;
  provenance: Provenance;
  functions: Record<string, string[]>;
}

/** Loupe-derived per-syscall prior: how often stubbing / faking worked. */
export interface SyscallPrior {
  apps: number;
  stubOk: number;
  fakeOk: number;
}

/** Everything loaded from syscall-tables/. */
export interface Tables {
  unikraft: UnikraftTable[];
  libc: LibcTable[];
  externalLibs: ExternalLibPort[];
  libcSummaries: LibcSummaryTable[];
  priors: Record<string, SyscallPrior>;
}
