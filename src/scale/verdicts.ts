import type { Arch, BinarySummary, Mode, SyscallBlocker, Tables, UnikraftTable } from '../model/index.js';
import { judgeApp } from '../match/verdict.js';
import { judgeSyscall } from '../match/judge.js';
import { matchFindings } from '../match/match-findings.js';
import { gapRuleIds } from '../match/judge-report.js';
import type { CompiledRule } from '../match/compile.js';
import type { BinaryResult } from './analyse-binary.js';

const LIMIT_KEYS = new Set(['timeBudgetMs', 'maxCodeBytes', 'maxFunctions', 'maxChainDepth', 'heap']);

/** The release and rules a system scan judges every binary with: the same judge as a single report (src/match/verdict.ts). */
export interface VerdictContext {
  table: UnikraftTable;
  tables: Tables;
  mode: Mode;
  rules: readonly CompiledRule[];
  gapRules: ReadonlySet<string>;
}

/** A verdict context for the rules given. */
export function verdictContext(table: UnikraftTable, tables: Tables, mode: Mode, rules: readonly CompiledRule[]): VerdictContext {
  // information notes cannot move a verdict (findingEffect: ready): a row needs only the rules that can
  const judging = rules.filter((r) => r.rule.severity !== 'note' || r.rule.gap);
  return { table, tables, mode, rules: judging, gapRules: gapRuleIds(judging) };
}

const list = (names: string[]) => `${names.slice(0, 4).join(', ')}${names.length > 4 ? ` and ${names.length - 4} more` : ''}`;
const name = (subject: string) => subject.replace(/^(syscall|function|header|library|rule):/, '');

/** One table row for a binary: syscall counts, what the release lacks, and the judge's verdict. */
export function summariseBinary(r: BinaryResult, ctx: VerdictContext | undefined): BinarySummary {
  const syscalls = r.facts.filter((f) => f.kind === 'syscall');
  const unknowns = r.facts.filter((f) => f.kind === 'unknown');
  const program = syscalls.filter((f) => f.class === 'program');
  const row: BinarySummary = {
    path: r.path, ...(r.info ? { sha256: r.info.sha256, machine: r.info.machine } : {}),
    syscalls: syscalls.length, programSyscalls: program.length, unknowns: unknowns.length, missing: [], required: [], verdict: 'ready', ms: Math.round(r.ms),
  };
  const arch = r.info?.machine;
  // a resource limit stopped part of the analysis (the binary or one of its libraries): the verdict is partial
  const limit = unknowns.find((u) => u.reason === 'limit-exceeded' && LIMIT_KEYS.has(u.evidence[0]?.detail ?? ''));
  if (r.error || !r.info || (arch !== 'x86_64' && arch !== 'aarch64') || (limit && syscalls.length === 0)) {
    row.verdict = 'not-analysed';
    row.because = r.error ? `${r.error.code}: ${r.error.detail}` : limit ? limit.message : `no syscall analysis for ${arch ?? 'this file'}`;
    return row;
  }
  if (!ctx) { row.verdict = 'needs-work'; row.because = 'no coverage tables'; return row; }
  const target = { tables: ctx.tables, table: ctx.table, mode: ctx.mode, arch: arch as Arch };
  const findings = matchFindings(r.facts, { tables: ctx.tables, rules: ctx.rules, release: ctx.table.release, arch: arch as Arch, mode: ctx.mode });
  const { verdict } = judgeApp({ facts: r.facts, findings, target, mode: ctx.mode, program: { path: r.path, needed: r.info.needed } }, ctx.gapRules);
  for (const f of syscalls) {
    if (ctx.mode === 'native' && f.class === 'startup') continue;
    const v = judgeSyscall(target, f.name);
    if (v.provided && v.status === 'covered') continue;
    row.missing.push(f.name);
    if (v.effect === 'needs-work' || v.effect === 'blocked') row.required.push(f.name);
  }
  row.missing.sort();
  row.required.sort();
  row.verdict = verdict.verdict;
  const decisive = verdict.items.filter((i) => i.effect === verdict.verdict);
  if (decisive.length) {
    const rules = [...new Set(decisive.flatMap((i) => i.rules ?? []))];
    const subjects = decisive.map((i) => name(i.subject));
    row.because = verdict.verdict === 'blocked' ? `${rules.join(', ')}: ${list(subjects)}`
      : verdict.verdict === 'runs-with-gaps' ? `tolerated: ${list(subjects)}` : `to do: ${list(subjects)}`;
  }
  if (limit) row.because = `partial (${limit.message})${row.because ? `; ${row.because}` : ''}`;
  return row;
}

/** Missing syscalls ranked by the number of binaries that need them (ties: by binaries they alone keep from running, then name). */
export function rankBlockers(rows: BinarySummary[], ctx: VerdictContext | undefined, examples = 3): SyscallBlocker[] {
  const by = new Map<string, SyscallBlocker>();
  for (const row of rows) {
    for (const n of row.missing) {
      let b = by.get(n);
      if (!b) {
        const arch: Arch = row.machine === 'aarch64' ? 'aarch64' : 'x86_64';
        b = { name: n, binaries: 0, soleBlocker: 0, status: ctx ? judgeSyscall({ tables: ctx.tables, table: ctx.table, mode: ctx.mode, arch }, n).status : 'unknown', examples: [] };
        by.set(n, b);
      }
      b.binaries++;
      if (row.required.length === 1 && row.required[0] === n) b.soleBlocker++;
      if (b.examples.length < examples) b.examples.push(row.path);
    }
  }
  return [...by.values()].sort((a, b) => b.binaries - a.binaries || b.soleBlocker - a.soleBlocker || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
