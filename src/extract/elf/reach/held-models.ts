import type { Arch } from '../../../model/index.js';
import { LIBC_MODELS, isGlibcModule, modelsFor, syscallWitnesses, type ModuleModels } from '../libc-models.js';
import type { ProgramNodes } from './program-nodes.js';
import type { HeldReport, ProgramModule, SiteHit, UnknownHit } from './types.js';

/**
 * The glibc models of a reach (libc-models.ts): calls and syscall sites held back until what they need is reachable in
 * any module. A model is released by a witness function being reached, by a call into glibc from outside it, or by a
 * syscall made outside glibc; releasing it follows the calls and counts the sites it held.
 */
export class HeldModels {
  /** Per module: whether it is a glibc (its own calls do not release "called from outside" models). */
  private readonly glibc: boolean[];
  private readonly models: (ModuleModels | undefined)[];
  private readonly live = new Uint8Array(LIBC_MODELS.length);
  /** Per model: held calls as (from, to) node pairs, and held sites. */
  readonly heldEdges = new Map<number, number[]>();
  readonly heldSites = new Map<number, SiteHit[]>();
  /** While the probe measures what one held model would add, only that model is released. */
  probing = false;
  private readonly witnessSyscalls: Map<number, number[]>;
  private hitsSeen = 0;
  private unknownsSeen = 0;

  constructor(mods: ProgramModule[], private readonly nodes: ProgramNodes, enabled: boolean, arch: Arch,
    private readonly follow: (to: number, from: number) => void, private readonly count: (h: SiteHit) => void) {
    this.glibc = mods.map((m) => isGlibcModule(m.loaded.decoded.dynamic.soname, m.role));
    this.models = mods.map((m) => (enabled ? modelsFor(m.graph, m.role, arch) : undefined));
    this.witnessSyscalls = enabled ? syscallWitnesses(arch) : new Map();
  }

  /** Model K's held code runs from now on: its calls are followed and its sites counted (EXPLICIT: the probe's own release). */
  release(k: number, explicit = false): void {
    if (this.live[k] || (this.probing && !explicit)) return;
    this.live[k] = 1;
    const e = this.heldEdges.get(k) ?? [];
    for (let i = 0; i < e.length; i += 2) this.follow(e[i + 1], e[i]);
    for (const h of this.heldSites.get(k) ?? []) this.count(h);
    this.heldEdges.delete(k);
    this.heldSites.delete(k);
  }

  /** Function F of module MI is reached: the models it witnesses are released. */
  reached(mi: number, f: number): void {
    const ks = this.models[mi]?.reached.get(f);
    if (ks) for (const k of ks) this.release(k);
  }

  /** TARGET reached from module REFERRER (a call, a stored pointer, a dlsym): releases models waiting for a call from outside glibc. */
  fromOutside(target: number, referrer: number): void {
    const tm = this.nodes.moduleOf(target), mm = this.models[tm];
    if (!mm || this.glibc[referrer] || referrer === tm) return;
    const ks = mm.outside.get(target - this.nodes.offset[tm]);
    if (ks) for (const k of ks) this.release(k);
  }

  /** The model holding the calls of function F of module MI (a map callee → model), if any. */
  heldCallsOf(mi: number, f: number): Map<number, number> | undefined { return this.models[mi]?.edges.get(f); }

  /** The model holding the sites of function F of module MI (a map syscall → model), if any. */
  heldSitesOf(mi: number, f: number): Map<number, number> | undefined { return this.models[mi]?.sites.get(f); }

  /** Holds the call FROM → TO when model M is not live; false when it is (the call is followed). */
  holdCall(m: number, from: number, to: number): boolean {
    if (this.live[m]) return false;
    push(this.heldEdges, m, from, to);
    return true;
  }

  /** Holds site HIT when model M is not live; false when it is (the site counts). */
  holdSite(m: number, hit: SiteHit): boolean {
    if (this.live[m]) return false;
    push(this.heldSites, m, hit);
    return true;
  }

  /** Whether any model waits for syscalls made outside glibc. */
  get watchesSyscalls(): boolean { return this.witnessSyscalls.size > 0; }

  /** Looks at the sites and unknowns found since the last call: a syscall made outside glibc releases the models waiting for it. */
  syscallsOutside(hits: SiteHit[], unknowns: UnknownHit[]): void {
    for (; this.hitsSeen < hits.length; this.hitsSeen++) {
      const h = hits[this.hitsSeen];
      if (!this.glibc[this.nodes.moduleOf(h.node)]) for (const k of this.witnessSyscalls.get(h.nr) ?? []) this.release(k);
    }
    for (; this.unknownsSeen < unknowns.length; this.unknownsSeen++) {
      const u = unknowns[this.unknownsSeen];
      if (u.reason === 'indirect-syscall' && !this.glibc[this.nodes.moduleOf(u.node)]) for (const ks of this.witnessSyscalls.values()) for (const k of ks) this.release(k);
    }
  }

  /** The models still holding something. */
  heldModels(): number[] { return [...new Set([...this.heldEdges.keys(), ...this.heldSites.keys()])]; }

  /** What stays held, per model and module (`adds` left empty for the probe). */
  report(): HeldReport[] {
    const out: HeldReport[] = [];
    for (const k of this.heldModels()) {
      const byModule = new Map<number, { edges: number; sites: number[] }>();
      const at = (node: number) => { const mi = this.nodes.moduleOf(node); let x = byModule.get(mi); if (!x) byModule.set(mi, (x = { edges: 0, sites: [] })); return x; };
      const e = this.heldEdges.get(k) ?? [];
      for (let i = 0; i < e.length; i += 2) at(e[i]).edges++;
      for (const h of this.heldSites.get(k) ?? []) at(h.node).sites.push(h.nr);
      for (const [module, x] of byModule) out.push({ model: LIBC_MODELS[k].id, module, ...x, adds: [] });
    }
    return out;
  }
}

/** Appends VALUES to the list under KEY. */
function push<T>(lists: Map<number, T[]>, key: number, ...values: T[]): void {
  const l = lists.get(key);
  if (l) l.push(...values); else lists.set(key, values);
}
