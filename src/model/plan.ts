import type { Arch, Libc, NeedStatus, Severity } from './vocab.js';

/** A micro-library or external port chosen by the planner, with the reasons. */
export interface PlannedLibrary {
  name: string;
  kconfig: string;
  version?: string;
  /** Needs that pull it in: `syscall:openat`, `soname:libssl.so.3`, `library:vfscore`. */
  because: string[];
}

/** A need the plan cannot serve. */
export interface UncoveredNeed {
  kind: 'syscall' | 'function' | 'header' | 'library' | 'dynamic-linking' | 'unknown';
  name: string;
  status: NeedStatus;
  severity: Severity;
  reason: string;
}

/** The porting plan for one app. */
export interface Plan {
  release: string;
  arch: Arch;
  libc: Libc;
  libcReasons: string[];
  libraries: PlannedLibrary[];
  kconfig: string[];
  uncovered: UncoveredNeed[];
  /** Oldest shipped release whose tables cover the app's syscalls, when any. */
  oldestCoveringRelease?: string;
}
