import { U_ABI32, U_DECODE } from '../module-graph.js';
import { followArgs, wrapperCall } from './import-args.js';
import type { ReachParts } from './reach-parts.js';
import type { SiteHit } from './types.js';

const UNKNOWN_SITE = {
  [U_ABI32]: { reason: 'syscall-32bit-abi', message: '32-bit syscall ABI (int 0x80 / sysenter / x32) in 64-bit code' },
  [U_DECODE]: { reason: 'decode-error', message: 'undecodable bytes inside a reachable function' },
} as const;
const NUMBER_UNKNOWN = { reason: 'indirect-syscall', message: 'syscall number not a constant at this site' } as const;

/**
 * What reaching node ID brings: its calls (those a glibc model holds wait), the functions whose address it takes, its
 * imports (run-time loading calls, syscall wrappers in other modules, arguments of feature syscalls), the data regions
 * it references, the gate when it makes an indirect call, and its syscall sites and unresolved sites.
 */
export function expandNode(p: ReachParts, id: number): void {
  const { nodes, work, held, r } = p;
  const mi = nodes.moduleOf(id), mod = p.mods[mi], g = mod.graph, base = nodes.offset[mi], f = id - base;
  p.loads.reached(id);
  held.reached(mi, f);
  const calls = g.calls, refs = g.refs, imps = g.imports.values;
  const heldFrom = held.heldCallsOf(mi, f);
  for (let k = calls.offsets[f], end = calls.offsets[f + 1]; k < end; k++) {
    const c = calls.values[k], m = heldFrom?.get(c);
    if (m === undefined || !held.holdCall(m, id, base + c)) work.visit(base + c, id);
  }
  for (let k = refs.offsets[f], end = refs.offsets[f + 1]; k < end; k++) { const c = refs.values[k]; p.pointerToWrapper(g, c, id); work.visit(base + c, id); }
  for (let i = g.imports.offsets[f], end = g.imports.offsets[f + 1]; i < end; i += 2) {
    const name = g.importNames[imps[i]], addr = imps[i + 1];
    const ov = p.overrideImport(name, mod, id);
    if (ov) {
      if (ov.wrapperParam !== undefined) wrapperCall(r, mod, p.scanner, id, f, addr, name, ov.wrapperParam, p.program);
      continue;
    }
    p.loads.importCall(mi, f, addr, id, imps[i]);
    const target = nodes.importNode(mi, imps[i]);
    if (target < 0) {
      if (!g.importWeak[imps[i]]) r.unknowns.push({ reason: 'unresolved-library', node: id, addr, program: p.program, name, message: `imported function ${name} not found in any loaded library${p.options.override ? ' nor in the native libc\'s function summaries' : ''}` });
      continue;
    }
    held.fromOutside(target, mi);
    work.visit(target, id, name);
    const tm = nodes.moduleOf(target), tg = p.mods[tm].graph, tf = target - nodes.offset[tm];
    if (tg.wrapperParam[tf] >= 0) wrapperCall(r, mod, p.scanner, id, f, addr, name, tg.wrapperParam[tf], p.program);
    else followArgs(r, mod, p.scanner, f, addr, tg, tf, p.features);
  }
  const drefs = g.dataRefs;
  for (let k = drefs.offsets[f], end = drefs.offsets[f + 1]; k < end; k++) p.gate.markRegion(mi, drefs.values[k], id);
  if (g.indirect[f] > 0) { r.indirect += g.indirect[f]; p.gate.openGate(); }
  const ac = g.argConsts?.[f];
  if (Array.isArray(ac)) for (let i = 0; i + 2 < ac.length; i += 3) r.argHits.push({ nr: ac[i], index: ac[i + 1], value: ac[i + 2] });
  const s = g.sites[f], sa = g.siteArgs?.[f];
  const heldIn = held.heldSitesOf(mi, f);
  for (let i = 0; i < s.length; i += 3) {
    const hit: SiteHit = { nr: s[i], node: id, addr: s[i + 1], via: s[i + 2] >= 0 ? g.names[s[i + 2]] : undefined, program: p.program, args: Array.isArray(sa) ? sa : undefined, argsAt: (i / 3) * 6 };
    const m = heldIn?.get(s[i]);
    if (m === undefined || !held.holdSite(m, hit)) r.hits.push(hit);
  }
  const u = g.unknownSites[f];
  for (let i = 0; i < u.length; i += 2) {
    const kind = u[i + 1] === U_ABI32 || u[i + 1] === U_DECODE ? UNKNOWN_SITE[u[i + 1] as 1 | 2] : NUMBER_UNKNOWN;
    r.unknowns.push({ reason: kind.reason, node: id, addr: u[i], program: p.program, message: kind.message });
  }
}
