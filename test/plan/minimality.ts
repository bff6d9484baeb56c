import type { Plan, UnikraftTable } from '../../src/model/index.js';

/**
 * Independent oracle for minimality: for each planned library, say why it cannot be dropped — a needed syscall
 * no other planned library provides, a non-syscall reason (libc, port, rootfs), or another planned library that
 * selects it / depends on it. Returns the libraries with no such reason (must be empty).
 */
export function droppableLibraries(plan: Plan, table: UnikraftTable, neededSyscalls: string[]): string[] {
  const names = new Set(plan.libraries.map((l) => l.name));
  const kconfigOf = (n: string) => table.libraries[n]?.kconfig;
  const out: string[] = [];
  for (const l of plan.libraries) {
    const rest = new Set([...names].filter((n) => n !== l.name));
    const uncovers = neededSyscalls.some((s) => {
      const c = table.syscalls[s];
      if (!c?.library) return false;
      const providers = [c.library, ...(c.alternatives ?? []).map((a) => a.library)];
      return providers.includes(l.name) && !providers.some((p) => rest.has(p));
    });
    const otherReason = l.because.some((b) => /^(libc|soname|rootfs)/.test(b));
    // a Kconfig option the plan sets (a library's sub-option: LIBUKRANDOM_GETRANDOM, LIBPOSIX_VFS_SYSCALLS) depends on it or selects it
    const byOption = plan.kconfig.some((k) => {
      const e = table.kconfig?.[k.replace(/^CONFIG_/, '').replace(/=.*$/, '')];
      return e !== undefined && e.library !== l.name
        && (e.dependsOn.some((d) => d === kconfigOf(l.name)) || e.select.some((x) => x.split(' ')[0] === kconfigOf(l.name)));
    });
    const required = [...rest].some((m) => {
      const lib = table.libraries[m];
      if (!lib) return false;
      const sym = kconfigOf(l.name);
      // selecting the library's symbol, or one of its sub-options (LIBPOSIX_FDTAB_LEGACY_SHIM of posix-fdtab), needs it
      const sel = lib.select.some((s) => (s.split(' ')[0] === sym || table.kconfig?.[s.split(' ')[0]!]?.library === l.name) && !/if !HAVE_LIBC/.test(s));
      const dep = lib.dependsOn.some((d) => d.split(/\s*\|\|\s*/).includes(sym ?? '') && !d.includes('||'));
      return sel || dep;
    });
    if (!uncovers && !otherReason && !required && !byOption) out.push(l.name);
  }
  return out;
}
