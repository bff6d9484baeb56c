import type { Arch, ModuleOrigin, PackageSource, SymbolRole, SyscallClass, UnknownReason } from './vocab.js';
import type { Evidence } from './evidence.js';

interface FactBase {
  evidence: Evidence[];
}

/** A Linux syscall the application can make. `name` as strace prints it. */
export interface SyscallFact extends FactBase {
  kind: 'syscall';
  name: string;
  nr: number | null;
  arch: Arch;
  class: SyscallClass;
  /** Constant arguments recovered at call sites, by argument index (e.g. mmap flags, socket domain). */
  constArgs?: Record<number, number[]>;
}

/** A libc/library symbol: imported or exported by an ELF, or called / address-taken in C. */
export interface SymbolFact extends FactBase {
  kind: 'symbol';
  name: string;
  role: SymbolRole;
  /** `func` or `object`. */
  type?: 'func' | 'object';
  /** Symbol version, e.g. `GLIBC_2.34`. */
  version?: string;
  /** Library whose version requirement names `version` (from .gnu.version_r). */
  versionLibrary?: string;
  /** Constant call arguments as source text, by argument index (e.g. `AF_NETLINK`). */
  args?: Record<number, string>;
}

/** An `#include`d header. */
export interface HeaderFact extends FactBase {
  kind: 'header';
  name: string;
  system: boolean;
  /** Resolved path against include paths, when found. */
  resolved?: string;
}

/** A shared library the app needs (DT_NEEDED) or is built on. */
export interface LibraryFact extends FactBase {
  kind: 'library';
  soname: string;
  /** Version from the soname or file name, e.g. `3` for libssl.so.3. */
  version?: string;
  resolvedPath?: string;
  neededBy: string[];
}

/** A string literal that matters for porting (paths under /proc, /sys, /etc, config files). */
export interface StringFact extends FactBase {
  kind: 'string';
  value: string;
}

/** An imported module of an interpreted language (Python `import`, Node `require`). */
export interface ModuleFact extends FactBase {
  kind: 'module';
  language: 'python' | 'javascript';
  name: string;
  /** Members used, e.g. `fork` of `child_process`. */
  members?: string[];
  /** Porting-relevant feature the module or its members need, e.g. `process-spawn`, `threads`, `file-watch`. */
  features?: string[];
  /** Python: the C extension module behind the import (`_sqlite3` for `sqlite3`); for a compiled module, its own name. */
  extension?: string;
  /** Seen as compiled code (a `PyInit_*` extension module, a `.node` addon) rather than an import. */
  native?: boolean;
  /** Whether the Unikraft language port builds `extension` in; absent when no port table applies. */
  inPort?: boolean;
  /** Kconfig options the port needs on to build `extension` in. */
  portKconfig?: string[];
  /** Standard library (Node built-in), a third-party package, or the app's own module; absent for compiled modules. */
  origin?: ModuleOrigin;
  /** Third-party: the package (distribution) that provides it, when known (`Pillow` for `PIL`). */
  package?: string;
}

/** A compiled module of an installed package: a Python extension module or a Node addon, and what it links. */
export interface PackageExtension {
  /** Import name (`PIL._imaging`) or the addon's path inside the package (`build/Release/bcrypt_lib.node`). */
  module: string;
  path: string;
  /** DT_NEEDED sonames of the module. */
  needed: string[];
}

/** A third-party package (Python distribution, npm package) the app declares, pins, installs or imports. */
export interface PackageFact extends FactBase {
  kind: 'package';
  ecosystem: 'python' | 'node';
  /** Name as the package index knows it (`Pillow`, `@img/sharp-linux-x64`). */
  name: string;
  /** Installed or locked version. */
  version?: string;
  /** Version constraints as declared (`>=10,<11`, `^0.33.0`), one per declaring manifest line. */
  specs?: string[];
  sources: PackageSource[];
  /** Declared by the app itself (not only pulled in by another package). */
  direct?: boolean;
  /** Module names it provides (Python top-level packages; for npm, its own name). */
  provides?: string[];
  /** Has compiled code (true), has none (false); absent when nothing tells. */
  native?: boolean;
  /** What shows it is native: `binding.gyp`, `gypfile`, `dependency node-gyp-build`, `hasInstallScript`, `extension module`. */
  nativeEvidence?: string[];
  /** Compiled modules found installed. */
  extensions?: PackageExtension[];
  /** Installed: where, and its files' total size. */
  installed?: { path: string; bytes: number; files: number };
  /** Extras asked for (`boto3[crt]`). */
  extras?: string[];
}

/** Something the analysis could not resolve. Shown in every format and counted by the gate. */
export interface UnknownFact extends FactBase {
  kind: 'unknown';
  reason: UnknownReason;
  message: string;
}

/** A fact about the application, with its evidence. */
export type Fact = SyscallFact | SymbolFact | HeaderFact | LibraryFact | StringFact | ModuleFact | PackageFact | UnknownFact;
