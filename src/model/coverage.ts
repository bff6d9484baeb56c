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
  /** The repository whose release this is, when the tree was read from another one (a fork holding the release commit). */
  upstream?: string;
  /** The release document that names `commit` as the release commit (unikraft/docs content/releases/vX.mdx). */
  releaseNote?: { repo: string; path: string; commit: string };
}

/** Where one entry of a partial table comes from (exact tables carry none: their provenance is the tree). */
export type EntrySource =
  /** Carried over unchanged from the exact table of `release`: no later evidence changed it. */
  | { kind: 'basis'; release: string }
  /** A line of a release document (unikraft/docs release notes or a blog post about the release). */
  | { kind: 'release-note'; release: string; path: string; line: number; text: string }
  /** A file of the search index's copy of a repository, at a commit (no full tree at that commit was read). */
  | { kind: 'indexed-file'; repo: string; path: string; commit: string }
  /** A full tree at a dated commit between releases (upstream staging, or a pull request's branch). */
  | { kind: 'tree'; repo: string; commit: string; date: string; ref: 'staging' | 'branch' };

/** Kinds of EntrySource, for counting. */
export type EntrySourceKind = EntrySource['kind'];

/** A Kconfig option a release renamed or deprecated (from its release notes), for migrating old configurations. */
export interface KconfigChange {
  release: string;
  kind: 'renamed' | 'deprecated' | 'removed';
  /** Old symbols (without CONFIG_). */
  from: string[];
  /** The symbol that replaces them, when one does. */
  to?: string;
  source: EntrySource;
}

/** What a partial table is built from and how its entries were placed in the release. */
export interface PartialTableInfo {
  /** The exact table every entry starts from. */
  basis: string;
  /** How the release an entry belongs to was decided. */
  method: string;
  /** Release document naming this release (its commit is in provenance; no tree at it was read). */
  releaseNote: { repo: string; commit: string; path: string; date: string };
  /** Inputs besides the release documents. */
  trees: { repo: string; commit: string; date: string; ref: 'staging' | 'branch' }[];
  indexedFiles: { repo: string; path: string; commit: string }[];
  /** Entries by the kind of their newest source. */
  counts: Partial<Record<EntrySourceKind, number>>;
  /** Seen in an input, but no release document places it in this or an earlier release: left out of the table. */
  unplaced?: { what: string; library: string; source: EntrySource }[];
}

/** One syscall in a Unikraft release. */
export interface SyscallCoverage {
  status: CoverageStatus;
  library?: string;
  kconfig?: string;
  nargs?: number;
  nr: Partial<Record<'x86_64' | 'arm64', number>>;
  /** Flag letters after the count in Makefile.uk (`e` execenv, `u`), when any. */
  flags?: string;
  /** For `stub`: what the C body does, e.g. `enosys` or `returns 0`. */
  stub?: string;
  /** Where the C implementation is: `lib/posix-poll/poll.c:42`. */
  impl?: string;
  /**
   * Kconfig symbols that must be set besides `kconfig` (`!X`: must not be), when Makefile.uk declares the syscall
   * inside a conditional: posix-futex provides `set_tid_address` only with LIBPOSIX_PROCESS_CLONE (v0.11.0-v0.18.0).
   */
  requires?: string[];
  /** Other libraries that also provide this syscall (first one wins in `library`). */
  alternatives?: { library: string; kconfig: string; requires?: string[] }[];
  /** Partial tables: where this entry comes from, newest first. */
  sources?: EntrySource[];
}

/** One Kconfig symbol of a release (every Config.uk entry), owned by a library or global. */
export interface KconfigEntry {
  library?: string;
  type?: string;
  prompt?: string;
  select: string[];
  imply: string[];
  dependsOn: string[];
  default?: string;
  /** Every `default` line in order (`y if X`), when there are several; `default` is the first. */
  defaults?: string[];
  /** The `choice` block (its prompt) the symbol belongs to: at most one member of a choice is y. */
  choice?: string;
  /** Partial tables: where this symbol comes from, newest first. */
  sources?: EntrySource[];
}

/** Where the Makefile.uk declarations and the C implementations disagree. */
export interface TableDisagreement {
  syscall: string;
  library: string;
  kind: 'no-implementation' | 'undeclared-implementation' | 'nargs';
  detail: string;
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
  /** Directory in its repo: `lib/posix-poll`, `.` for an external repo. */
  path?: string;
  /** Other Kconfig symbols declared in the library's Config.uk (sub-options). */
  options?: string[];
  /** The release that marked the library deprecated, and the note that says so. */
  deprecated?: { since: string; source: EntrySource };
  /** Partial tables: where this library's record comes from, newest first. */
  sources?: EntrySource[];
}

/** What one Unikraft release provides. */
export interface UnikraftTable {
  target: 'unikraft';
  release: string;
  provenance: Provenance;
  syscalls: Record<string, SyscallCoverage>;
  libraries: Record<string, MicroLibrary>;
  /** Every Kconfig symbol of the release and its extras. */
  kconfig?: Record<string, KconfigEntry>;
  /** Plain C functions named like a syscall the shim does not provide (lwip's poll() before v0.10), or like a libc
   *  function the libc ports declare but do not build (posix-environ's getenv): native builds only. */
  functions?: Record<string, { library: string; kconfig: string; file: string; stub?: string }>;
  disagreements?: TableDisagreement[];
  /** Set when the table is not read from the release's own tree (see PartialTableInfo). */
  partial?: PartialTableInfo;
  /** Kconfig options this release renamed or deprecated (release notes). */
  kconfigChanges?: KconfigChange[];
}

/** What a libc port provides: public functions and headers. */
export interface LibcTable {
  target: Libc;
  version: string;
  provenance: Provenance;
  functions: string[];
  headers: string[];
  /** Declared in the port's headers but defined by no source the port builds (link errors if used). */
  declaredNotBuilt?: string[];
  /** Public functions the Unikraft port's own glue code defines. */
  glue?: string[];
  /** Headers only the port adds (lib-newlib ships musl's sys/epoll.h): upstream lacks them. */
  portHeaders?: string[];
}

/** Linux shared object → Unikraft port. */
export interface ExternalLibPort {
  sonamePattern: string;
  port: string;
  kconfig: string;
  upstreamVersion: string;
  /** Major version(s) of the Linux soname the port is ABI-compatible with. */
  compatibleVersions: string[];
  /** The port repository this entry was read from. */
  provenance?: Provenance;
}

/** libc function → syscalls it can make, per architecture. */
export interface LibcSummaryTable {
  libc: Libc;
  arch: Arch;
  provenance: Provenance;
  functions: Record<string, string[]>;
  /** Data objects the libc exports (stdout, environ, optarg): an app's imported object is there when listed. */
  objects?: string[];
}

/** Loupe-derived per-syscall prior: how often stubbing / faking worked. */
export interface SyscallPrior {
  /** Apps (any workload) that used the syscall. */
  apps: number;
  /** Apps that still worked with it stubbed (-ENOSYS). */
  stubOk: number;
  /** Apps that still worked with it faked (returns success). */
  fakeOk: number;
  /** Apps that needed a real implementation (neither worked). */
  required?: number;
}

/** A program an application port builds when its options are on (lib-nginx: nginx with LIBNGINX_MAIN_FUNCTION). */
export interface PortProgram {
  program: string;
  /** Options that build it, the port's switch first. */
  kconfig: string[];
  /** Where Unikraft uses these options for this program (repo@commit:path). */
  source: string;
}

/** Refs of a repository that a Kraftfile or a checkout can name. */
export interface PortVersions {
  /** RELEASE-x tags → commit and date. */
  tags: Record<string, { commit: string; date: string }>;
  stable?: { commit: string; date: string };
  staging?: { commit: string; date: string };
}

/** A Unikraft repository outside the core tree (lib-musl, lib-lwip, lib-libelf, app-elfloader, lib-nginx). */
export interface UnikraftPort {
  name: string;
  repo: string;
  role: 'libc' | 'library' | 'application' | 'app-port';
  provenance: Provenance;
  /** Date of the commit the Kconfig was read at. */
  headDate?: string;
  /** The repository's own switch (LIBMUSL), when it has one. */
  switch?: string;
  /** Every Config.uk symbol of the repository at the provenance commit. */
  kconfig: Record<string, KconfigEntry>;
  versions: PortVersions;
  programs?: PortProgram[];
}

/** syscall-tables/unikraft-ports.json, generated by `tables sync --port`. */
export interface UnikraftPortsTable {
  target: 'unikraft-ports';
  ports: UnikraftPort[];
}

/** Everything loaded from syscall-tables/. */
export interface Tables {
  unikraft: UnikraftTable[];
  libc: LibcTable[];
  externalLibs: ExternalLibPort[];
  libcSummaries: LibcSummaryTable[];
  priors: Record<string, SyscallPrior>;
  /** Repositories outside the core tree: their Kconfig, refs and (application ports) programs. */
  ports?: UnikraftPort[];
}
