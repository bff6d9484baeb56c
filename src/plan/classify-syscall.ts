import type { NeedStatus, Severity, SyscallCoverage, SyscallPrior } from '../model/index.js';

/** How a syscall the release does not provide should be handled, and why. */
export interface SyscallVerdict {
  status: NeedStatus;
  severity: Severity;
  reason: string;
}

// Loupe measures, per syscall, in how many apps returning -ENOSYS (stub) or a fake success (fake) still passed the app's tests.
const MAJORITY = 0.5;

/** Classifies a missing syscall with the Loupe prior: stubbable (most apps tolerate -ENOSYS), else fakeable (most tolerate a fake success), else required. */
export function classifyMissingSyscall(name: string, prior: SyscallPrior | undefined, startup: boolean, why: string): SyscallVerdict {
  const where = startup ? ' (made by glibc start-up / ld.so)' : '';
  if (!prior || prior.apps === 0) {
    return { status: 'unknown', severity: 'warning', reason: `${why}${where}; no Loupe data on whether ${name} can be stubbed: implement or stub it in the compat library and test` };
  }
  const stub = prior.stubOk / prior.apps;
  const fake = prior.fakeOk / prior.apps;
  const data = `Loupe: stub worked for ${prior.stubOk}/${prior.apps} apps, fake for ${prior.fakeOk}/${prior.apps}`;
  // when both work, -ENOSYS wins: it tells the app the truth, and glibc/musl fall back on it (rseq, clone3)
  if (stub >= MAJORITY) return { status: 'stubbable', severity: 'note', reason: `${why}${where}; ${data}: a stub returning -ENOSYS is likely enough` };
  if (fake >= MAJORITY) return { status: 'fakeable', severity: 'warning', reason: `${why}${where}; ${data}: return a benign success` };
  return { status: 'missing-required', severity: 'error', reason: `${why}${where}; ${data}: apps need a real implementation` };
}

/** A syscall the release declares but implements as a stub. */
export function describeReleaseStub(name: string, cov: SyscallCoverage, library: string): SyscallVerdict {
  return { status: 'stubbable', severity: 'note', reason: `${library} provides ${name} only as a stub${cov.stub ? ` (${cov.stub})` : ''}` };
}
