import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SyscallPrior } from '../model/coverage.js';
import type { LoupePriorsFile } from '../data/tables.js';
import { UkportError } from '../errors.js';
import { makeProvenance } from './git-provenance.js';

/** One dyn.csv row as the Loupe writer (explore.py, CSV mode) prints it. */
export interface LoupeRow {
  nr: number;
  used: boolean;
  /** Column 2: works faked (returns success) but not stubbed. */
  fakeOnly: boolean;
  /** Column 3: works stubbed (-ENOSYS) but not faked. */
  stubOnly: boolean;
  /** Column 4: works either way. */
  both: boolean;
}

// explore.py: print("# syscall, used, works faked, works stubbed, works both") then
// isused, canfake (lying and NOT stubbed), canstub (stubbed and NOT lying), canboth — the three are disjoint.
// (`loupe search` reads column 2 as "stubbed": the writer is the authority.)
/** Parses a Loupe dyn.csv. */
export function parseDynCsv(text: string): LoupeRow[] {
  const rows: LoupeRow[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+/g, '');
    if (!line || line.startsWith('#')) continue;
    const c = line.split(',');
    if (c.length < 5 || !/^\d+$/.test(c[0]!)) continue;
    rows.push({ nr: Number(c[0]), used: c[1] === 'Y', fakeOnly: c[2] === 'Y', stubOnly: c[3] === 'Y', both: c[4] === 'Y' });
  }
  return rows;
}

function dirs(p: string): string[] {
  return existsSync(p) ? readdirSync(p).filter((n) => !n.startsWith('.') && statSync(join(p, n)).isDirectory()).sort() : [];
}

/** Per-syscall priors over every app of a loupedb checkout: an app counts as stub-/fake-ok only if every one of its runs agreed. */
export function syncLoupe(dbDir: string, nameOf: (nr: number) => string | undefined): LoupePriorsFile & { apps: string[] } {
  const perSyscall = new Map<string, SyscallPrior & { required: number }>();
  const apps: string[] = [];
  for (const app of dirs(dbDir)) {
    // app → workload → run hash → data/dyn.csv
    const verdict = new Map<string, { stub: boolean; fake: boolean }>();
    for (const wl of dirs(join(dbDir, app))) {
      for (const run of dirs(join(dbDir, app, wl))) {
        const csv = join(dbDir, app, wl, run, 'data', 'dyn.csv');
        if (!existsSync(csv)) continue;
        for (const r of parseDynCsv(readFileSync(csv, 'utf8'))) {
          if (!r.used) continue;
          const name = nameOf(r.nr);
          if (!name) continue;
          const prev = verdict.get(name) ?? { stub: true, fake: true };
          verdict.set(name, { stub: prev.stub && (r.stubOnly || r.both), fake: prev.fake && (r.fakeOnly || r.both) });
        }
      }
    }
    if (verdict.size === 0) continue;
    apps.push(app);
    for (const [name, v] of verdict) {
      const p = perSyscall.get(name) ?? { apps: 0, stubOk: 0, fakeOk: 0, required: 0 };
      p.apps++;
      if (v.stub) p.stubOk++;
      if (v.fake) p.fakeOk++;
      if (!v.stub && !v.fake) p.required++;
      perSyscall.set(name, p);
    }
  }
  if (apps.length === 0) throw new UkportError('unsupported-input', 'no <app>/<workload>/<run>/data/dyn.csv found: not a loupedb checkout', dbDir);
  const priors: Record<string, SyscallPrior> = {};
  for (const [n, p] of [...perSyscall].sort(([a], [b]) => a.localeCompare(b))) priors[n] = p;
  return {
    provenance: makeProvenance(dbDir, 'https://github.com/unikraft/loupedb', {}, 'tables sync --loupedb'),
    attribution: 'Derived from the Loupe database (github.com/unikraft/loupedb), licensed CC BY 4.0 — H. Lefeuvre, G. Gain, V.-A. Bădoiu et al., "Loupe: Driving the Development of OS Compatibility Layers", ASPLOS 2024. Changes: per-syscall counts over apps (an app counts as stub-/fake-ok only when all its runs agree); x86_64 numbers mapped to names.',
    columns: 'dyn.csv columns per unikraft/loupe explore.py: syscall, used, works faked (not stubbed), works stubbed (not faked), works both',
    apps,
    priors,
  };
}
