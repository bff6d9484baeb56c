import type { InterpretedApp } from '../model/index.js';

/** The packages section of the markdown report: one row per package, then the recommended form and what blocks the other. */
export function interpretedMarkdown(app: InterpretedApp, md: (t: string) => string): string[] {
  const out = ['## Packages', '', '| Package | Version | Kind | Compiled modules | Unported libraries | Unikraft port |', '| --- | --- | --- | --- | --- | --- |'];
  for (const p of app.packages) {
    const unported = [...new Set(p.extensions.flatMap((e) => e.libraries.filter((l) => l.status === 'unported' || l.status === 'version-mismatch').map((l) => l.soname)))];
    out.push(`| ${md(`${p.ecosystem} ${p.name}`)} | ${md(p.version ?? '')} | ${p.kind} | ${md(p.extensions.map((e) => e.module).join(', '))} | ${md(unported.join(', '))} | ${md(p.port ? `${p.port.repo.split('/').pop()} ${p.port.version}` : '')} |`);
  }
  out.push('', `**Recommended form: ${app.recommended}.** ${md(app.why.join(' '))}`, '');
  if (!app.native.feasible) out.push('Native form blocked by:', '', ...app.native.blockers.slice(0, 20).map((b) => `- ${md(b)}`), '');
  return out;
}
