import type { Evidence, Fact, Report } from '../model/index.js';
import { REPORT_SCHEMA_VERSION } from '../version.js';
import { verdictResultOf } from '../match/need-status.js';

/** Flattened evidence as published in report.schema.json. */
export interface EvidenceDto {
  artifact: string; extractor: string; file?: string; line?: number; column?: number; function?: string;
  address?: string; chain?: string[]; condition?: string; offLinux?: string; detail?: string; layer?: string;
}

/** Evidence as the JSON report writes it. */
export function evidenceDto(e: Evidence): EvidenceDto {
  const d: EvidenceDto = { artifact: e.artifact, extractor: e.extractor };
  if (e.location) { d.file = e.location.file; d.line = e.location.line; d.column = e.location.column; if (e.location.function) d.function = e.location.function; }
  if (e.function && !d.function) d.function = e.function;
  if (e.address) d.address = e.address;
  if (e.chain) d.chain = e.chain;
  if (e.condition) d.condition = e.condition;
  if (e.offLinux !== undefined) d.offLinux = e.offLinux;
  if (e.detail) d.detail = e.detail;
  if (e.layer) d.layer = e.layer;
  return d;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
function ofKind<K extends Fact['kind']>(facts: Fact[], kind: K): Extract<Fact, { kind: K }>[] {
  return facts.filter((f): f is Extract<Fact, { kind: K }> => f.kind === kind);
}

/** The stable JSON DTO (see schema/report.schema.json); internals may change, this may not without a schemaVersion bump. */
export function toReportDto(r: Report) {
  const { facts } = r;
  const ev = (f: Fact) => f.evidence.map(evidenceDto);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: r.tool,
    mode: r.mode,
    libc: r.libc ?? null,
    inputs: r.inputs.map((a) => ({ path: a.path, kind: a.kind, size: a.size, ...(a.layer ? { layer: a.layer } : {}), ...(a.image ? { image: a.image } : {}), ...(a.role ? { role: a.role } : {}) })),
    binaries: r.binaries,
    libraryGraph: r.libraryGraph.map((e) => ({ from: e.from, soname: e.soname, resolved: e.resolved ?? null, via: e.via ?? null })),
    syscalls: ofKind(facts, 'syscall').sort(byName).map((f) => ({ name: f.name, nr: f.nr, arch: f.arch, class: f.class, ...(f.constArgs ? { constArgs: f.constArgs } : {}), evidence: ev(f) })),
    symbols: ofKind(facts, 'symbol').sort(byName).map((f) => ({
      name: f.name, role: f.role, ...(f.type ? { type: f.type } : {}), ...(f.version ? { version: f.version } : {}),
      ...(f.versionLibrary ? { versionLibrary: f.versionLibrary } : {}), ...(f.args ? { args: f.args } : {}), evidence: ev(f),
    })),
    headers: ofKind(facts, 'header').sort(byName).map((f) => ({ name: f.name, system: f.system, ...(f.resolved ? { resolved: f.resolved } : {}), evidence: ev(f) })),
    libraries: ofKind(facts, 'library').sort((a, b) => a.soname.localeCompare(b.soname)).map((f) => ({
      soname: f.soname, version: f.version ?? null, resolvedPath: f.resolvedPath ?? null, neededBy: f.neededBy, evidence: ev(f),
    })),
    strings: ofKind(facts, 'string').map((f) => ({ value: f.value, evidence: ev(f) })),
    modules: ofKind(facts, 'module').sort(byName).map((f) => ({
      language: f.language, name: f.name, members: f.members ?? [], ...(f.features ? { features: f.features } : {}), ...(f.extension ? { extension: f.extension } : {}),
      ...(f.native ? { native: true } : {}), ...(f.inPort !== undefined ? { inPort: f.inPort } : {}), ...(f.portKconfig ? { portKconfig: f.portKconfig } : {}),
      ...(f.origin ? { origin: f.origin } : {}), ...(f.package ? { package: f.package } : {}), evidence: ev(f),
    })),
    packages: ofKind(facts, 'package').sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name)).map((f) => ({
      ecosystem: f.ecosystem, name: f.name, ...(f.version ? { version: f.version } : {}), ...(f.specs ? { specs: f.specs } : {}), sources: f.sources,
      ...(f.direct ? { direct: true } : {}), ...(f.provides ? { provides: f.provides } : {}), ...(f.native !== undefined ? { native: f.native } : {}),
      ...(f.nativeEvidence ? { nativeEvidence: f.nativeEvidence } : {}), ...(f.extensions ? { extensions: f.extensions } : {}),
      ...(f.installed ? { installed: f.installed } : {}), ...(f.extras ? { extras: f.extras } : {}), evidence: ev(f),
    })),
    unknowns: ofKind(facts, 'unknown').map((f) => ({ reason: f.reason, message: f.message, evidence: ev(f) })),
    findings: r.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, remedy: f.remedy, evidence: f.facts.flatMap(ev).slice(0, 20) })),
    plan: r.plan ?? null,
    verdict: verdictResultOf(r),
    tables: r.tables,
    stats: r.stats,
    ...(r.scan ? { scan: r.scan } : {}),
    ...(r.partialTable ? { partialTable: r.partialTable } : {}),
    ...(r.shard ? { shard: r.shard } : {}),
    ...(r.gate ? { gate: r.gate } : {}),
    ...(r.interpreted ? { interpreted: r.interpreted } : {}),
    ...(r.verification ? { verification: r.verification } : {}),
  };
}

/** Type of the published JSON report. */
export type ReportDto = ReturnType<typeof toReportDto>;

/** Renders the report as pretty JSON (one trailing newline). */
export function emitJson(r: Report): string {
  return JSON.stringify(toReportDto(r), null, 2) + '\n';
}
