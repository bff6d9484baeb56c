import type { Verdict, VerdictItem, VerdictResult } from '../model/index.js';
import type { Style } from './style.js';

/** Human words for a verdict. */
export const VERDICT_WORDS: Record<Verdict, string> = { 'ready': 'ready', 'runs-with-gaps': 'runs with gaps', 'needs-work': 'needs work', 'blocked': 'blocked' };

const HEADINGS: [Verdict, string][] = [['blocked', 'blocked by'], ['needs-work', 'work'], ['runs-with-gaps', 'gaps']];

function itemLabel(i: VerdictItem): string {
  const name = i.subject.replace(/^(syscall|function|header|library|rule|dynamic-linking):/, '');
  const why = i.rules?.length ? i.rules.join(', ') : i.status ?? '';
  return why ? `${name} (${why})` : name;
}

/** The verdict block of the text formats: the verdict, then what blocks, what is work and what is a tolerated gap. */
export function verdictLines(v: VerdictResult, s: Style, verbose: boolean): string[] {
  const color: Record<Verdict, (t: string) => string> = { 'ready': s.green, 'runs-with-gaps': s.green, 'needs-work': s.yellow, 'blocked': s.red };
  const out = [`${s.bold('Verdict:')} ${color[v.verdict](s.bold(VERDICT_WORDS[v.verdict]))}${v.release ? ` on Unikraft ${v.release}` : ''} (${v.mode} mode)`];
  // `ukport verify` ran it: the line the verdict says it with (match/verdict.ts withVerification)
  if (v.verified) out.push(`  ${s.green(v.verified)}`);
  if (v.measuredRun) out.push(`  ${'measured'.padEnd(10)} ${v.measuredRun}`);
  const max = verbose ? Infinity : 8;
  for (const [effect, heading] of HEADINGS) {
    const items = v.items.filter((i) => i.effect === effect);
    if (!items.length) continue;
    const shown = items.slice(0, max).map(itemLabel);
    out.push(`  ${heading.padEnd(10)} ${shown.join(', ')}${items.length > shown.length ? s.dim(`, … ${items.length - shown.length} more`) : ''}`);
  }
  return out;
}
