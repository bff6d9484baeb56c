import type { Arch, BinarySummary, Mode, NeedStatus, SyscallBlocker, Tables, UnikraftTable } from '../model/index.js';
import { providersOf } from '../plan/releases.js';
import { classifyMissingSyscall } from '../plan/classify-syscall.js';
import type { BinaryResult } from './analyse-binary.js';

const LIMIT_KEYS = new Set(['timeBudgetMs', 'maxCodeBytes', 'maxFunctions', 'maxChainDepth', 'heap']);

/** The release table and how syscalls are judged against it. */
export interface VerdictContext {
  table: UnikraftTable;
  tables: Tables;
  mode: Mode;
  /** Classification per (arch, syscall), computed once. */
  memo: Map<string, { provided: boolean; status: NeedStatus }>;
}

function judge(ctx: VerdictContext, name: string, arch: Arch): { provided: boolean; status: NeedStatus } {
  const key = `${arch}:${name}`;
  const hit = ctx.memo.get(key);
  if (hit) return hit;
  const { coverage, providers } = providersOf(ctx.table, name, arch, { apps: ctx.mode === 'binary-compat' });
  let v: { provided: boolean; status: NeedStatus };
  if (providers.length) v = { provided: true, status: 'covered' };
  else {
    const why = !coverage ? `${ctx.table.release} does not know ${name}` : `no library of ${ctx.table.release} provides ${name} on ${arch}`;
    v = { provided: false, status: classifyMissingSyscall(name, ctx.tables.priors[name], false, why).status };
  }
  ctx.memo.set(key, v);
  return v;
}

/** One table row for a binary: syscall counts, what the release lacks, and the verdict. */
export function summariseBinary(r: BinaryResult, ctx: VerdictContext | undefined): BinarySummary {
  const syscalls = r.facts.filter((f) => f.kind === 'syscall');
  const unknowns = r.facts.filter((f) => f.kind === 'unknown');
  const program = syscalls.filter((f) => f.class === 'program');
  const row: BinarySummary = {
    path: r.path, ...(r.info ? { sha256: r.info.sha256, machine: r.info.machine } : {}),
    syscalls: syscalls.length, programSyscalls: program.length, unknowns: unknowns.length, missing: [], required: [], verdict: 'covered', ms: Math.round(r.ms),
  };
  const arch = r.info?.machine;
  // a resource limit stopped part of the analysis (the binary or one of its libraries): the verdict is partial
  const limits = unknowns.filter((u) => u.reason === 'limit-exceeded');
  const limit = limits.find((u) => LIMIT_KEYS.has(u.evidence[0]?.detail ?? ''));
  if (r.error || !r.info || (arch !== 'x86_64' && arch !== 'aarch64') || (limit && syscalls.length === 0)) {
    row.verdict = 'not-analysed';
    row.because = r.error ? `${r.error.code}: ${r.error.detail}` : limit ? limit.message : `no syscall analysis for ${arch ?? 'this file'}`;
    return row;
  }
  if (!ctx) { row.verdict = 'needs-work'; row.because = 'no coverage tables'; return row; }
  let startupMissing = 0;
  for (const f of syscalls) {
    const v = judge(ctx, f.name, arch);
    if (v.provided) continue;
    if (f.class === 'startup') { startupMissing++; continue; }
    row.missing.push(f.name);
    if (v.status === 'missing-required' || v.status === 'unknown') row.required.push(f.name);
  }
  row.missing.sort();
  row.required.sort();
  if (limit && !row.required.length) {
    row.verdict = 'needs-work';
    row.because = `partial: ${limit.message}`;
  } else if (row.required.length) {
    row.verdict = 'blocked';
    row.because = `needs ${row.required.slice(0, 4).join(', ')}${row.required.length > 4 ? ` and ${row.required.length - 4} more` : ''}`;
  } else if (row.missing.length || startupMissing || unknowns.length) {
    row.verdict = 'needs-work';
    row.because = row.missing.length ? `stub or fake ${row.missing.slice(0, 4).join(', ')}` : startupMissing ? `${startupMissing} start-up syscalls missing` : `${unknowns.length} unknowns`;
  }
  return row;
}

/** Missing syscalls ranked by the number of binaries that need them (ties: by binaries they alone block, then name). */
export function rankBlockers(rows: BinarySummary[], ctx: VerdictContext | undefined, examples = 3): SyscallBlocker[] {
  const by = new Map<string, SyscallBlocker>();
  for (const row of rows) {
    for (const name of row.missing) {
      let b = by.get(name);
      if (!b) {
        const arch = row.machine === 'aarch64' ? 'aarch64' : 'x86_64';
        b = { name, binaries: 0, soleBlocker: 0, status: ctx ? judge(ctx, name, arch).status : 'unknown', examples: [] };
        by.set(name, b);
      }
      b.binaries++;
      if (row.required.length === 1 && row.required[0] === name) b.soleBlocker++;
      if (b.examples.length < examples) b.examples.push(row.path);
    }
  }
  return [...by.values()].sort((a, b) => b.binaries - a.binaries || b.soleBlocker - a.soleBlocker || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
