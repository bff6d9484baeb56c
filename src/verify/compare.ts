import type { Plan, PredictedGap, Report, Verification } from '../model/index.js';
import type { BootLog } from './boot-log.js';

// Syscalls Unikraft's own boot path makes through the shim before the app's entry (app-elfloader's
// loader and its own start-up, not the Linux program): not evidence about the app's code.
const LOADER_SYSCALLS = new Set<string>();

/**
 * Observed next to predicted. A syscall seen at run time that the analysis did not predict is a
 * soundness bug (every one is listed); each syscall gap of the plan is hit when the log shows the
 * syscall (traced, or reported not available).
 */
export function compareSyscalls(log: BootLog, predicted: Set<string>, plan: Plan | undefined, tracing: 'strace' | 'shim-debug'): NonNullable<Verification['syscalls']> {
  const names = new Set([...log.traced.keys(), ...log.notAvailable.keys()]);
  const observed = [...names].sort().map((name) => ({
    name,
    count: (log.traced.get(name) ?? 0) + (log.traced.has(name) ? 0 : log.notAvailable.get(name) ?? 0),
    notAvailable: log.notAvailable.has(name),
  }));
  const unpredicted = observed.map((o) => o.name).filter((n) => !predicted.has(n) && !LOADER_SYSCALLS.has(n));
  const gaps: PredictedGap[] = (plan?.uncovered ?? [])
    .filter((u) => u.kind === 'syscall')
    .map((u) => ({ name: u.name, status: u.status, hit: names.has(u.name) }));
  return { observed, tracing, unpredicted, gaps };
}

/**
 * The syscalls the analysis predicts: those extracted from binaries, plus (native ports from sources,
 * whose libc calls the plan maps through the libc's function summaries) every syscall the plan names as a
 * reason for a library (`because: syscall:writev`) or leaves uncovered.
 */
export function predictedSyscalls(report: Report): Set<string> {
  const names = new Set<string>();
  for (const f of report.facts) if (f.kind === 'syscall') names.add(f.name);
  for (const l of report.plan?.libraries ?? []) for (const b of l.because) if (b.startsWith('syscall:')) names.add(b.slice('syscall:'.length));
  for (const u of report.plan?.uncovered ?? []) if (u.kind === 'syscall') names.add(u.name);
  return names;
}
