import type { Plan } from '../model/index.js';

/** What the manifest emitters need besides the plan: the app's name, command line and sources. */
export interface ManifestApp {
  /** App name as typed (`epoll-echo`); see appNames for the derived identifiers. */
  name: string;
  plan: Plan;
  /** Command line for the Kraftfile (`cmd`); undefined: a placeholder. */
  cmd?: string[];
  /** C sources relative to the output directory, for Makefile.uk. */
  sources?: string[];
  /** `ukport <version>` for the generated-by line. */
  generator: string;
  /** KraftKit Kraftfile spec to write (default v0.6, what the catalog writes). */
  spec?: KraftfileSpec;
  /** binary-compat: build app-elfloader from source with the plan's Kconfig (`template:`) instead of the catalog runtime. */
  template?: boolean;
}

export const KRAFTFILE_SPECS = ['v0.6', 'v0.7'] as const;
/** A Kraftfile spec version ukport writes. */
export type KraftfileSpec = (typeof KRAFTFILE_SPECS)[number];

/** Identifiers derived from the app name for Kconfig, make and directories. */
export interface AppNames {
  /** kebab-case name: `epoll-echo`. */
  name: string;
  /** App Kconfig symbol and make prefix: `APPEPOLL_ECHO`. */
  appSymbol: string;
  /** addlib name of the app: `appepoll_echo`. */
  appLib: string;
  /** Compat library directory: `lib-epoll-echo-compat`. */
  compatDir: string;
  /** addlib name of the compat library: `libepoll_echo_compat`. */
  compatLib: string;
  /** Kconfig symbol and make prefix of the compat library: `LIBEPOLL_ECHO_COMPAT`. */
  compatSymbol: string;
}

/** Derives the identifiers; the name is reduced to [a-z0-9-] (Kconfig and make need plain identifiers). */
export function appNames(raw: string): AppNames {
  const name = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'app';
  const snake = name.replace(/-/g, '_');
  return {
    name,
    appSymbol: `APP${snake.toUpperCase()}`,
    appLib: `app${snake}`,
    compatDir: `lib-${name}-compat`,
    compatLib: `lib${snake}_compat`,
    compatSymbol: `LIB${snake.toUpperCase()}_COMPAT`,
  };
}

/** Syscalls the compat library stubs: every uncovered syscall except those a release library already stubs. */
export function compatSyscalls(plan: Plan): Plan['uncovered'] {
  return plan.uncovered.filter((u) => u.kind === 'syscall' && !/ only as a stub/.test(u.reason));
}

/**
 * libc functions the compat library defines because the planned libc port lacks them for this release:
 * lib-musl (newest tag RELEASE-0.16.3) builds its `getrandom()` wrapper only with CONFIG_LIBUKSWRAND, which
 * Unikraft 0.17.0 replaced by ukrandom; with LIBSYSCALL_SHIM_NOWRAPPER (selected by lib-musl) nothing else
 * defines it, and musl's getentropy fails to link (`undefined reference to getrandom`, seen by ukport verify).
 */
export function compatLibcWrappers(plan: Plan): string[] {
  if (plan.libc !== 'musl' || plan.mode === 'binary-compat') return [];
  const [major = 0, minor = 0] = (plan.release.match(/\d+/g) ?? []).map(Number);
  return major > 0 || minor >= 17 ? ['getrandom'] : [];
}

/**
 * Headers the compat library supplies to other libraries: lib-lwip (newest tag RELEASE-0.16.2) includes
 * `uk/swrand.h` and calls `uk_swrand_randr()` (include/arch/cc.h), which Unikraft 0.17.0 removed with
 * ukswrand (`fatal error: uk/swrand.h: No such file or directory`).
 */
export function compatHeaders(plan: Plan): string[] {
  const lwip = plan.libraries.some((l) => l.kconfig === 'LIBLWIP');
  const [major = 0, minor = 0] = (plan.release.match(/\d+/g) ?? []).map(Number);
  return lwip && (major > 0 || minor >= 17) ? ['uk/swrand.h'] : [];
}

/** Whether the app gets a compat library: syscall stubs, libc wrappers or headers to supply. */
export function hasCompatLib(plan: Plan): boolean {
  return compatSyscalls(plan).length > 0 || compatLibcWrappers(plan).length > 0 || compatHeaders(plan).length > 0;
}

/** `CONFIG_X=v` → [X, v]. */
export function splitKconfig(line: string): [string, string] {
  const i = line.indexOf('=');
  return [line.slice(0, i).replace(/^CONFIG_/, ''), line.slice(i + 1)];
}
