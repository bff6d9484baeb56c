import type { Evidence } from '../../../model/index.js';
import type { ProgramModule, Reach } from './types.js';

const MAX_CHAIN = 8;

/** Constant arguments per syscall number, by argument index, from the sites and from callers of wrappers. */
export function constArgsByNumber(r: Reach): Map<number, Record<number, number[]>> {
  const out = new Map<number, Record<number, number[]>>();
  const add = (nr: number, index: number, value: number): void => {
    let rec = out.get(nr);
    if (!rec) out.set(nr, (rec = {}));
    const l = (rec[index] ??= []);
    if (!l.includes(value) && l.length < 32) l.push(value);
  };
  for (const h of r.hits) {
    if (!h.args) continue;
    // ARGS holds six arguments per site from ARGSAT (a function's sites share one list) or just this site's
    const at = h.argsAt ?? 0;
    for (let i = 0; i < 6 && at + i < h.args.length; i++) { const v = h.args[at + i]; if (typeof v === 'number' && v >= 0) add(h.nr, i, v); }
  }
  for (const a of r.argHits) add(a.nr, a.index, a.value);
  for (const rec of out.values()) for (const l of Object.values(rec)) l.sort((a, b) => a - b);
  return out;
}

/** Display name of a node: the function's name. */
export function nodeName(r: Reach, id: number): { mod: ProgramModule; name: string } {
  let mi = r.offset.length - 1;
  while (r.offset[mi] > id) mi--;
  return { mod: r.mods[mi], name: r.mods[mi].graph.names[id - r.offset[mi]] };
}

/** Chain from a root to NODE (import names where it crosses modules), bounded to MAX_CHAIN entries. */
export function chainTo(r: Reach, node: number, last: string): string[] {
  const out: string[] = [last];
  let id = node;
  for (let steps = 0; id >= 0 && steps < 10_000; steps++) {
    const { name } = nodeName(r, id);
    out.push(name);
    const raw = r.label[id];
    const l = typeof raw === 'function' ? raw() : raw;
    if (l && l !== name) out.push(l);
    id = r.parent[id];
  }
  out.reverse();
  if (out.length <= MAX_CHAIN) return out;
  // the run-time loading step (dlopen, dlsym, an NSS service) is the evidence a reader needs most: kept when cut
  const tail = MAX_CHAIN - 5;
  const loading = out.slice(3, out.length - tail).findLast((e) => RUNTIME_LOADING_LABEL.test(e));
  return loading ? [...out.slice(0, 3), '…', loading, ...out.slice(out.length - tail)] : [...out.slice(0, 3), '…', ...out.slice(out.length - (MAX_CHAIN - 4))];
}

const RUNTIME_LOADING_LABEL = /^\((dlopen|dlsym|NSS) /;

/** Evidence for a site hit. */
export function siteEvidence(r: Reach, node: number, addr: number, last: string, via?: string): Evidence {
  const { mod, name } = nodeName(r, node);
  return {
    artifact: mod.loaded.path,
    extractor: `${mod.graph.arch}.${via ? 'syscall-wrapper' : 'syscall-site'}`,
    address: '0x' + addr.toString(16),
    function: name,
    chain: chainTo(r, node, last),
    ...(via ? { detail: `number passed to ${via}` } : {}),
  };
}
