import type { Arch, Evidence, Fact, Libc, LibcSummaryTable, SyscallFact } from '../../model/index.js';
import type { LinuxSyscalls } from '../../data/linux-syscalls.js';

/** Sites kept per syscall (a printf called at 300 places is shown at the first few). */
const MAX_SITES = 16;

/**
 * Native mode: the syscalls the app's libc calls make once it is linked with LIBC, from that libc's function → syscall
 * summary (the same the planner uses), each with the chain `file:line → function → syscall`. Without a summary, a call
 * of a function named like a syscall (socket, epoll_create1) counts as that syscall, as musl wraps it 1:1.
 */
export function libcCallSyscalls(facts: readonly Fact[], libc: Libc, arch: Arch, summary: LibcSummaryTable | undefined, linux: LinuxSyscalls): SyscallFact[] {
  const out = new Map<string, SyscallFact>();
  for (const f of facts) {
    if (f.kind !== 'symbol' || (f.role !== 'call' && f.role !== 'address-taken')) continue;
    const made = summary ? summary.functions[f.name] ?? [] : linux.byName.has(f.name) ? [f.name] : [];
    for (const sc of made) {
      let fact = out.get(sc);
      if (!fact) {
        fact = { kind: 'syscall', name: sc, nr: linux.byName.get(sc) ?? null, arch, class: 'program', evidence: [] };
        out.set(sc, fact);
      }
      for (const site of f.evidence) {
        if (fact.evidence.length >= MAX_SITES || !site.location) break;
        const at = `${site.location.file}:${site.location.line}`;
        const ev: Evidence = { artifact: site.artifact, extractor: `libc-summary.${libc}`, location: site.location, function: f.name,
          chain: [site.location.function ? `${at} ${site.location.function}` : at, f.name, sc] };
        if (site.condition) ev.condition = site.condition;
        if (site.offLinux !== undefined) ev.offLinux = site.offLinux;
        fact.evidence.push(ev);
      }
    }
  }
  return [...out.values()].filter((f) => f.evidence.length > 0).sort((a, b) => (a.name < b.name ? -1 : 1));
}
