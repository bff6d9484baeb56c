import { U_DECODE, type ModuleGraph } from './module-graph.js';
import type { FunctionTable } from './functions.js';
import { isDescribed, type DescribedCode } from './function-starts.js';
import type { ScanLog } from './scan-log.js';
import type { BranchSites } from './wrappers.js';

/** Undecodable bytes kept per function while building, and listed as unknowns per function at most. */
const MAX_KEPT = 4096, LISTED = 8;

/**
 * Undecodable bytes met by a module's sweep, and which of them are unknowns: only those that may run. Bytes no control
 * flow reaches from their function's start, bytes past the end an FDE or symbol gives their function, and the bytes of
 * a table in code are data (OpenSSL's perlasm keeps its tables in .text), not unknowns.
 */
export class DecodeErrors {
  private readonly byFunction = new Map<number, number[]>();

  add(fn: number, addr: number): void {
    let l = this.byFunction.get(fn);
    if (!l) this.byFunction.set(fn, (l = []));
    if (l.length < MAX_KEPT) l.push(addr);
  }

  /** Lists the errors that may run among G's unknown sites (in address order with the others). POINTED, OBJECTS: see tablesInCode. */
  list(g: ModuleGraph, fns: FunctionTable, log: ScanLog, branches: BranchSites, described: DescribedCode, pointed: Set<number>, objects: DescribedCode): void {
    if (this.byFunction.size === 0) return;
    const tables = described.starts.length > 0 ? tablesInCode(fns, branches, described, pointed, objects) : new Set<number>();
    for (const [fn, errors] of this.byFunction) {
      if (tables.has(fn)) continue;
      const own = isDescribed(described, fns.starts[fn]) ? errors.filter((a) => isDescribed(described, a)) : errors;
      const kept = (log.reachableErrors(fns.starts[fn], fns.ends[fn], own) ?? own).slice(0, LISTED);
      if (kept.length > 0) g.unknownSites[fn] = mergeSites(g.unknownSites[fn], kept.flatMap((a) => [a, U_DECODE]));
    }
  }
}

/**
 * Functions that are data read as code, in a module whose code FDEs or symbols describe: outside what they describe,
 * with a start nothing else names (POINTED: entry, init arrays, pointers in data, function symbols; an untyped label
 * such as perlasm's K256 may name a table) or a start inside an object a symbol declares (OBJECTS: a data word of a
 * position-dependent program that names the object points at data), and entered by no direct branch from code
 * outside the set (a table whose address code takes, and the "branches" its bytes decode to).
 */
export function tablesInCode(fns: FunctionTable, branches: BranchSites, described: DescribedCode, pointed: Set<number>, objects: DescribedCode = { starts: [], ends: [] }): Set<number> {
  const data = new Set<number>();
  fns.starts.forEach((a, fn) => { if ((!pointed.has(a) || isDescribed(objects, a)) && !isDescribed(described, a)) data.add(fn); });
  // greatest fixpoint: whatever code outside the set enters is code
  for (let changed = true; changed;) {
    changed = false;
    for (let b = 0; b < branches.callee.length; b++) {
      if (data.has(branches.callee[b]) && !data.has(branches.fn[b])) { data.delete(branches.callee[b]); changed = true; }
    }
  }
  return data;
}

/** Two flat [address, kind] lists merged in address order (a stable merge: A first at equal addresses). */
function mergeSites(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] <= b[j])) { out.push(a[i], a[i + 1]); i += 2; } else { out.push(b[j], b[j + 1]); j += 2; }
  }
  return out;
}
