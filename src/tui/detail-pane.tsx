import { Box, Text } from 'ink';
import type { Evidence, Remedy, Report } from '../model/index.js';
import type { NeedItem } from '../match/need-status.js';
import { ruleDocFor, type Problem, type RuleDoc } from '../match/problems.js';
import { evidenceOf, findingsFor, snippetKey, type Entry, type SourceSnippets } from './view-model.js';
import { SEVERITY_COLOR, STATUS_COLOR } from './theme.js';
import { fit } from './fit.js';

/** One line of the detail pane. */
export interface DetailLine {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

const MAX_EVIDENCE = 5;

function evidenceLines(e: Evidence, sources: SourceSnippets | undefined): DetailLine[] {
  const out: DetailLine[] = [];
  if (e.location) {
    const fn = e.location.function ?? e.function;
    out.push({ text: `  ${e.location.file}:${e.location.line}:${e.location.column}${fn ? ` in ${fn}` : ''}`, bold: true });
    const snip = sources?.get(snippetKey(e.location.file, e.location.line));
    if (snip) {
      const width = String(snip.startLine + snip.lines.length).length;
      snip.lines.forEach((l, i) => {
        const n = snip.startLine + i;
        out.push({ text: `  ${n === e.location!.line ? '>' : ' '} ${String(n).padStart(width)} │ ${l.replace(/\t/g, '  ')}`, dim: n !== e.location!.line });
      });
    }
  } else {
    const at = [e.function, e.address].filter(Boolean).join(' @ ');
    out.push({ text: `  ${e.artifact}${at ? ` ${at}` : ''}`, bold: true });
  }
  if (e.chain?.length) out.push({ text: `    call chain: ${e.chain.join(' → ')}` });
  if (e.condition) out.push({ text: `    when ${e.condition}` });
  if (e.detail) out.push({ text: `    ${e.detail}`, dim: true });
  out.push({ text: `    seen by ${e.extractor}`, dim: true });
  return out;
}

function remedyLine(remedy: Remedy | undefined, doc: RuleDoc): DetailLine | undefined {
  const r = remedy ?? {};
  const parts = [r.text ?? doc.remedyText, r.libraries?.length ? `libraries ${r.libraries.join(', ')}` : '', r.kconfig?.length ? `Kconfig ${r.kconfig.join(', ')}` : '',
    r.libc ? `libc ${r.libc}` : '', r.patch ? `patch ${r.patch}` : '', r.compatStub ? 'stub in the compat micro-library' : ''].filter(Boolean);
  return parts.length ? { text: `    remedy: ${parts.join('; ')}` } : undefined;
}

function evidenceSection(evidence: Evidence[], sources: SourceSnippets | undefined): DetailLine[] {
  const out: DetailLine[] = [{ text: `Evidence (${evidence.length}):`, bold: true }];
  for (const e of evidence.slice(0, MAX_EVIDENCE)) out.push(...evidenceLines(e, sources));
  if (evidence.length > MAX_EVIDENCE) out.push({ text: `  … ${evidence.length - MAX_EVIDENCE} more`, dim: true });
  return out;
}

/** Everything known about one need: status, plan reason, evidence with source, findings with why and remedy. */
export function needDetail(item: NeedItem, report: Report, rules?: ReadonlyMap<string, RuleDoc>, sources?: SourceSnippets): DetailLine[] {
  const out: DetailLine[] = [{ text: `${item.name} — ${item.status}`, color: STATUS_COLOR[item.status], bold: true }];
  if (item.uncovered) out.push({ text: `  plan: ${item.uncovered.reason} (${item.uncovered.severity})` });
  const lib = item.list === 'syscalls' ? report.plan?.libraries.find((l) => l.because.includes(item.key)) : undefined;
  if (lib) out.push({ text: `  served by ${lib.name}${lib.kconfig ? ` (${lib.kconfig.startsWith('CONFIG_') ? lib.kconfig : `CONFIG_${lib.kconfig}`})` : ''}` });
  out.push(...evidenceSection(evidenceOf(item), sources));
  const findings = findingsFor(item, report.findings);
  if (findings.length) out.push({ text: `Findings (${findings.length}):`, bold: true });
  for (const f of findings) {
    const doc = ruleDocFor(f.ruleId, rules);
    out.push({ text: `  ${f.severity} ${f.ruleId}: ${f.message}`, color: SEVERITY_COLOR[f.severity] });
    out.push({ text: `    why: ${doc.why}` });
    const remedy = remedyLine(f.remedy, doc);
    if (remedy) out.push(remedy);
  }
  return out;
}

/** One problem: rule, message, why, remedy, evidence. */
export function problemDetail(p: Problem, rules?: ReadonlyMap<string, RuleDoc>, sources?: SourceSnippets): DetailLine[] {
  const doc = ruleDocFor(p.ruleId, rules);
  const out: DetailLine[] = [
    { text: `${p.severity} ${p.ruleId} — ${p.subject}`, color: SEVERITY_COLOR[p.severity], bold: true },
    { text: `  ${p.message}` },
    { text: `  ${doc.summary}`, dim: true },
    { text: `    why: ${doc.why}` },
  ];
  const remedy = remedyLine(p.remedy, doc);
  if (remedy) out.push(remedy);
  out.push(...evidenceSection([...p.evidence].sort((a, b) => Number(!a.location) - Number(!b.location)), sources));
  return out;
}

/** The detail of a list entry. */
export function detailLines(entry: Entry, report: Report, rules?: ReadonlyMap<string, RuleDoc>, sources?: SourceSnippets): DetailLine[] {
  if (entry.need) return needDetail(entry.need, report, rules, sources);
  if (entry.problem) return problemDetail(entry.problem, rules, sources);
  return [{ text: entry.name }];
}

/**
 * Wraps each line to WIDTH columns at spaces (a word longer than the line is cut), continuation lines indented
 * like the line they continue, so evidence, call chains and remedies are read whole instead of cut.
 */
export function wrapDetail(lines: readonly DetailLine[], width: number): DetailLine[] {
  const out: DetailLine[] = [];
  for (const l of lines) {
    const chars = [...l.text];
    if (chars.length <= width) { out.push(l); continue; }
    const indent = /^\s*/.exec(l.text)![0];
    const hang = indent.length + 2 < width / 2 ? `${indent}  ` : '';
    let rest = chars;
    let first = true;
    while (rest.length > 0) {
      const room = width - (first ? 0 : hang.length);
      let cut = rest.length;
      if (rest.length > room) {
        const space = rest.lastIndexOf(' ', room);
        cut = space > (first ? indent.length : 0) ? space : room;
      }
      const text = (first ? '' : hang) + rest.slice(0, cut).join('').trimEnd();
      out.push({ ...l, text });
      rest = rest.slice(cut);
      while (rest[0] === ' ') rest = rest.slice(1);
      first = false;
    }
  }
  return out;
}

/** Props of the detail pane. */
export interface DetailPaneProps {
  lines: readonly DetailLine[];
  height: number;
  width: number;
  scroll: number;
}

/** A bordered pane showing `height - 2` lines of the detail from `scroll`. */
export function DetailPane({ lines, height, width, scroll }: DetailPaneProps) {
  const inner = Math.max(1, height - 2);
  const shown = lines.slice(scroll, scroll + inner);
  const pad = Array.from({ length: inner - shown.length }, (): DetailLine => ({ text: '' }));
  return (
    <Box flexDirection="column" borderStyle="single" height={height} flexShrink={0} overflow="hidden">
      {[...shown, ...pad].map((l, i) => <Text key={i} color={l.color} bold={l.bold} dimColor={l.dim}>{fit(l.text, width - 2)}</Text>)}
    </Box>
  );
}
