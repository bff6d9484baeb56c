import type { Report, Severity } from '../model/index.js';
import { verdictResultOf } from '../match/need-status.js';
import { verdictLines } from './verdict-text.js';
import { collectProblems, evidenceAnchor } from '../match/problems.js';
import { emitPlanText } from './plan-text.js';
import type { EmitContext } from './registry.js';
import { makeStyle } from './style.js';
import { plural } from './units.js';

const PER_SEVERITY = 25;

/**
 * `ukport report` without a terminal: what the full-screen view shows, as text. The verdict line, the plan (with
 * its uncovered needs), then the findings and unresolved facts by severity with where each was seen.
 */
export function emitReportText(r: Report, ctx: EmitContext): string {
  const s = makeStyle(ctx.color);
  const problems = collectProblems(r);
  const count = (sev: Severity) => problems.filter((p) => p.severity === sev).length;
  const target = r.plan ? ` · Unikraft ${r.plan.release} ${r.plan.arch} · libc ${r.plan.libc}` : '';
  // the judge's verdict (src/match/judge.ts), as every format shows it; then the counts and the target
  const out = [
    ...verdictLines(verdictResultOf(r), s, Boolean(ctx.verbose)),
    `  ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')} · mode ${r.mode}${target}`,
    '',
  ];
  if (r.plan) out.push(emitPlanText(r.plan, { color: ctx.color, verbose: ctx.verbose }).trimEnd(), '');
  const sevColor = { error: s.red, warning: s.yellow, note: s.cyan };
  // the plan lists the uncovered needs; without a plan they are problems like the others
  const rest = r.plan ? problems.filter((p) => p.source !== 'uncovered') : problems;
  out.push(s.bold(`Findings and unresolved facts: ${rest.length}`));
  for (const sev of ['error', 'warning', 'note'] as const) {
    const ps = rest.filter((p) => p.severity === sev);
    const shown = ctx.verbose ? ps : ps.slice(0, PER_SEVERITY);
    for (const p of shown) {
      const where = evidenceAnchor(p.evidence[0]);
      out.push(`  ${sevColor[sev](sev.padEnd(7))} ${p.ruleId} ${s.bold(p.subject)}: ${p.message}${where ? s.dim(` (${where})`) : ''}`);
    }
    if (shown.length < ps.length) out.push(s.dim(`  … ${ps.length - shown.length} more ${sev}s (use --verbose, or --format json)`));
  }
  return out.join('\n') + '\n';
}
