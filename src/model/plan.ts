import type { Arch, FilesystemStack, Libc, Mode, NeedStatus, Severity } from './vocab.js';
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
  /** The plan's Kconfig lines that are this library's own options (`CONFIG_LWIP_TCP=y` for lwip). */
  options?: string[];
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

/** The application a binary-compat image runs (app-elfloader), with the options the plan turns on in it. */
export interface PlannedApplication {
  name: string;
  repo: string;
  /** Needs it serves (`syscall:brk`) and why it is there (`mode:binary-compat`). */
  because: string[];
  /** Libraries its own Config.uk selects or implies (app-elfloader: libelf, posix-mmap, ...). */
  brings: string[];
}

/** One platform/VMM the image is built for, with the Kconfig it adds and the drivers that serve the app there. */
export interface PlannedTarget {
  /** Kraftfile name: `qemu/x86_64`, `fc/x86_64`. */
  name: string;
  platform: 'qemu' | 'fc';
  /** The target's own lines (`CONFIG_PLAT_KVM=y`, `CONFIG_KVM_VMM_QEMU=y`). */
  kconfig: string[];
  /** Libraries the target turns on for the app (the netdev driver and its transport), beyond the platform's own. */
  drivers: string[];
}

/** How the app reaches the network. */
export interface PlannedNetwork {
  stack: string;
  /** Socket families seen and where (`socket(AF_INET) in main`). */
  because: string[];
  /** Kernel command-line parameters the image needs (`netdev.ip=ADDRESS/PREFIX:GATEWAY:::`). */
  kernelArgs: string[];
  notes: string[];
}

/** The file system stack of the image. */
export interface PlannedFilesystem {
  stack: FilesystemStack;
  because: string[];
  /** Kernel command-line parameters that mount the root file system (posix-vfs-fstab's vfs.fstab=). */
  kernelArgs?: string[];
}

/** A repository ref for the manifests: a release tag when the repo has one for the release, else a channel. */
export interface VersionPin {
  /** Repository name: `unikraft`, `lib-musl`, `app-elfloader`. */
  name: string;
  repo: string;
  /** What a Kraftfile writes: `0.17.0` (a RELEASE tag), `stable`. */
  version: string;
  /** Git ref and commit for make-based builds, when known. */
  ref?: string;
  commit?: string;
  note?: string;
}

/** A file the binary-compat image holds: read from the scanned root, placed at PATH. */
export interface ImageFile {
  /** Absolute path inside the image. */
  path: string;
  /** Where it is read from (a host path, under --sysroot when given). */
  source: string;
  /** program, interpreter, library, loaded library, config. */
  role: 'program' | 'interpreter' | 'library' | 'loaded-library' | 'config';
  /** Why it is there: `DT_NEEDED of nginx`, `PT_INTERP`, `named in the program`. */
  why: string;
}

/** A file ukport writes for the image (nsswitch.conf naming only glibc's built-in services). */
export interface GeneratedImageFile {
  path: string;
  content: string;
  why: string;
}

/** The root file system of a binary-compat image: what the Dockerfile copies, and where. */
export interface PlannedImage {
  files: ImageFile[];
  generated: GeneratedImageFile[];
  /** Directories the program writes into that must exist (`/var/log/nginx`). */
  directories: string[];
  /** Paths the program names that the scanned root does not have. */
  missing: string[];
  /** The program's path in the image: the Kraftfile's cmd. */
  entry: string;
}

/** A Kconfig rule the planned configuration breaks, for one target. */
export interface PlanKconfigProblem {
  target: string;
  kind: 'unknown-symbol' | 'dropped' | 'unmet-dependency' | 'choice-conflict' | 'undefined-select' | 'unsettled';
  symbol: string;
  detail: string;
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
  /** binary-compat: the application that loads the Linux ELF. */
  application?: PlannedApplication;
  /** Platforms the image is built for. */
  targets?: PlannedTarget[];
  network?: PlannedNetwork;
  filesystem?: PlannedFilesystem;
  /** Refs of every repository the manifests name. */
  pins?: VersionPin[];
  /** binary-compat: the image's root file system (program, loader, libraries, configuration). */
  image?: PlannedImage;
  /** Kconfig rules the configuration breaks; empty when it resolves as planned on every target. */
  kconfigProblems?: PlanKconfigProblem[];
  /** Set when the release's table is partial (the same object as Report.partialTable). */
  partial?: import('./report.js').PartialUse;
  /** Binary-compat interpreted app: the runtime image and rootfs Dockerfile, the way the catalog runs one. */
  runtime?: PlannedRuntime;
}
