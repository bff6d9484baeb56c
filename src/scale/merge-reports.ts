import type { LibraryEdge, Report } from '../model/index.js';
import type { ReportDto } from '../emit/json.js';
import { UkportError } from '../errors.js';
import { canonicalizeReport } from './canonical.js';
import { reportFromDto } from './report-dto.js';
import { scanVerdictContext } from './system-scan.js';
import { rankBlockers } from './verdicts.js';

/** One shard's JSON report and the file it came from (for messages). */
export interface ShardReport {
  file: string;
  dto: ReportDto;
}

/** Fields every shard of one scan must agree on: the same tool, settings and tables. */
const SAME: [string, (d: ReportDto) => unknown][] = [
  ['tool version', (d) => d.tool.version], ['mode', (d) => d.mode], ['libc', (d) => d.libc], ['release', (d) => d.scan?.release],
  ['shard count', (d) => d.shard?.count], ['inputs of the whole scan', (d) => d.shard?.inputs], ['coverage tables', (d) => d.tables],
];

function checkParts(parts: ShardReport[]): void {
  if (parts.length === 0) throw new UkportError('usage', 'merge: give the JSON reports of every shard');
  for (const p of parts) {
    if (!p.dto.shard) throw new UkportError('unsupported-input', 'not the report of a shard (write one with `ukport scan --shard I/N --format json`)', p.file);
    if (p.dto.plan) throw new UkportError('unsupported-input', 'a shard report has no plan: merge joins `ukport scan --shard` reports', p.file);
  }
  const first = parts[0]!;
  for (const [what, get] of SAME) {
    const want = JSON.stringify(get(first.dto));
    const other = parts.find((p) => JSON.stringify(get(p.dto)) !== want);
    if (other) throw new UkportError('unsupported-input', `its ${what} differs from ${first.file}'s: the shards are not parts of one scan`, other.file);
  }
  const count = first.dto.shard!.count;
  const seen = new Map<number, string>();
  for (const p of parts) {
    const i = p.dto.shard!.index;
    if (seen.has(i)) throw new UkportError('usage', `merge: shard ${i}/${count} given twice (${seen.get(i)} and ${p.file})`);
    seen.set(i, p.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new UkportError('usage', `merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; the report would not cover every input`);
}

/**
 * Joins the reports of all N shards of one split scan into the report one `--jobs` run over the same inputs
 * gives, up to its conclusions (findings, verdict, tables: src/pipeline.ts concludeReport works them out again).
 * Rows, inputs and facts are put in the canonical order (src/scale/canonical.ts) and the blockers ranked again
 * over every binary, so "what to implement next" is the ranking of the whole scan.
 */
export function joinShards(parts: ShardReport[]): Report {
  checkParts(parts);
  const sorted = [...parts].sort((a, b) => a.dto.shard!.index - b.dto.shard!.index);
  const reports = sorted.map((p) => reportFromDto(p.dto));
  const first = reports[0]!;
  const edges = new Map<string, LibraryEdge>();
  for (const e of reports.flatMap((r) => r.libraryGraph)) if (!edges.has(`${e.from}\0${e.soname}`)) edges.set(`${e.from}\0${e.soname}`, e);
  const sum = (f: (r: Report) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const scans = reports.flatMap((r) => (r.scan ? [r.scan] : []));
  const merged: Report = {
    tool: first.tool, mode: first.mode, ...(first.libc ? { libc: first.libc } : {}),
    inputs: reports.flatMap((r) => r.inputs),
    binaries: reports.flatMap((r) => r.binaries),
    libraryGraph: [...edges.values()],
    facts: reports.flatMap((r) => r.facts),
    findings: [], tables: [],
    // every shard walked every path: the walk's counts are each shard's; what was read and found adds up
    stats: { filesSeen: first.stats.filesSeen, filesSkipped: first.stats.filesSkipped, bytesRead: sum((r) => r.stats.bytesRead), indirectCalls: sum((r) => r.stats.indirectCalls), addressTakenFunctions: sum((r) => r.stats.addressTakenFunctions) },
    ...(scans.length ? { scan: {
      release: scans[0]!.release, jobs: scans.reduce((n, s) => n + s.jobs, 0), seconds: Math.max(...scans.map((s) => s.seconds)),
      binaries: scans.flatMap((s) => s.binaries), blockers: [],
    } } : {}),
  };
  const whole = sorted[0]!.dto.shard!.inputs;
  if (merged.inputs.length !== whole) {
    throw new UkportError('unsupported-input', `the shards hold ${merged.inputs.length} inputs, the scan had ${whole}: they did not scan the same paths`, sorted[0]!.file);
  }
  canonicalizeReport(merged);
  if (merged.scan) merged.scan.blockers = rankBlockers(merged.scan.binaries, scanVerdictContext({ release: merged.scan.release || undefined, mode: merged.mode }));
  return merged;
}
