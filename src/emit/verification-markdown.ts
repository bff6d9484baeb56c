import type { Verification } from '../model/index.js';

/** The `## Verification` section of the markdown report (`ukport verify`): stages, what ran next to what was predicted. */
export function verificationMarkdown(v: Verification, md: (t: string) => string): string[] {
  const code = (t: string) => `\`${t.replace(/`/g, "'")}\``;
  const out = ['## Verification', '', `${md(v.summary)} (outcome ${code(v.outcome)})`, '', '| stage | result | seconds | detail |', '|---|---|---|---|'];
  for (const s of v.stages) out.push(`| ${s.stage} | ${s.ok ? 'ok' : '**failed**'} | ${s.seconds} | ${md(s.detail ?? '')} |`);
  out.push('');
  for (const a of v.adjustments) out.push(`- test VM: ${md(a)}`);
  for (const p of v.buildProblems.slice(0, 20)) out.push(`- build: ${code(p.kind)} ${md(p.symbol ?? '')}${p.planEntry ? ` (plan: ${md(p.planEntry)})` : ''}: ${md(p.message)}`);
  if (v.probe) out.push(`- probe ${code(v.probe.spec)}: ${v.probe.ok ? 'answered' : '**failed**'} (${md(v.probe.detail)})`);
  const s = v.syscalls;
  if (s) {
    const na = s.observed.filter((o) => o.notAvailable).map((o) => code(o.name));
    out.push(`- syscalls at run time (${s.tracing}): ${s.observed.length} seen; not available: ${na.join(' ') || 'none'}`);
    out.push(s.unpredicted.length ? `- **soundness bug: seen at run time but not predicted:** ${s.unpredicted.map(code).join(' ')}` : '- every syscall seen at run time was predicted');
    const hit = s.gaps.filter((g) => g.hit).map((g) => code(g.name));
    out.push(`- predicted gaps hit: ${hit.join(' ') || 'none'} (of ${s.gaps.length})`);
  }
  out.push('');
  return out;
}
