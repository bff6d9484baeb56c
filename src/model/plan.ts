import type { Arch, Libc, Mode, NeedStatus, Severity } from './vocab.js';
import type { PlannedRuntime } from './interpreted.js';

/** Why a library is in the plan: it serves needs, is required by another planned library, is the libc, or ports a shared library. */
export type PlannedRole = 'needs' | 'dependency' | 'libc' | 'port';

/** A micro-library or external port chosen by the planner, with the reasons. */
export interface PlannedLibrary {
  name: string;
  kconfig: string;
  version?: string;
  /** Needs that pull it in: `syscall:openat`, `soname:libssl.so.3`, `library:vfscore`. */
  because: string[];
  role?: PlannedRole;
  /** Source repository for libraries outside the Unikraft core tree (lib-musl, lib-lwip). */
  repo?: string;
  /** Other libraries that could serve the same needs, and why this one won. */
  alternatives?: string[];
}

/** A need the plan cannot serve. */
export interface UncoveredNeed {
  kind: 'syscall' | 'function' | 'header' | 'library' | 'dynamic-linking' | 'unknown';
  name: string;
  status: NeedStatus;
  severity: Severity;
  reason: string;
  /** Argument count for syscalls (from the release table, when known). */
  nargs?: number;
}

/** How well one release covers the app's syscalls. */
export interface ReleaseCoverage {
  release: string;
  covered: number;
  total: number;
  /** Needed syscalls this release covers that the previous (older) one did not. */
  adds: string[];
  /** Needed syscalls the previous release covered and this one does not (a regression), when any. */
  drops?: string[];
  /** Needed syscalls still uncovered in this release. */
  missing: string[];
}

/** The porting plan for one app. */
export interface Plan {
  release: string;
  arch: Arch;
  mode?: Mode;
  libc: Libc;
  libcReasons: string[];
  /** Every libc whose port covers the app's headers and functions (the choice is one of them unless forced). */
  libcCandidates?: Libc[];
  libraries: PlannedLibrary[];
  kconfig: string[];
  uncovered: UncoveredNeed[];
  /** Oldest shipped release whose tables cover the app's syscalls, when any. */
  oldestCoveringRelease?: string;
  /** Coverage per shipped release, oldest first. */
  releases?: ReleaseCoverage[];
  /** Why the app needs a root filesystem (file paths it opens), when it does. */
  rootfs?: string[];
  /** The rule used when several libraries provide the same syscall. */
  tieBreak?: string;
  /** Set when the release's table is partial (the same object as Report.partialTable). */
  partial?: import('./report.js').PartialUse;
  /** Binary-compat interpreted app: the runtime image and rootfs Dockerfile, the way the catalog runs one. */
  runtime?: PlannedRuntime;
}
