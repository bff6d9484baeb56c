import type { Libc, Severity } from './vocab.js';
import type { Fact } from './fact.js';

/** What to do about a finding. */
export interface Remedy {
  libraries?: string[];
  kconfig?: string[];
  libc?: Libc;
  patch?: string;
  compatStub?: boolean;
  text?: string;
}

/** A rule fired on facts. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  facts: Fact[];
  remedy: Remedy;
}
