import type { Severity } from './vocab.js';

/** One problem as the gate reports it: its stable id, rule, subject, and where it was seen. */
export interface GateProblem {
  id: string;
  ruleId: string;
  severity: Severity;
  subject: string;
  message: string;
  /** First evidence, without code addresses (`src/queue.c:88`, `build/app@main`). */
  where?: string;
  /** Why the policy accepts it (allowed problems only). */
  reason?: string;
}

/** The outcome of `ukport check`: passed or failed, what failed, and what the threshold, baseline and policy let pass. */
export interface GateOutcome {
  result: 'passed' | 'failed';
  /** The process exit code this outcome gives: 0 passed, 1 failed. */
  exitCode: 0 | 1;
  failOn: Severity;
  /** Policy and baseline files as given on the command line (null when none). */
  policy: string | null;
  baseline: string | null;
  /** The summary line printed on the terminal. */
  summary: string;
  /** New problems at or above failOn: each fails the gate. */
  failing: GateProblem[];
  /** New problems below failOn. */
  below: GateProblem[];
  /** Problems the baseline already lists. */
  baselined: GateProblem[];
  /** Problems the policy accepts (stub/fake allow lists, ignored rules), with the reason. */
  allowed: GateProblem[];
}
