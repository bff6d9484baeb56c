import type { Fact, Report } from '../model/index.js';
import { UkportError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';

/** A report with nothing in it: verify of a manifest directory given without its plan. */
export function emptyReport(): Report {
  return {
    tool: { name: 'ukport', version: TOOL_VERSION }, mode: 'native', inputs: [], binaries: [], libraryGraph: [], facts: [], findings: [], tables: [],
    stats: { filesSeen: 0, filesSkipped: 0, bytesRead: 0, indirectCalls: 0, addressTakenFunctions: 0 },
  };
}

/**
 * What verify needs back from a JSON report (`ukport plan --format json`): the plan, the predicted
 * syscalls, the binaries and their resolved libraries (for the rootfs), the inputs (C sources).
 */
export function reportFromJson(text: string, path: string): Report {
  let dto: Record<string, unknown>;
  try { dto = JSON.parse(text) as Record<string, unknown>; } catch (e) { throw new UkportError('bad-json', `not JSON (${(e as Error).message})`, path); }
  if (!dto || typeof dto !== 'object' || (dto.tool as { name?: string } | undefined)?.name !== 'ukport') throw new UkportError('bad-json', 'not a ukport report', path);
  const list = <T>(k: string): T[] => (Array.isArray(dto[k]) ? (dto[k] as T[]) : []);
  const facts: Fact[] = list<{ name: string; nr: number | null; arch: 'x86_64' | 'aarch64'; class: 'program' | 'startup' }>('syscalls')
    .filter((s) => typeof s?.name === 'string')
    .map((s) => ({ kind: 'syscall', name: s.name, nr: s.nr ?? null, arch: s.arch ?? 'x86_64', class: s.class ?? 'program', evidence: [] }));
  const report = emptyReport();
  report.mode = dto.mode === 'binary-compat' ? 'binary-compat' : 'native';
  report.inputs = list('inputs');
  report.binaries = list('binaries');
  report.libraryGraph = list<{ from: string; soname: string; resolved: string | null; via: string | null }>('libraryGraph')
    .map((e) => ({ from: e.from, soname: e.soname, ...(e.resolved ? { resolved: e.resolved } : {}), ...(e.via ? { via: e.via } : {}) }));
  report.facts = facts;
  if (dto.plan && typeof dto.plan === 'object') report.plan = dto.plan as Report['plan'];
  return report;
}
