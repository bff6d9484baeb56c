import type { Evidence, Fact, Report } from '../model/index.js';
import type { EvidenceDto, ReportDto } from '../emit/json.js';

/** Evidence read back from its JSON form (the inverse of emit/json.ts evidenceDto). */
function evidenceFromDto(d: EvidenceDto): Evidence {
  const { file, line, column, function: fn, ...rest } = d;
  const e: Evidence = { ...rest } as Evidence;
  if (file !== undefined) e.location = { file, line: line ?? 0, column: column ?? 0, ...(fn !== undefined ? { function: fn } : {}) };
  else if (fn !== undefined) e.function = fn;
  return e;
}

/** A fact entry of the JSON report, read back: its fields as they are (nulls dropped), evidence expanded. */
function factFromDto(kind: Fact['kind'], entry: Record<string, unknown>): Fact {
  const fact: Record<string, unknown> = { kind };
  for (const [k, v] of Object.entries(entry)) if (v !== null && k !== 'evidence') fact[k] = v;
  fact.evidence = ((entry.evidence ?? []) as EvidenceDto[]).map(evidenceFromDto);
  return fact as unknown as Fact;
}

const FACT_LISTS: [keyof ReportDto, Fact['kind']][] = [
  ['syscalls', 'syscall'], ['symbols', 'symbol'], ['headers', 'header'], ['libraries', 'library'], ['strings', 'string'],
  ['modules', 'module'], ['packages', 'package'], ['unknowns', 'unknown'],
];

/**
 * The part of a Report a JSON report holds before its conclusions (findings, plan, verdict and tables are
 * worked out again): inputs, binaries, library graph, facts, stats, the many-binary rows and the shard.
 * Writing the result with toReportDto gives back the same inputs, binaries, graph and facts (test/scale/shard-merge.test.ts).
 */
export function reportFromDto(dto: ReportDto): Report {
  const facts = FACT_LISTS.flatMap(([list, kind]) => ((dto[list] ?? []) as unknown as Record<string, unknown>[]).map((e) => factFromDto(kind, e)));
  return {
    tool: dto.tool,
    mode: dto.mode,
    ...(dto.libc ? { libc: dto.libc } : {}),
    inputs: dto.inputs.map((a) => ({ ...a })),
    binaries: dto.binaries.map((b) => ({ ...b })),
    libraryGraph: dto.libraryGraph.map((e) => ({ from: e.from, soname: e.soname, ...(e.resolved !== null ? { resolved: e.resolved } : {}), ...(e.via !== null ? { via: e.via } : {}) })),
    facts,
    findings: [],
    tables: [],
    stats: { ...dto.stats },
    ...(dto.scan ? { scan: structuredClone(dto.scan) } : {}),
    ...(dto.shard ? { shard: { ...dto.shard } } : {}),
  };
}
