import type { GateOutcome, GateProblem } from '../model/index.js';
import { evidenceAnchor, type Problem } from '../match/problems.js';
import type { GateResult } from '../match/gate.js';

function gateProblem(p: Problem, reason?: string): GateProblem {
  const where = evidenceAnchor(p.evidence[0]);
  return { id: p.id, ruleId: p.ruleId, severity: p.severity, subject: p.subject, message: p.message, ...(where ? { where } : {}), ...(reason ? { reason } : {}) };
}

/** The gate's result as reports carry it (JSON `gate`, SARIF invocation): CI reads it instead of scraping stderr. */
export function gateOutcome(result: GateResult, files: { policy?: string; baseline?: string }, summary: string): GateOutcome {
  return {
    result: result.ok ? 'passed' : 'failed',
    exitCode: result.ok ? 0 : 1,
    failOn: result.failOn,
    policy: files.policy ?? null,
    baseline: files.baseline ?? null,
    summary,
    failing: result.failing.map((p) => gateProblem(p)),
    below: result.below.map((p) => gateProblem(p)),
    baselined: result.baselined.map((p) => gateProblem(p)),
    allowed: result.allowed.map((a) => gateProblem(a.problem, a.reason)),
  };
}
