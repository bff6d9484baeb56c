import { createHash } from 'node:crypto';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import type { Evidence, Report, Severity } from '../model/index.js';
import { collectProblems, ruleDocFor, type Problem, type RuleDoc } from '../match/problems.js';
import { verdictResultOf } from '../match/need-status.js';
import type { EmitContext } from './registry.js';
import { partialUseText } from '../data/table-lookup.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/unikraft/ukport';
const RELATED_LIMIT = 10;
const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', note: 'note' };

/** Repository-relative paths stay relative (code scanning maps them to files); absolute ones become file:// URIs. */
export function artifactUri(path: string, root?: string): string {
  let p = path.replace(/\\/g, '/').replace(/^\.\//, '');
  const base = root?.replace(/\\/g, '/').replace(/\/+$/, '');
  if (base && p.startsWith(base + '/')) p = p.slice(base.length + 1);
  return p.startsWith('/') ? `file://${encodeURI(p)}` : encodeURI(p);
}

function location(e: Evidence, root: string | undefined, id?: number): Location {
  const fn = e.location?.function ?? e.function;
  const loc: Location = {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: e.location
      ? { artifactLocation: { uri: artifactUri(e.location.file, root) }, region: { startLine: e.location.line, startColumn: e.location.column } }
      // binary evidence: the artifact is the ELF file; the code address is an address, not a text region
      : { artifactLocation: { uri: artifactUri(e.artifact, root) }, ...(e.address ? { address: { absoluteAddress: Number.parseInt(e.address, 16), ...(fn ? { fullyQualifiedName: fn } : {}) } } : {}) },
  };
  if (fn) loc.logicalLocations = [{ name: fn, fullyQualifiedName: `${e.location ? e.location.file : e.artifact}!${fn}`, kind: 'function' }];
  const notes = [e.chain?.length ? `call chain: ${e.chain.join(' → ')}` : '', e.condition ? `when ${e.condition}` : '', e.detail ?? ''].filter(Boolean);
  if (notes.length) loc.message = { text: notes.join('; ') };
  return loc;
}

/** Relative paths and paths under the root are in the repository being scanned. */
function inRepo(path: string, root: string | undefined): boolean {
  return !/^(file:|\/)/.test(artifactUri(path, root));
}

function fallbackLocation(r: Report, root: string | undefined): Location | undefined {
  const artifact = [...r.binaries.map((b) => b.path), ...r.inputs.map((i) => i.path)].find((p) => inRepo(p, root)) ?? r.binaries[0]?.path ?? r.inputs[0]?.path;
  return artifact ? { physicalLocation: { artifactLocation: { uri: artifactUri(artifact, root) } } } : undefined;
}

/** Stable across runs: a hash of the problem id (rule + subject), never of line numbers or addresses. */
export function fingerprint(p: Problem): string {
  return createHash('sha256').update(p.id).digest('hex').slice(0, 32);
}

const ruleName = (id: string) => id.replace(/(^|[-_.])([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());

function descriptor(doc: RuleDoc, severity: Severity | undefined, explained: boolean): ReportingDescriptor {
  const help = [doc.why, doc.remedyText ? `Remedy: ${doc.remedyText}` : ''].filter(Boolean);
  return {
    id: doc.id,
    name: ruleName(doc.id),
    shortDescription: { text: doc.summary },
    fullDescription: { text: doc.why },
    help: { text: help.join('\n\n'), markdown: help.join('\n\n') + (explained ? `\n\nRun \`ukport explain ${doc.id}\` for details.` : '') },
    defaultConfiguration: { level: LEVEL[doc.severity ?? severity ?? 'warning'] },
    properties: { tags: ['unikraft', 'porting'] },
  };
}

function result(p: Problem, ruleIndex: number, r: Report, ctx: EmitContext): Result {
  const root = ctx.root;
  // code scanning shows only locations inside the repository: prefer source positions there, then files there;
  // evidence in system libraries (binary-compat: glibc's syscall sites) becomes related, the app binary primary
  const rank = (e: Evidence) => (inRepo(e.location?.file ?? e.artifact, root) ? 0 : 2) + (e.location ? 0 : 1);
  const sorted = [...p.evidence].sort((a, b) => rank(a) - rank(b));
  const first = sorted[0];
  const fallback = first && inRepo(first.location?.file ?? first.artifact, root) ? undefined : fallbackLocation(r, root);
  const primary = fallback ?? (first ? location(first, root) : undefined);
  const rest = fallback ? sorted : sorted.slice(1);
  const res: Result = {
    ruleId: p.ruleId,
    ruleIndex,
    level: LEVEL[p.severity],
    message: { text: p.message },
    locations: primary ? [primary] : [],
    partialFingerprints: { 'ukportProblem/v1': fingerprint(p) },
    properties: { subject: p.subject, ...(p.status ? { status: p.status } : {}), ...(p.remedy && Object.keys(p.remedy).length ? { remedy: p.remedy } : {}) },
  };
  const justification = ctx.suppressions?.get(p.id);
  if (justification) res.suppressions = [{ kind: 'external', status: 'accepted', justification }];
  if (rest.length) res.relatedLocations = rest.slice(0, RELATED_LIMIT).map((e, i) => location(e, root, i + 1));
  return res;
}

/** SARIF 2.1.0 for code scanning: one rule per ukport rule (with help), one result per problem, stable fingerprints. */
export function emitSarif(r: Report, ctx: EmitContext): string {
  const problems = collectProblems(r);
  const severityOf = new Map<string, Severity>();
  for (const p of problems) if (!severityOf.has(p.ruleId)) severityOf.set(p.ruleId, p.severity); // most severe first
  const ids = [...new Set([...(ctx.rules?.keys() ?? []), ...problems.map((p) => p.ruleId)])].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const verdict = verdictResultOf(r);
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'ukport', version: r.tool.version, semanticVersion: r.tool.version, informationUri: INFORMATION_URI, rules: ids.map((id) => descriptor(ruleDocFor(id, ctx.rules), severityOf.get(id), ctx.rules?.has(id) ?? false)) } },
      results: problems.map((p) => result(p, index.get(p.ruleId)!, r, ctx)),
      columnKind: 'utf16CodeUnits',
      // `ukport check`: the gate's outcome where SARIF keeps how the tool ran (the log is written either way)
      ...(r.gate ? { invocations: [{
        executionSuccessful: true, exitCode: r.gate.exitCode, exitCodeDescription: r.gate.summary,
        properties: { gate: { result: r.gate.result, failOn: r.gate.failOn, policy: r.gate.policy, baseline: r.gate.baseline,
          failing: r.gate.failing.length, below: r.gate.below.length, baselined: r.gate.baselined.length, allowed: r.gate.allowed.length } },
      }] } : {}),
      properties: {
        verdict: verdict.verdict, ...(verdict.verified ? { verified: verdict.verified } : {}), mode: r.mode,
        // `ukport verify`: how the run ended and what it saw that the analysis did not predict (a soundness bug)
        ...(r.verification ? { verification: { outcome: r.verification.outcome, summary: r.verification.summary, release: r.verification.release,
          notAvailable: r.verification.syscalls?.observed.filter((o) => o.notAvailable).map((o) => o.name) ?? [], unpredicted: r.verification.syscalls?.unpredicted ?? [] } } : {}),
        ...(r.plan ? { target: { release: r.plan.release, arch: r.plan.arch, libc: r.plan.libc } } : {}),
        tables: r.tables.map((t) => ({ repo: t.repo, tag: t.tag, commit: t.commit })),
        ...(r.partialTable ? { partialTable: { ...r.partialTable, note: partialUseText(r.partialTable) } } : {}),
      },
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
