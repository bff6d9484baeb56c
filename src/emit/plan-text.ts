import type { Plan, VerdictResult } from '../model/index.js';
import { makeStyle } from './style.js';
import { partialUseText } from '../data/table-lookup.js';
import { withEscapedStrings } from './terminal-safe.js';
import { plural } from './units.js';
import { verdictLines } from './verdict-text.js';

type Style = ReturnType<typeof makeStyle>;

/** The application, targets, network, image, pins and Kconfig problems of a plan. */
function buildSections(plan: Plan, s: Style, cut: (items: string[]) => string): string[] {
  const out: string[] = [];
  if (plan.application) out.push('', s.bold(`Application: ${plan.application.name}`) + `  because ${cut(plan.application.because)}` + (plan.application.brings.length ? s.dim(`  (its Config.uk brings ${cut(plan.application.brings)})`) : ''));
  if (plan.targets?.length) {
    out.push('', s.bold('Targets'));
    for (const t of plan.targets) out.push(`  ${t.name.padEnd(12)} ${t.kconfig.join(' ')}${t.drivers.length ? s.dim(`  drivers: ${cut(t.drivers)}`) : ''}`);
  }
  if (plan.network) {
    out.push('', s.bold(`Network: ${plan.network.stack}`) + `  because ${cut(plan.network.because)}`);
    for (const n of plan.network.notes) out.push(s.dim(`  ${n}`));
  }
  if (plan.filesystem) out.push('', s.bold(`File system: ${plan.filesystem.stack}`) + `  because ${cut(plan.filesystem.because)}`, ...(plan.filesystem.kernelArgs ?? []).map((a) => s.dim(`  kernel command line: ${a}`)));
  if (plan.image) {
    const count = (role: string) => plan.image!.files.filter((f) => f.role === role).length;
    out.push('', s.bold(`Image (Dockerfile): ${plan.image.files.length} files`) + `  program ${plan.image.entry}, ${count('library')} libraries, ${count('loaded-library')} loaded at run time, ${count('config')} configuration files, ${plan.image.generated.length} generated`);
    if (plan.image.missing.length) out.push(s.dim(`  named but not found: ${cut(plan.image.missing)}`));
  }
  if (plan.pins?.length) {
    out.push('', s.bold('Versions'));
    for (const p of plan.pins) out.push(`  ${p.name.padEnd(14)} ${p.version}${p.note ? s.dim(`  ${p.note}`) : ''}`);
  }
  if (plan.kconfigProblems?.length) {
    out.push('', s.bold(`Kconfig problems: ${plan.kconfigProblems.length}`));
    for (const p of plan.kconfigProblems) out.push(`  ${s.yellow(p.kind)} ${p.target}: ${p.detail}`);
  }
  return out;
}

/** Renders a plan as text: libc, libraries with reasons, Kconfig, uncovered needs, release history. */
export function emitPlanText(input: Plan, options: { color: boolean; verbose?: boolean; verdict?: VerdictResult }): string {
  const plan = withEscapedStrings(input);
  const s = makeStyle(options.color);
  const max = options.verbose ? Infinity : 8;
  const cut = (items: string[]) => (items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … ${items.length - max} more`);
  const out: string[] = [];
  const runs = plan.mode === 'binary-compat' && plan.application ? `${plan.application.name} (no libc port; the app brings its glibc)` : `libc ${plan.libc}`;
  out.push(s.bold(`Porting plan: Unikraft ${plan.release}, ${plan.arch}, ${plan.mode ?? 'native'} mode, ${runs}`));
  if (plan.partial) out.push(s.yellow(`  partial: ${partialUseText(plan.partial)}`));
  if (options.verdict) out.push(...verdictLines(withEscapedStrings(options.verdict), s, Boolean(options.verbose)));
  for (const r of plan.libcReasons) out.push(`  libc: ${r}`);
  if (plan.libcCandidates) out.push(s.dim(`  libcs that cover the app: ${plan.libcCandidates.join(', ') || 'none'}`));
  out.push('', s.bold(`Libraries: ${plan.libraries.length}`));
  for (const l of plan.libraries) {
    const head = `  ${l.name}${l.version ? ` ${l.version}` : ''} ${s.dim(`[${l.role ?? 'needs'}${l.kconfig ? `, CONFIG_${l.kconfig}` : ''}]`)}`;
    out.push(`${head}  because ${cut(l.because)}`);
    for (const a of l.alternatives ?? []) out.push(s.dim(`      (${a})`));
  }
  if (plan.tieBreak) out.push(s.dim(`  tie-break: ${plan.tieBreak}`));
  out.push(...buildSections(plan, s, cut));
  out.push('', s.bold(`Kconfig: ${plan.kconfig.length}`), ...plan.kconfig.map((k) => `  ${k}`));
  if (plan.rootfs) out.push('', s.bold('Root filesystem needed'), ...plan.rootfs.map((r) => `  ${r}`));
  if (plan.runtime) {
    out.push('', s.bold(`Runtime (${plan.runtime.language}, as the catalog runs it): Kraftfile runtime ${plan.runtime.kraftRuntime}, rootfs ./Dockerfile`));
    out.push(`  build stage ${plan.runtime.buildImage}: ${plan.runtime.install.join('; ') || 'nothing to install'}`);
    out.push(...plan.runtime.copies.map((c) => `  copies ${c.from ? `${c.from}:` : ''}${c.src} → ${c.dest}`), `  cmd ${plan.runtime.cmd.join(' ')}`, s.dim(`  follows ${plan.runtime.follows}`));
  }
  const color = { error: s.red, warning: s.yellow, note: s.cyan };
  const counts = ['error', 'warning', 'note'].map((sev) => plural(plan.uncovered.filter((u) => u.severity === sev).length, sev)).join(', ');
  out.push('', s.bold(`Uncovered: ${plan.uncovered.length}`) + ` (${counts})`);
  const shown = options.verbose ? plan.uncovered : plan.uncovered.slice(0, 40);
  for (const u of shown) out.push(`  ${color[u.severity](u.severity.padEnd(7))} ${u.kind} ${s.bold(u.name)} [${u.status}]: ${u.reason}`);
  if (shown.length < plan.uncovered.length) out.push(s.dim(`  … ${plan.uncovered.length - shown.length} more (use --verbose or --format json)`));
  if (plan.releases?.length) {
    out.push('', s.bold('Releases') + (plan.oldestCoveringRelease ? ` — oldest covering all syscalls: ${plan.oldestCoveringRelease}` : ' — none covers every syscall'));
    for (const r of plan.releases) {
      const adds = (r.adds.length ? `  adds ${cut(r.adds)}` : '') + (r.drops?.length ? `  ${s.red('drops')} ${cut(r.drops)}` : '');
      out.push(`  ${r.release.padEnd(9)} ${String(r.covered).padStart(4)}/${r.total}${adds}`);
    }
  }
  return out.join('\n') + '\n';
}
