/** Closed vocabularies: runtime lists with types derived from them. */
export const ARCHES = ['x86_64', 'aarch64'] as const;
/** A CPU architecture ukport analyses fully. */
export type Arch = (typeof ARCHES)[number];

export const ARTIFACT_KINDS = ['elf', 'c-source', 'c-header', 'python', 'javascript', 'typescript', 'compile-db', 'container-image', 'package-manifest', 'other'] as const;
/** What an input file is, decided by magic bytes and name. */
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export const FACT_KINDS = ['syscall', 'symbol', 'header', 'library', 'string', 'module', 'package', 'unknown'] as const;
/** Kind tag of a Fact. */
export type FactKind = (typeof FACT_KINDS)[number];

export const SYSCALL_CLASSES = ['program', 'startup'] as const;
/** `startup`: only from process start-up / loader / libc-internal machinery. */
export type SyscallClass = (typeof SYSCALL_CLASSES)[number];

export const SYMBOL_ROLES = ['import', 'export', 'call', 'address-taken'] as const;
/** How a symbol fact was seen: ELF import/export, or a C call / function-pointer use. */
export type SymbolRole = (typeof SYMBOL_ROLES)[number];

export const UNKNOWN_REASONS = [
  'unsupported-arch', 'dlopen', 'dlsym', 'unresolved-library', 'bad-file', 'skipped-file',
  'indirect-syscall', 'indirect-call', 'inline-asm', 'macro', 'parse-error', 'limit-exceeded',
  'decode-error', 'syscall-32bit-abi', 'unknown-syscall-number', 'unresolved-package',
] as const;
/** Why something could not be resolved statically. */
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

export const MODULE_ORIGINS = ['stdlib', 'third-party', 'local'] as const;
/** Where an imported module comes from: the language's standard library (Node built-ins), a package, or the app itself. */
export type ModuleOrigin = (typeof MODULE_ORIGINS)[number];

export const PACKAGE_SOURCES = ['declared', 'lock', 'installed', 'import'] as const;
/** How a third-party package was seen: a manifest names it, a lock file pins it, it is installed in the tree, or only imported. */
export type PackageSource = (typeof PACKAGE_SOURCES)[number];

export const SEVERITIES = ['error', 'warning', 'note'] as const;
/** Finding severity, ordered from most to least severe. */
export type Severity = (typeof SEVERITIES)[number];

export const COVERAGE_STATUSES = ['implemented', 'stub', 'missing'] as const;
/** Status of a syscall in a Unikraft release. */
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

export const LIBCS = ['musl', 'newlib'] as const;
/** A libc that Unikraft ports. */
export type Libc = (typeof LIBCS)[number];

export const MODES = ['binary-compat', 'native'] as const;
/** binary-compat: app-elfloader runs the Linux ELF; native: rebuilt against Unikraft's libc. */
export type Mode = (typeof MODES)[number];

export const FILESYSTEM_STACKS = ['vfscore', 'posix-vfs'] as const;
/** A file-system stack of Unikraft: vfscore (every release, deprecated in v0.21.0), posix-vfs on ukfs (v0.20.0+). */
export type FilesystemStack = (typeof FILESYSTEM_STACKS)[number];

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
/** Report output formats. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const NEED_STATUSES = ['covered', 'stubbable', 'fakeable', 'missing-required', 'unknown', 'startup'] as const;
/**
 * How a need is served by the chosen target (its class). `stubbable`: not provided, and the -ENOSYS the syscall shim
 * answers (or the release's own stub) is known or believed to be tolerated; `fakeable`: a benign success must be
 * faked; `missing-required`: a real implementation is needed; `unknown`: no data either way; `startup`: a provided
 * syscall of the loader / libc start-up, listed apart.
 */
export type NeedStatus = (typeof NEED_STATUSES)[number];

export const VERDICTS = ['ready', 'runs-with-gaps', 'needs-work', 'blocked'] as const;
/**
 * What running the app on one Unikraft release promises, best first (docs/verdicts.md):
 * - `ready`: every need is served; nothing to stub, fake, port or check.
 * - `runs-with-gaps`: it is expected to boot and do its job; some calls fail with ENOSYS (or hit a release stub)
 *   where the app is known or believed to tolerate it; each gap is listed with the reason.
 * - `needs-work`: porting work or a check is needed before it can be expected to run (a syscall to implement or
 *   fake, a library to port, a function the libc lacks, something the analysis could not resolve); nothing shows
 *   that it cannot work.
 * - `blocked`: evidence that it cannot work as it is: it depends on a feature Unikraft does not have (fork
 *   without exec, SysV shared memory it really uses, …).
 */
export type Verdict = (typeof VERDICTS)[number];

/** Severity of a problem that lowers the verdict to V: error blocks, warning needs work, note is a gap or information. */
export const VERDICT_SEVERITY: Readonly<Record<Verdict, Severity>> = { 'ready': 'note', 'runs-with-gaps': 'note', 'needs-work': 'warning', 'blocked': 'error' };

export function isOneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}
