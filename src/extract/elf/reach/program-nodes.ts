import type { ProgramModule } from './types.js';

/**
 * The functions of all modules as one node space: module MI's function F is node offset[mi] + F. Imports resolve in
 * ld.so order (the modules' order): the exact `name@version` first, then the plain name.
 */
export class ProgramNodes {
  readonly offset: number[] = [];
  readonly total: number;
  /** Module of each node, as a table: looked up for every node processed and every import followed. */
  private readonly moduleOfNode: Uint32Array;
  private readonly resolved = new Map<string, number>();
  /** Per module, per import index: the node it resolves to (-2 not yet looked up). */
  private readonly importTarget: Int32Array[];

  constructor(readonly mods: ProgramModule[]) {
    let total = 0;
    for (const m of mods) { this.offset.push(total); total += m.graph.names.length; }
    this.total = total;
    this.moduleOfNode = new Uint32Array(total);
    mods.forEach((_m, mi) => this.moduleOfNode.fill(mi, this.offset[mi], mi + 1 < mods.length ? this.offset[mi + 1] : total));
    this.importTarget = mods.map((m) => new Int32Array(m.graph.importNames.length).fill(-2));
  }

  /** The module node ID belongs to. */
  moduleOf(id: number): number { return this.moduleOfNode[id]; }

  /** The node of the first module exporting NAME (exact, then without its version), or -1. */
  resolveImport(name: string): number {
    const hit = this.resolved.get(name);
    if (hit !== undefined) return hit;
    const plain = name.replace(/@.*$/, '');
    let out = -1;
    for (const key of name === plain ? [name] : [name, plain]) {
      for (let m = 0; m < this.mods.length && out < 0; m++) {
        const f = this.mods[m].graph.exports[key];
        if (f !== undefined) out = this.offset[m] + f;
      }
      if (out >= 0) break;
    }
    this.resolved.set(name, out);
    return out;
  }

  /** The node import IDX of module MI resolves to (-1 when no module exports it). */
  importNode(mi: number, idx: number): number {
    let target = this.importTarget[mi][idx];
    if (target === -2) target = this.importTarget[mi][idx] = this.resolveImport(this.mods[mi].graph.importNames[idx]);
    return target;
  }
}
