import { P_FUNCTION, P_REGION } from '../data-regions.js';
import type { ModuleGraph } from '../module-graph.js';
import type { ReachContext } from './reach-context.js';

/** Per graph, 1 for each region whose marking marks the next one (regionContinues as a table, built once). */
const continuesTables = new WeakMap<ModuleGraph, Uint8Array>();
function continuesOf(g: ModuleGraph): Uint8Array {
  let t = continuesTables.get(g);
  if (!t) {
    t = new Uint8Array(g.regionStarts.length);
    for (const i of g.regionContinues) t[i] = 1;
    continuesTables.set(g, t);
  }
  return t;
}

/**
 * Function pointers stored in data. A region is marked once reachable code references it (or it is a root: a TLS
 * image, a personality slot, an object another module imports); the pointers stored in marked regions become
 * reachable once the pass reaches an indirect call (the gate). The loader's own pointers are start-up machinery:
 * released in pass 2 only. Modules loaded at run time (dlopen, NSS) are inactive until the code that loads them is
 * reached: only then do their data count.
 */
export class DataGate {
  /** Per pass (program, start-up): whether an indirect call has been reached. */
  private readonly open = [false, false];
  /** Per module, allocated when its first region is marked: the node that marked each region (-1 a root, -2 unmarked). */
  private readonly markedFrom: (Int32Array | undefined)[];
  private readonly regionStack: number[] = [];
  /** (module, region, entry) triples of marked regions' pointers waiting for the gate. */
  private readonly pending: number[] = [];
  /** Pointers found in marked regions. */
  dataPointers = 0;
  /** Per module: whether its data counts (modules loaded at run time start inactive). */
  readonly active: boolean[];

  constructor(private readonly p: ReachContext) {
    this.markedFrom = p.mods.map(() => undefined);
    this.active = p.mods.map((m) => m.dlopenedAs === undefined && m.nssService === undefined);
  }

  /** Marks every active module's root regions and imported objects (before any code is reached). */
  markActiveModules(): void {
    this.p.mods.forEach((_m, mi) => { if (this.active[mi]) this.markModuleData(mi, -1); });
  }

  /** Region RI0 of module MI0 is referenced by node FROM (-1: a root): it and what it chains or links to are marked. */
  markRegion(mi0: number, ri0: number, from: number): void {
    const g = this.p.mods[mi0].graph;
    const mf = (this.markedFrom[mi0] ??= new Int32Array(g.regionStarts.length).fill(-2));
    if (mf[ri0] !== -2) return;
    const chained = continuesOf(g);
    const interp = this.p.mods[mi0].role === 'interp';
    const todo = this.regionStack;
    todo.push(ri0);
    while (todo.length > 0) {
      const ri = todo.pop()!;
      if (mf[ri] !== -2) continue;
      mf[ri] = from;
      if (chained[ri]) todo.push(ri + 1);
      for (const e of g.regionPointers[ri]) {
        if ((e & 3) === P_REGION) { todo.push(e >>> 2); continue; }
        this.dataPointers++;
        // released now when the gate is open; kept for later when it is not, or when the loader's pointers wait for pass 2
        if (!this.open[this.p.pass]) this.pending.push(mi0, ri, e);
        else { this.release(mi0, ri, e); if (this.p.pass === 0 && interp) this.pending.push(mi0, ri, e); }
      }
    }
  }

  /** An indirect call is reachable in the current pass: every pointer of a marked region, and every module's data roots, become reachable. */
  openGate(): void {
    const pass = this.p.pass;
    if (this.open[pass]) return;
    this.open[pass] = true;
    for (let i = 0; i < this.pending.length; i += 3) this.release(this.pending[i], this.pending[i + 1], this.pending[i + 2]);
    this.p.mods.forEach((_m, mi) => { if (this.active[mi]) this.releaseDataRoots(mi, -1); });
  }

  /** Pass 2 begins: the gate opened in pass 1 opens again for what waited (the loader's pointers). */
  startupPass(): void {
    if (this.open[0]) this.openGate();
  }

  /** Module MI is loaded at run time by node FROM: its data counts from now on. */
  activate(mi: number, from: number): void {
    if (this.active[mi]) return;
    this.active[mi] = true;
    this.markModuleData(mi, from);
    // objects of MI that modules already loaded import
    const g = this.p.mods[mi].graph;
    this.p.mods.forEach((m, mj) => {
      if (mj === mi || !this.active[mj]) return;
      for (const name of m.graph.objectImports) { const spans = g.objectExports[name] ?? g.objectExports[name.replace(/@.*$/, '')]; if (spans) for (const ri of spans) this.markRegion(mi, ri, from); }
    });
    if (this.open[this.p.pass]) this.releaseDataRoots(mi, from);
  }

  /** Regions read without a visible reference, and data objects one module takes from another (FROM: the node loading MI, or -1). */
  private markModuleData(mi: number, from: number): void {
    const m = this.p.mods[mi];
    for (const ri of m.graph.rootRegions) this.markRegion(mi, ri, from);
    for (const name of m.graph.objectImports) for (const x of this.exporters(name)) if (x.mi !== mi) for (const ri of x.spans) this.markRegion(x.mi, ri, from);
  }

  private exporters(name: string): { mi: number; spans: number[] }[] {
    const out: { mi: number; spans: number[] }[] = [];
    const plain = name.replace(/@.*$/, '');
    this.p.mods.forEach((m, mi) => { const spans = m.graph.objectExports[name] ?? m.graph.objectExports[plain]; if (spans) out.push({ mi, spans }); });
    return out;
  }

  /** Functions of module MI reachable through data once any indirect call is (global-mode pointers, ifunc resolvers). */
  private releaseDataRoots(mi: number, from: number): void {
    const m = this.p.mods[mi], { nodes, work } = this.p;
    if (this.p.pass === 0 && m.role === 'interp') return;
    for (const f of m.graph.dataRoots) {
      const node = nodes.offset[mi] + f;
      this.p.pointerToWrapper(m.graph, f, node);
      if (!work.reached(node)) work.visit(node, from, () => `(address taken) ${m.graph.names[f]}`);
    }
  }

  /** Entry E of region RI of module MI: the function or import it points to becomes reachable. */
  private release(mi: number, ri: number, e: number): void {
    const m = this.p.mods[mi], g = m.graph, { nodes, work } = this.p;
    if (this.p.pass === 0 && m.role === 'interp') return;
    const v = e >>> 2, from = this.markedFrom[mi]![ri];
    if ((e & 3) === P_FUNCTION) {
      const node = nodes.offset[mi] + v;
      this.p.pointerToWrapper(g, v, node);
      if (!work.reached(node)) work.visit(node, from, () => `(pointer in data at 0x${g.regionStarts[ri].toString(16)}) ${g.names[v]}`);
      return;
    }
    const name = g.importNames[v];
    if (this.p.overrideImport(name, m, from >= 0 ? from : nodes.offset[mi])) return;
    const target = nodes.importNode(mi, v);
    if (target < 0) return;
    const tm = nodes.moduleOf(target);
    this.p.pointerToWrapper(this.p.mods[tm].graph, target - nodes.offset[tm], target);
    this.p.held.fromOutside(target, mi);
    if (!work.reached(target)) work.visit(target, from, () => `(pointer in data at 0x${g.regionStarts[ri].toString(16)}) ${name}`);
  }
}
