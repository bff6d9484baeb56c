import type { KconfigEntry, Plan, UnikraftPort, UnikraftTable } from '../../src/model/index.js';

/** A symbol's Config.uk entry as the release or a port's own Config.uk declares it (read straight from the tables). */
function entryOf(table: UnikraftTable, ports: UnikraftPort[], sym: string): Pick<KconfigEntry, 'select' | 'imply' | 'dependsOn'> | undefined {
  const lib = Object.values(table.libraries).find((l) => l.kconfig === sym);
  return table.kconfig?.[sym] ?? ports.find((p) => p.kconfig[sym])?.kconfig[sym] ?? (lib ? { select: lib.select, imply: lib.imply, dependsOn: lib.dependsOn } : undefined);
}

const names = (refs: string[]) => refs.map((s) => s.split(' ')[0]!.replace(/[()!]/g, ''));

/**
 * Independent oracle for minimality: for each planned library, say why it cannot be dropped — a needed syscall
 * no other planned library provides, a non-syscall reason (libc, port, rootfs, network, program), another planned
 * library that selects it / depends on it, or a Kconfig symbol whose own Config.uk entry selects or implies it.
 * Returns the libraries with no such reason (must be empty).
 */
export function droppableLibraries(plan: Plan, table: UnikraftTable, neededSyscalls: string[], ports: UnikraftPort[] = []): string[] {
  const planned = new Set(plan.libraries.map((l) => l.name));
  const kconfigOf = (n: string) => plan.libraries.find((l) => l.name === n)?.kconfig || table.libraries[n]?.kconfig;
  const out: string[] = [];
  for (const l of plan.libraries) {
    const rest = new Set([...planned].filter((n) => n !== l.name));
    const sym = kconfigOf(l.name) ?? '';
    // a library without a switch of its own (drivers/virtio) is required through one of its options (VIRTIO_DEVICE)
    const syms = sym ? [sym] : table.libraries[l.name]?.options ?? [];
    const uncovers = neededSyscalls.some((s) => {
      const c = table.syscalls[s];
      if (!c?.library) return false;
      const providers = [c.library, ...(c.alternatives ?? []).map((a) => a.library)];
      return providers.includes(l.name) && !providers.some((p) => rest.has(p));
    });
    const otherReason = l.because.some((b) => /^(libc|soname|rootfs|network|socket|program|function|application)/.test(b));
    // a Kconfig option the plan sets (a library's sub-option: LIBUKRANDOM_GETRANDOM, LIBPOSIX_VFS_SYSCALLS) depends on it or selects it
    const byOption = plan.kconfig.some((k) => {
      const e = table.kconfig?.[k.replace(/^CONFIG_/, '').replace(/=.*$/, '')];
      return e !== undefined && e.library !== l.name && (e.dependsOn.some((d) => d === sym) || e.select.some((x) => x.split(' ')[0] === sym));
    });
    const required = [...rest].some((m) => {
      const e = entryOf(table, ports, kconfigOf(m) ?? '');
      if (!e) return false;
      // selecting (or implying) the library's symbol, or one of its sub-options (LIBPOSIX_FDTAB_LEGACY_SHIM of posix-fdtab), needs it
      const sel = [...e.select, ...e.imply].some((s) => (syms.includes(s.split(' ')[0]!) || table.kconfig?.[s.split(' ')[0]!]?.library === l.name) && !/if !HAVE_LIBC/.test(s));
      const dep = e.dependsOn.some((d) => d.split(/\s*\|\|\s*/).some((x) => syms.includes(x)) && !d.includes('||'));
      return sel || dep;
    });
    // `kconfig:X` / `implied by kconfig:X`: X's own entry must name the library's switch
    const bySymbol = l.because.some((b) => {
      const m = /^(?:implied by )?kconfig:(\w+)$/.exec(b);
      const e = m ? entryOf(table, ports, m[1]!) : undefined;
      return !!e && [...names(e.select), ...names(e.imply), ...e.dependsOn.flatMap((d) => d.split(/\s*(?:&&|\|\|)\s*/)).map((x) => x.replace(/[()!\s]/g, ''))].includes(sym);
    });
    if (!uncovers && !otherReason && !required && !byOption && !bySymbol) out.push(l.name);
  }
  return out;
}
