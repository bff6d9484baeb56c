import type { ModuleGraph } from '../elf/module-graph.js';
import { P_FUNCTION } from '../elf/data-regions.js';

const WORDS = 32; // 1024 syscall numbers

/**
 * Syscall numbers reachable from every function of one module: one bottom-up pass over the strongly
 * connected components of calls and address references (Tarjan emits callees first). A function that
 * reaches an indirect call also reaches every function whose address the module stores in data.
 */
export function summarizeFunctions(g: ModuleGraph): Uint32Array[] {
  const n = g.names.length;
  const sets = Array.from({ length: n }, () => new Uint32Array(WORDS));
  const indirect = new Uint8Array(n);
  for (let f = 0; f < n; f++) {
    for (let i = 0; i < g.sites[f].length; i += 3) { const nr = g.sites[f][i]; if (nr < WORDS * 32) sets[f][nr >>> 5] |= 1 << (nr & 31); }
    if (g.indirect[f] > 0) indirect[f] = 1;
  }
  const succ = Array.from({ length: n }, (_x, f) => [...g.calls.at(f), ...g.refs.at(f)]);
  forEachComponent(n, succ, (members) => {
    const acc = new Uint32Array(WORDS);
    let ind = 0;
    for (const f of members) {
      for (let w = 0; w < WORDS; w++) acc[w] |= sets[f][w];
      ind |= indirect[f];
      for (const c of succ[f]) { for (let w = 0; w < WORDS; w++) acc[w] |= sets[c][w]; ind |= indirect[c]; }
    }
    for (const f of members) { sets[f].set(acc); indirect[f] = ind; }
  });
  const viaData = new Uint32Array(WORDS);
  // per-function summaries do not track data objects: every function stored anywhere in data counts
  const stored = [...g.dataRoots];
  for (const l of g.regionPointers) for (const e of l) if ((e & 3) === P_FUNCTION) stored.push(e >>> 2);
  for (const r of stored) for (let w = 0; w < WORDS; w++) viaData[w] |= sets[r][w];
  for (let f = 0; f < n; f++) if (indirect[f]) for (let w = 0; w < WORDS; w++) sets[f][w] |= viaData[w];
  return sets;
}

/** Iterative Tarjan: calls EACH with every strongly connected component, successors' components first. */
function forEachComponent(n: number, succ: number[][], each: (members: number[]) => void): void {
  const index = new Int32Array(n).fill(-1), low = new Int32Array(n), onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++; stack.push(root); onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, i] = top;
      if (i < succ[v].length) {
        top[1]++;
        const w = succ[v][i];
        if (index[w] < 0) { index[w] = low[w] = counter++; stack.push(w); onStack[w] = 1; work.push([w, 0]); }
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) { const u = work[work.length - 1][0]; low[u] = Math.min(low[u], low[v]); }
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack[w] = 0; members.push(w); } while (w !== v);
        each(members);
      }
    }
  }
}

/** The numbers in a bit set. */
export function numbersOf(set: Uint32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < set.length; w++) for (let b = 0; b < 32; b++) if (set[w] & (1 << b)) out.push(w * 32 + b);
  return out;
}
