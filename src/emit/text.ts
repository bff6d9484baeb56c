import type { Fact, Finding, Report } from '../model/index.js';
import { makeStyle, type Style } from './style.js';
import { systemScanText } from './system-scan-text.js';
import { partialUseText } from '../data/table-lookup.js';
import { withEscapedStrings } from './terminal-safe.js';
import { formatBytes, plural } from './units.js';
import { verdictLines } from './verdict-text.js';
import { verdictResultOf } from '../match/need-status.js';
import { interpretedText } from './interpreted-text.js';

export interface TextOptions {
  color: boolean;
  /** Show every item instead of the first few of each list. */
  verbose?: boolean;
}

function ofKind<K extends Fact['kind']>(facts: Fact[], kind: K): Extract<Fact, { kind: K }>[] {
  return facts.filter((f): f is Extract<Fact, { kind: K }> => f.kind === kind);
}

function list(items: string[], limit: number | undefined, s: Style): string[] {
  const shown = limit === undefined ? items : items.slice(0, limit);
  const lines = shown.map((i) => `    ${i}`);
  if (shown.length < items.length) lines.push(s.dim(`    … ${items.length - shown.length} more (use --verbose or --format json)`));
  return lines;
}

function where(f: Fact): string {
  const e = f.evidence[0];
  if (!e) return '';
  const layer = e.layer ? ` [layer ${e.layer.slice(0, 19)}]` : '';
  // a site no Linux build compiles is listed with the condition that keeps it out
  const off = f.evidence.every((x) => x.offLinux !== undefined) ? ` (not on Linux: #if ${e.offLinux})` : '';
  if (e.location) return `${e.location.file}:${e.location.line}:${e.location.column}${e.location.function ? ` in ${e.location.function}` : ''}${layer}${off}`;
  const at = [e.function, e.address].filter(Boolean).join(' @ ');
  return (at ? `${e.artifact} ${at}` : e.artifact) + layer;
}

function findingLines(findings: Finding[], options: TextOptions, s: Style): string[] {
  const color = { error: s.red, warning: s.yellow, note: s.cyan };
  return [s.bold(`Findings: ${findings.length}`), ...list(findings.map((f) => `${color[f.severity](f.severity)} ${f.ruleId}: ${f.message}`), options.verbose ? undefined : 40, s)];
}

/** Renders the rule findings alone (the plan command prints them after the plan). */
export function emitFindingsText(findings: Finding[], options: TextOptions): string {
  return findings.length ? findingLines(withEscapedStrings(findings), options, makeStyle(options.color)).join('\n') + '\n' : '';
}

/** Renders a readable summary of the report. */
export function emitText(report: Report, options: TextOptions): string {
  // names from the input (sonames, paths, symbols) reach a terminal: their control characters are shown escaped
  const r = withEscapedStrings(report);
  const s = makeStyle(options.color);
  const limit = options.verbose ? undefined : 12;
  const out: string[] = [];
  const { facts } = r;
  // a whole-system scan shows one table row per binary instead (details with --verbose)
  if (r.scan) out.push(...systemScanText(r.scan, s, Boolean(options.verbose)), '');
  for (const b of r.scan && !options.verbose ? [] : r.binaries) {
    out.push(s.bold(b.path));
    out.push(`  ELF${b.class} ${b.endianness}-endian ${b.machine} ${b.type}, entry ${b.entry}, ${b.linking}${b.stripped ? ', stripped' : ''}${b.tls ? ', uses TLS' : ''}`);
    if (b.interpreter) out.push(`  interpreter  ${b.interpreter}`);
    if (b.soname) out.push(`  soname       ${b.soname}`);
    if (b.needed.length) out.push(`  needs        ${b.needed.join(', ')}`);
    if (b.rpath.length) out.push(`  rpath        ${b.rpath.join(':')}`);
    if (b.runpath.length) out.push(`  runpath      ${b.runpath.join(':')}`);
    out.push(`  symbols      ${b.imports.length} imported, ${b.exports.length} exported`);
    const versioned = b.imports.filter((i) => i.version).map((i) => `${i.name}@${i.version} (${i.versionLibrary})`).sort();
    if (versioned.length) out.push(...list(versioned, limit, s));
  }
  if (r.libraryGraph.length) {
    out.push('', s.bold('Shared libraries'));
    out.push(...list(r.libraryGraph.map((e) => `${e.from} → ${e.soname} ${e.resolved ? s.dim(`${e.resolved} (${e.via})`) : s.red('NOT FOUND')}`), options.verbose ? undefined : 30, s));
  }
  const offLinux = (f: Fact) => f.evidence.length > 0 && f.evidence.every((e) => e.offLinux !== undefined);
  const notOnLinux = ofKind(facts, 'syscall').filter(offLinux);
  const syscalls = ofKind(facts, 'syscall').filter((f) => !offLinux(f));
  if (syscalls.length || notOnLinux.length) {
    const program = syscalls.filter((f) => f.class === 'program').sort((a, b) => a.name.localeCompare(b.name));
    const startup = syscalls.filter((f) => f.class === 'startup').sort((a, b) => a.name.localeCompare(b.name));
    out.push('', s.bold(`Syscalls: ${syscalls.length}`) + ` (${program.length} program, ${startup.length} startup)`);
    out.push(`  program: ${program.map((f) => f.name).join(' ')}`);
    if (startup.length) out.push(s.dim(`  startup: ${startup.map((f) => f.name).join(' ')}`));
    // numbers in branches no Linux build compiles (an i386 block) are not the app's syscalls on Unikraft
    if (notOnLinux.length) out.push(s.dim(`  not on Linux: ${notOnLinux.map((f) => `${f.name} (#if ${f.evidence[0]!.offLinux})`).join(' ')}`));
    const held = [...new Set(r.binaries.flatMap((b) => (b.libcModels ?? []).map((h) => (h.syscalls.length ? `${h.model} (${h.syscalls.join(' ')})` : h.model))))].sort();
    if (held.length) out.push(s.dim(`  held back by glibc models (--no-libc-models counts them): ${held.join(', ')}`));
  }
  const headers = ofKind(facts, 'header');
  if (headers.length) out.push('', s.bold(`Headers: ${headers.length}`), ...list(headers.map((h) => `${h.system ? `<${h.name}>` : `"${h.name}"`}  ${s.dim(where(h))}`), limit, s));
  const calls = ofKind(facts, 'symbol').filter((f) => f.role === 'call' || f.role === 'address-taken');
  if (calls.length) out.push('', s.bold(`Library calls: ${calls.length}`), ...list(calls.map((c) => `${c.name}  ${s.dim(where(c))}`), limit, s));
  const modules = ofKind(facts, 'module');
  if (modules.length) {
    out.push('', s.bold(`Modules: ${modules.length}`));
    out.push(...list(modules.map((m) => `${m.language} ${m.name}${m.members?.length ? ` (${m.members.join(', ')})` : ''}${m.origin ? s.dim(` ${m.origin}${m.package ? ` ${m.package}` : ''}`) : ''}  ${s.dim(where(m))}`), limit, s));
  }
  out.push(...interpretedText(ofKind(facts, 'package'), r.interpreted, s, limit));
  const unknowns = ofKind(facts, 'unknown');
  out.push('', s.bold(`Unknowns: ${unknowns.length}`));
  out.push(...list(unknowns.map((u) => `${s.yellow(u.reason)}: ${u.message} ${s.dim(where(u))}`), limit, s));
  if (r.findings.length) out.push('', ...findingLines(r.findings, options, s));
  if (r.partialTable) out.push('', s.yellow(`partial: ${partialUseText(r.partialTable)}`));
  // a whole-system scan has a verdict per binary (the table above), not one for everything together
  if (r.verdict && !r.scan) out.push('', ...verdictLines(verdictResultOf(r), s, Boolean(options.verbose)));
  out.push('', s.dim(`${plural(r.stats.filesSeen, 'file')} seen, ${r.inputs.length} analysed, ${r.stats.filesSkipped} skipped${r.stats.bytesRead ? `, ${formatBytes(r.stats.bytesRead)} read` : ''}`));
  // sections open with a blank line; the first one (no binary above it, as in a source scan) must not
  while (out[0] === '') out.shift();
  return out.join('\n') + '\n';
}
