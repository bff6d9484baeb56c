import type { Evidence, Report, Severity } from '../model/index.js';
import { countByStatus, needItems, STATUS_ORDER, verdictOf, verdictResultOf, VERDICT_LABELS, type NeedList } from '../match/need-status.js';
import { collectProblems, ruleDocFor, type Problem } from '../match/problems.js';
import type { EmitContext } from './registry.js';
import { partialUseText } from '../data/table-lookup.js';
import { withEscapedStrings } from './terminal-safe.js';
import { plural } from './units.js';
import { interpretedMarkdown } from './interpreted-markdown.js';
import { verificationMarkdown } from './verification-markdown.js';

const HEADINGS: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', note: 'Notes' };
const LIST_LABELS: Record<Exclude<NeedList, 'unknowns'>, string> = { syscalls: 'Syscalls', symbols: 'Functions', headers: 'Headers', libraries: 'Shared libraries' };
/** How much of each severity and each problem's evidence is shown; the smaller one keeps a big report under GitHub's 65,536-character issue body. */
interface Budget { perSeverity: number; evidence: number }
const BUDGETS: Budget[] = [{ perSeverity: 100, evidence: 3 }, { perSeverity: 40, evidence: 1 }, { perSeverity: 15, evidence: 1 }];
const ISSUE_BODY_LIMIT = 65_536;

/** Escapes text for a table cell or list item (pipes, markup, line breaks). */
function md(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([|*`<>[\]])/g, '\\$1').replace(/[\r\n]+/g, ' ');
}
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function evidenceLink(e: Evidence, ctx: EmitContext): string {
  if (e.location) {
    const label = `${e.location.file}:${e.location.line}`;
    const fn = e.location.function ?? e.function;
    const link = ctx.linkBase && !e.location.file.startsWith('/') ? `[${md(label)}](${ctx.linkBase}${encodeURI(e.location.file)}#L${e.location.line})` : code(label);
    return `${link}${fn ? ` in ${code(fn)}` : ''}`;
  }
  const at = [e.function, e.address].filter(Boolean).join(' @ ');
  return `${code(e.artifact)}${at ? ` ${code(at)}` : ''}${e.detail ? ` (${md(e.detail)})` : ''}`;
}

function problemLines(p: Problem, ctx: EmitContext, budget: Budget): string[] {
  const lines = [`- **${md(p.ruleId)}** ${code(p.subject)}: ${md(p.message)}`];
  for (const e of p.evidence.slice(0, budget.evidence)) {
    lines.push(`  - ${evidenceLink(e, ctx)}${e.chain?.length ? ` via ${e.chain.map(code).join(' → ')}` : ''}${e.condition ? ` when ${code(e.condition)}` : ''}`);
  }
  if (p.evidence.length > budget.evidence) lines.push(`  - … ${p.evidence.length - budget.evidence} more places`);
  const r = p.remedy;
  const remedy = [r?.text ? md(r.text) : ruleDocFor(p.ruleId, ctx.rules).remedyText ? md(ruleDocFor(p.ruleId, ctx.rules).remedyText!) : '',
    r?.libraries?.length ? `libraries ${r.libraries.map(code).join(', ')}` : '', r?.kconfig?.length ? `Kconfig ${r.kconfig.map(code).join(', ')}` : '',
    r?.libc ? `libc ${code(r.libc)}` : '', r?.patch ? `patch ${code(r.patch)}` : '', r?.compatStub ? 'stub in the compat micro-library' : ''].filter(Boolean);
  if (remedy.length) lines.push(`  - remedy: ${remedy.join('; ')}`);
  return lines;
}

function summary(r: Report): string[] {
  const items = needItems(r);
  const out = ['| need | total | ' + STATUS_ORDER.join(' | ') + ' |', '|---|---:|' + STATUS_ORDER.map(() => '---:').join('|') + '|'];
  for (const list of Object.keys(LIST_LABELS) as (keyof typeof LIST_LABELS)[]) {
    const c = countByStatus(items[list]);
    out.push(`| ${LIST_LABELS[list]} | ${items[list].length} | ${STATUS_ORDER.map((s) => c[s]).join(' | ')} |`);
  }
  out.push(`| Unresolved | ${items.unknowns.length} | ${STATUS_ORDER.map((s) => (s === 'unknown' ? items.unknowns.length : 0)).join(' | ')} |`);
  return out;
}

function plan(r: Report): string[] {
  const p = r.plan;
  if (!p) return ['No plan: coverage tables were not available for this run, so nothing is known to be covered.'];
  const out = [`Unikraft **${md(p.release)}** on ${code(p.arch)}, libc **${md(p.libc)}**${p.libcReasons.length ? `: ${p.libcReasons.map(md).join('; ')}` : ''}.`];
  if (p.oldestCoveringRelease) out.push('', `Oldest release covering the app's syscalls: **${md(p.oldestCoveringRelease)}**.`);
  if (p.libraries.length) {
    out.push('', '| library | Kconfig | because |', '|---|---|---|');
    for (const l of p.libraries) out.push(`| ${code(l.name)}${l.version ? ` ${md(l.version)}` : ''} | ${l.kconfig ? code(l.kconfig.startsWith('CONFIG_') ? l.kconfig : `CONFIG_${l.kconfig}`) : '—'} | ${l.because.slice(0, 6).map(code).join(', ')}${l.because.length > 6 ? ` … +${l.because.length - 6}` : ''} |`);
  }
  if (p.kconfig.length) out.push('', '<details><summary>Kconfig (' + p.kconfig.length + ')</summary>', '', '```', ...p.kconfig, '```', '', '</details>');
  return out;
}

/** A porting report to paste into an issue: verdict, summary table, plan, problems by severity with evidence. */
export function emitMarkdown(report: Report, ctx: EmitContext): string {
  const r = withEscapedStrings(report);
  if (ctx.verbose) return renderMarkdown(r, ctx, { perSeverity: Infinity, evidence: Infinity });
  let out = '';
  for (const budget of BUDGETS) {
    out = renderMarkdown(r, ctx, budget);
    if (out.length <= ISSUE_BODY_LIMIT) break;
  }
  return out;
}

function renderMarkdown(r: Report, ctx: EmitContext, budget: Budget): string {
  const problems = collectProblems(r);
  const count = (s: Severity) => problems.filter((p) => p.severity === s).length;
  const target = r.plan ? ` · Unikraft ${md(r.plan.release)} ${md(r.plan.arch)} · libc ${md(r.plan.libc)}` : '';
  const verified = verdictResultOf(r).verified;
  const names = r.binaries.length ? r.binaries.map((b) => code(b.path)).join(', ') : `${r.inputs.length} input files`;
  const out = [
    '# ukport porting report', '',
    `**Verdict: ${VERDICT_LABELS[verdictOf(r)]}** — ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')} · mode ${code(r.mode)}${target}`, '',
    ...(verified ? [`**${md(verified)}**`, ''] : []),
    ...(r.verdict?.measuredRun ? [`Measured: ${md(r.verdict.measuredRun)}`, ''] : []),
    `Application: ${names}`, '',
    '## Summary', '', ...summary(r), '',
    '## Plan', '', ...plan(r), '',
    ...(r.interpreted ? interpretedMarkdown(r.interpreted, md) : []),
    ...(r.verification ? verificationMarkdown(r.verification, md) : []),
    '## Findings', '',
  ];
  if (!problems.length) out.push('Nothing to report.', '');
  for (const s of ['error', 'warning', 'note'] as const) {
    const ps = problems.filter((p) => p.severity === s);
    if (!ps.length) continue;
    out.push(`### ${HEADINGS[s]} (${ps.length})`, '');
    const shown = ps.slice(0, budget.perSeverity);
    for (const p of shown) out.push(...problemLines(p, ctx, budget));
    if (shown.length < ps.length) out.push(`- … ${ps.length - shown.length} more (use --verbose)`);
    out.push('');
  }
  if (r.partialTable) out.push(`> **Partial table:** ${md(partialUseText(r.partialTable))}`, '');
  const tables = r.tables.map((t) => `${md(t.repo)} ${md(t.tag)} (${t.commit.slice(0, 12)})`).join(', ');
  out.push('---', `<sub>ukport ${md(r.tool.version)} · ${plural(r.inputs.length, 'file')} analysed, ${r.stats.filesSkipped} skipped${tables ? ` · tables: ${tables}` : ''}</sub>`, '');
  return out.join('\n');
}
