import type { CodeScanner } from '../scan-types.js';
import { expandNode } from './expand-node.js';
import { probeHeldModels } from './probe-held.js';
import { ReachParts } from './reach-parts.js';
import { rootProgram, rootStartup } from './roots.js';
import type { ProgramModule, Reach, ReachOptions } from './types.js';

/**
 * Reachability over all modules' call graphs. Pass 1 starts at the program's own roots (main, its constructors,
 * functions its start-up code passes on); pass 2 at loader and libc start-up roots (PT_INTERP entry, library
 * constructors, the executable's entry). Sites first reached in pass 2 are start-up only. An indirect call makes
 * every data-referenced function of every module reachable (data-gate.ts); glibc models hold back code until what it
 * needs is reachable (held-models.ts), and what they still hold is measured at the end (probe-held.ts).
 */
export function reachProgram(mods: ProgramModule[], scanner: CodeScanner, options: ReachOptions = {}): Reach {
  const p = new ReachParts(mods, scanner, options);
  p.gate.markActiveModules();
  rootProgram(p);
  p.drain(expandNode);
  p.pass = 1;
  p.gate.startupPass();
  rootStartup(p);
  p.drain(expandNode);
  const { r } = p;
  r.depthCut = p.work.depthCut;
  r.addressTaken = mods.reduce((a, m) => a + m.graph.dataRoots.length, p.gate.dataPointers);
  r.held = p.held.report();
  probeHeldModels(p, expandNode);
  return r;
}
