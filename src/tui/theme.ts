import type { NeedStatus, Severity, Verdict } from '../model/index.js';

/** Colour of each need status in the lists. */
export const STATUS_COLOR: Record<NeedStatus, string> = {
  'missing-required': 'red', 'unknown': 'magenta', 'stubbable': 'yellow', 'fakeable': 'cyan', 'covered': 'green', 'startup': 'gray',
};

/** Colour of each severity. */
export const SEVERITY_COLOR: Record<Severity, string> = { error: 'red', warning: 'yellow', note: 'cyan' };

/** Colour of each verdict in the header. */
export const VERDICT_COLOR: Record<Verdict, string> = { 'ready': 'green', 'runs-with-gaps': 'green', 'needs-work': 'yellow', 'blocked': 'red' };
