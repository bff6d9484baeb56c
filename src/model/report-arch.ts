import type { Report } from './report.js';
import type { Arch } from './vocab.js';

/** The architecture a report's programs are for: the first x86_64 or aarch64 binary's, else x86_64. */
export function archOfReport(report: Report): Arch {
  for (const b of report.binaries) {
    if (b.machine === 'x86_64' || b.machine === 'aarch64') return b.machine;
  }
  return 'x86_64';
}
