import type { Arch, Mode, NeedStatus, Severity, SyscallCoverage, SyscallPrior, Tables, UnikraftTable, Verdict } from '../model/index.js';
import { providersOf } from './providers.js';
import { enosysTolerance } from './enosys-tolerance.js';

/**
 * The one judge (DESIGN.md "One judge"): how a need is served, how severe its absence is and what it does to the
 * app's verdict. The plan's uncovered list, findings, `check`, every report format and whole-system scans read
 * these answers; none classifies again.
 */

/** What a need's class does to the verdict. Severity follows the effect (VERDICT_SEVERITY). */
export const STATUS_EFFECT: Readonly<Record<NeedStatus, Verdict>> = {
  'covered': 'ready', 'startup': 'ready', 'stubbable': 'runs-with-gaps', 'fakeable': 'needs-work', 'missing-required': 'needs-work', 'unknown': 'needs-work',
};
const STATUS_SEVERITY: Readonly<Record<NeedStatus, Severity>> = {
  'covered': 'note', 'startup': 'note', 'stubbable': 'note', 'fakeable': 'warning', 'missing-required': 'warning', 'unknown': 'warning',
};

/** The judge's answer for one syscall on one release. */
export interface SyscallJudgement {
  /** A library of the release serves it (perhaps only as a stub). */
  provided: boolean;
  status: NeedStatus;
  severity: Severity;
  effect: Verdict;
  /** Why it is not simply covered (empty when covered). */
  reason: string;
  /** Libraries that provide it (primary first) and the Kconfig symbol each declares it under. */
  providers: string[];
  kconfigOf: Map<string, string>;
  coverage?: SyscallCoverage;
}

/** What syscalls are judged against. */
export interface JudgeTarget {
  tables: Tables;
  table: UnikraftTable;
  mode: Mode;
  arch: Arch;
}

// Loupe measures, per syscall, in how many apps returning -ENOSYS (stub) or a fake success (fake) still passed the app's tests.
const MAJORITY = 0.5;

function judged(status: NeedStatus, reason: string, rest: Pick<SyscallJudgement, 'provided' | 'providers' | 'kconfigOf' | 'coverage'>): SyscallJudgement {
  return { status, severity: STATUS_SEVERITY[status], effect: STATUS_EFFECT[status], reason, ...rest };
}

/** The Loupe prior's answer: stubbable (most apps tolerate -ENOSYS), else fakeable (a fake success), else required; unknown without data. */
export function classifyByPrior(name: string, prior: SyscallPrior | undefined, why: string): { status: NeedStatus; reason: string } {
  if (!prior || prior.apps === 0) return { status: 'unknown', reason: `${why}; no Loupe data on whether ${name} can fail with ENOSYS: implement it, or check that the app survives ENOSYS (the shim's answer)` };
  const stub = prior.stubOk / prior.apps;
  const fake = prior.fakeOk / prior.apps;
  const data = `Loupe: ENOSYS worked for ${prior.stubOk}/${prior.apps} apps, a fake success for ${prior.fakeOk}/${prior.apps}`;
  // when both work, -ENOSYS wins: it tells the app the truth, and it is what the shim already answers
  if (stub >= MAJORITY) return { status: 'stubbable', reason: `${why}; ${data}: the shim's ENOSYS is likely tolerated` };
  if (fake >= MAJORITY) return { status: 'fakeable', reason: `${why}; ${data}: fake a benign success in a compat library` };
  return { status: 'missing-required', reason: `${why}; ${data}: apps need a real implementation` };
}

function missingWhy(target: JudgeTarget, name: string, coverage: SyscallCoverage | undefined): string {
  const { table, mode, arch } = target;
  if (!coverage) return `${table.release} does not know ${name}`;
  if (coverage.status === 'missing' || !coverage.library) return `no library of ${table.release} provides ${name}`;
  const onlyApps = [coverage.library, ...(coverage.alternatives ?? []).map((a) => a.library)].every((l) => l.startsWith('app-'));
  if (onlyApps && mode === 'native') return `only ${coverage.library} provides ${name} in ${table.release} (for binary compatibility, not native builds)`;
  return `${name} does not exist on ${arch} in ${table.release}`;
}

function judgeUncached(target: JudgeTarget, name: string): SyscallJudgement {
  const { coverage, providers, kconfigOf } = providersOf(target.table, name, target.arch, { apps: target.mode === 'binary-compat' });
  const rest = { provided: providers.length > 0, providers, kconfigOf, ...(coverage ? { coverage } : {}) };
  const provided = (n: string) => providersOf(target.table, n, target.arch, { apps: target.mode === 'binary-compat' }).providers.length > 0;
  let why: string;
  if (providers.length) {
    if (coverage?.status !== 'stub') return judged('covered', '', rest);
    // a release stub that answers other than ENOSYS (0, -ECHILD) is the release's own choice of a tolerable answer
    if (coverage.stub !== 'enosys') return judged('stubbable', `${providers[0]} provides ${name} only as a stub${coverage.stub ? ` (${coverage.stub})` : ''}`, rest);
    why = `${providers[0]} provides ${name} only as a stub returning ENOSYS`;
  } else {
    why = missingWhy(target, name, coverage);
  }
  const tolerated = enosysTolerance(name, target.mode, provided);
  if (tolerated) return judged('stubbable', `${why}; ENOSYS is harmless: ${tolerated.reason}`, rest);
  const byPrior = classifyByPrior(name, target.tables.priors[name], why);
  return judged(byPrior.status, byPrior.reason, rest);
}

const memo = new WeakMap<UnikraftTable, Map<string, SyscallJudgement>>();

/** How the release serves syscall NAME in the target's mode and architecture (computed once per table and key). */
export function judgeSyscall(target: JudgeTarget, name: string): SyscallJudgement {
  let m = memo.get(target.table);
  if (!m) { m = new Map(); memo.set(target.table, m); }
  const key = `${target.mode}\0${target.arch}\0${name}`;
  let v = m.get(key);
  if (!v) { v = judgeUncached(target, name); m.set(key, v); }
  return v;
}

/** The class of a need the planner found uncovered (functions, headers, libraries), with its severity and effect. */
export function judgeStatus(status: NeedStatus): { severity: Severity; effect: Verdict } {
  return { severity: STATUS_SEVERITY[status], effect: STATUS_EFFECT[status] };
}
