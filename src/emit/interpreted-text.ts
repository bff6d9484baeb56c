import type { InterpretedApp, PackageFact } from '../model/index.js';
import type { Style } from './style.js';

const mb = (bytes: number): string => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** The packages and the interpreted app's forms as text lines: per package its kind, size and compiled modules with their libraries' ports. */
export function interpretedText(packages: PackageFact[], app: InterpretedApp | undefined, s: Style, limit: number | undefined): string[] {
  if (packages.length === 0 && !app) return [];
  const out: string[] = ['', s.bold(`Packages: ${packages.length}`)];
  const views = new Map((app?.packages ?? []).map((v) => [`${v.ecosystem}:${v.name}`, v]));
  const shown = limit === undefined ? packages : packages.slice(0, limit * 2);
  for (const p of shown) {
    const v = views.get(`${p.ecosystem}:${p.name}`);
    const kind = p.native === true ? s.yellow('native') : p.native === false ? 'pure' : s.red('unknown');
    const size = p.installed ? `, installed ${mb(p.installed.bytes)}` : '';
    const port = v?.port ? `, Unikraft port ${v.port.repo.split('/').pop()} ${v.port.version}` : '';
    out.push(`  ${p.ecosystem} ${p.name}${p.version ? ` ${p.version}` : ''}: ${kind}${size}${port} ${s.dim(`(${p.sources.join(', ')})`)}`);
    for (const e of v?.extensions ?? []) {
      const libs = e.libraries.filter((l) => l.status !== 'libc' && !l.via).map((l) => (l.status === 'port' ? `${l.soname} → ${l.port} ${l.version}` : s.red(`${l.soname} unported`)));
      const more = e.libraries.filter((l) => l.status !== 'libc' && l.via).length;
      const lp = e.libPython3 ? (e.libPython3.builtin ? ` [lib-python3: ${e.libPython3.kconfig.join(' ')}]` : ' [not in lib-python3]') : '';
      out.push(`    ${e.module}${lp}: ${libs.join(', ') || 'libc only'}${more ? s.dim(` (+${more} through them)`) : ''}`);
    }
  }
  if (shown.length < packages.length) out.push(s.dim(`    … ${packages.length - shown.length} more (use --verbose or --format json)`));
  if (app) {
    out.push('', s.bold(`Interpreted app (${app.languages.join(', ')}): recommended ${app.recommended}`));
    out.push(...app.why.map((w) => `  ${w}`));
    out.push(`  native: ${app.native.feasible ? 'possible' : `blocked by ${app.native.blockers.length}`}`);
    out.push(...(limit === undefined ? app.native.blockers : app.native.blockers.slice(0, limit)).map((b) => `    ${b}`));
    out.push(...app.native.notes.map((n) => s.dim(`    ${n}`)));
    out.push(`  binary-compat: ${app.binaryCompat.feasible ? 'possible' : 'blocked'}`);
    out.push(...app.binaryCompat.notes.map((n) => s.dim(`    ${n}`)));
  }
  return out;
}
