import type { Evidence, Fact, Finding, Remedy } from '../model/index.js';
import { SEVERITIES } from '../model/index.js';
import type { RuleRemedy } from '../data/rules.js';
import { indexFacts, type CompiledRule, type Match } from './compile.js';
import { releaseTable, type MatchContext } from './match-context.js';
import { isOffLinux, subjectOf, syscallNames } from './subjects.js';
import { describeNss, nssVia } from './nss.js';

/** The context plus the compiled rules to run. */
export interface RuleMatchContext extends MatchContext {
  rules: readonly CompiledRule[];
}

/** Evidence with a source position first, else the first one. */
function firstEvidence(facts: readonly Fact[]): Evidence | undefined {
  for (const f of facts) {
    const e = f.evidence.find((x) => x.location) ?? f.evidence[0];
    if (e) return e;
  }
  return undefined;
}

/** `file:line`, or the binary; a site reached through an NSS module names the module and the nsswitch.conf line that loads it. */
function whereOf(e: Evidence | undefined, file: string, line: string): string {
  if (e?.location) return `${file}:${line}`;
  const nss = nssVia(e);
  return nss ? `${file} through ${describeNss(nss)}` : file;
}

/** Values of the context placeholders for one match. */
function contextBindings(m: Match, ctx: MatchContext): Record<string, string> {
  const e = firstEvidence(m.facts);
  const file = e?.location?.file ?? e?.artifact ?? 'unknown location';
  const line = e?.location ? String(e.location.line) : '?';
  return {
    libc: ctx.libc ?? 'the chosen libc',
    release: ctx.release ?? releaseTable(ctx)?.release ?? 'the chosen release',
    arch: ctx.arch ?? 'x86_64',
    mode: ctx.mode ?? 'binary-compat',
    file,
    line,
    where: whereOf(e, file, line),
  };
}

/** Replaces `{name}` placeholders (all checked at load time). */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z]+)\}/g, (all, k: string) => values[k] ?? all);
}

function renderRemedy(r: RuleRemedy, values: Record<string, string>): Remedy {
  const out: Remedy = {};
  if (r.libraries) out.libraries = [...r.libraries];
  if (r.kconfig) out.kconfig = [...r.kconfig];
  if (r.libc) out.libc = r.libc;
  if (r.patch) out.patch = r.patch;
  if (r.compatStub !== undefined) out.compatStub = r.compatStub;
  if (r.text) out.text = fillPlaceholders(r.text, values);
  return out;
}

function sortKey(f: Finding): string {
  const e = firstEvidence(f.facts);
  const loc = e?.location ? `${e.location.file}\0${String(e.location.line).padStart(8, '0')}\0${String(e.location.column).padStart(6, '0')}` : (e?.artifact ?? '');
  return `${SEVERITIES.indexOf(f.severity)}\0${f.ruleId}\0${loc}\0${f.message}`;
}

/**
 * Runs every compiled rule that applies in the context's mode over the facts: one finding per rule and subject
 * (a syscall and the import of its wrapper are one subject), with the evidence of every match, in a stable order.
 */
export function matchFindings(all: Fact[], ctx: RuleMatchContext): Finding[] {
  // what no Linux build compiles is reported under its condition, not matched as a need
  const facts = all.some(isOffLinux) ? all.filter((f) => !isOffLinux(f)) : all;
  const ix = indexFacts(facts);
  const syscalls = syscallNames(facts);
  const mode = ctx.mode ?? 'binary-compat';
  const out: Finding[] = [];
  for (const { rule, match } of ctx.rules) {
    if (!rule.modes.includes(mode)) continue;
    // matches with the same message or the same subject are one finding with all their facts
    const byKey = new Map<string, Finding>();
    for (const m of match(ix, ctx)) {
      if (m.facts.length === 0) continue;
      const subject = `subject:${m.facts.length === 1 ? subjectOf(m.facts[0]!, syscalls) : [...new Set(m.facts.map((f) => subjectOf(f, syscalls)))].sort().join(',')}`;
      let have = byKey.get(subject);
      if (!have) {
        // the message is rendered only for a subject not seen yet (the costly part of matching)
        const values = { ...contextBindings(m, ctx), ...m.bindings };
        const message = fillPlaceholders(rule.message, values);
        have = byKey.get(message);
        if (!have) {
          have = { ruleId: rule.id, severity: rule.severity, message, facts: [], remedy: renderRemedy(rule.remedy, values) };
          byKey.set(message, have);
        }
        byKey.set(subject, have);
      }
      for (const f of m.facts) if (!have.facts.includes(f)) have.facts.push(f);
    }
    out.push(...new Set(byKey.values()));
  }
  return sortFindings(out);
}

/** Most severe first, then by rule and place: the stable order of findings in every format. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.map((f) => ({ f, k: sortKey(f) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.f);
}
