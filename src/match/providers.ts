import type { Arch, SyscallCoverage, UnikraftTable } from '../model/index.js';

/** Shim name of an architecture in SyscallCoverage.nr. */
export function shimArch(arch: Arch): 'x86_64' | 'arm64' {
  return arch === 'aarch64' ? 'arm64' : 'x86_64';
}

/** Libraries providing NAME on ARCH in TABLE (primary first) and the Kconfig symbol each declares it under. */
export function providersOf(table: UnikraftTable, name: string, arch: Arch, options: { apps?: boolean } = {}): { coverage?: SyscallCoverage; providers: string[]; kconfigOf: Map<string, string>; requiresOf: Map<string, string[]> } {
  const cov = table.syscalls[name];
  const kconfigOf = new Map<string, string>();
  const requiresOf = new Map<string, string[]>();
  if (!cov || cov.status === 'missing' || !cov.library) return { coverage: cov, providers: [], kconfigOf, requiresOf };
  // the shim numbers syscalls per arch: no number on this arch means the syscall does not exist there (arm64 has no `open`)
  if (Object.keys(cov.nr).length > 0 && cov.nr[shimArch(arch)] === undefined) return { coverage: cov, providers: [], kconfigOf, requiresOf };
  for (const p of [{ library: cov.library, kconfig: cov.kconfig ?? '', requires: cov.requires }, ...(cov.alternatives ?? [])]) {
    // an app (app-elfloader) serves syscalls only when it is the application: binary-compat mode
    if (p.library.startsWith('app-') && !options.apps) continue;
    if (kconfigOf.has(p.library)) continue;
    kconfigOf.set(p.library, p.kconfig);
    // declared inside a Makefile.uk conditional: provided only with those options too (set_tid_address: LIBPOSIX_PROCESS_CLONE)
    if (p.requires?.length) requiresOf.set(p.library, p.requires);
  }
  return { coverage: cov, providers: [...kconfigOf.keys()], kconfigOf, requiresOf };
}
