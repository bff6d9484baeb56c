import type { BinaryVerdict, SystemScan } from '../model/index.js';
import type { Style } from './style.js';

const ORDER: BinaryVerdict[] = ['blocked', 'not-analysed', 'needs-work', 'runs-with-gaps', 'ready'];

/** Text section of a whole-system scan: verdict counts, a row per binary, and the syscalls to implement next. */
export function systemScanText(scan: SystemScan, s: Style, verbose: boolean): string[] {
  const out: string[] = [];
  const count = (v: BinaryVerdict): number => scan.binaries.filter((b) => b.verdict === v).length;
  const color: Record<BinaryVerdict, (t: string) => string> = { 'blocked': s.red, 'not-analysed': s.yellow, 'needs-work': s.cyan, 'runs-with-gaps': s.green, 'ready': s.green };
  out.push(s.bold(`Binaries: ${scan.binaries.length}`) + ` against Unikraft ${scan.release || '(no tables)'}, ${scan.jobs} jobs, ${scan.seconds} s: `
    + ORDER.map((v) => `${count(v)} ${v.replace(/-/g, ' ')}`).join(', '));
  const rows = [...scan.binaries].sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const shown = verbose ? rows : rows.slice(0, 40);
  out.push(s.dim(`  ${'verdict'.padEnd(15)}${'syscalls'.padStart(9)}${'unknowns'.padStart(10)}  path  (why)`));
  for (const b of shown) {
    const sys = `${b.programSyscalls}/${b.syscalls}`;
    out.push(`  ${color[b.verdict](b.verdict.padEnd(15))}${sys.padStart(9)}${String(b.unknowns).padStart(10)}  ${b.path}${b.because ? s.dim(`  (${b.because})`) : ''}`);
  }
  if (shown.length < rows.length) out.push(s.dim(`  … ${rows.length - shown.length} more (use --verbose or --format json)`));
  if (scan.blockers.length) {
    out.push('', s.bold('Missing syscalls that block the most binaries') + ' (implement these next)');
    out.push(s.dim(`  ${'syscall'.padEnd(22)}${'binaries'.padStart(9)}${'only gap'.padStart(10)}  status  e.g.`));
    for (const b of verbose ? scan.blockers : scan.blockers.slice(0, 25)) {
      out.push(`  ${b.name.padEnd(22)}${String(b.binaries).padStart(9)}${String(b.soleBlocker).padStart(10)}  ${b.status}  ${s.dim(b.examples.slice(0, 2).join(', '))}`);
    }
    if (!verbose && scan.blockers.length > 25) out.push(s.dim(`  … ${scan.blockers.length - 25} more`));
  }
  return out;
}
