import { LIBC_MODELS } from '../libc-models.js';
import type { ReachParts } from './reach-parts.js';

/**
 * What each model still holding code would add: release it alone, follow what that reaches, keep the syscalls not
 * predicted before, then put every output back. Code one model's release reaches counts as reached for the next.
 */
export function probeHeldModels(p: ReachParts, expand: (p: ReachParts, id: number) => void): void {
  const { r, held, work } = p;
  const models = held.heldModels();
  if (models.length === 0) return;
  const predicted = new Set(r.hits.map((h) => h.nr));
  const saved = { hits: r.hits.length, unknowns: r.unknowns.length, argHits: r.argHits.length, dlopens: r.dlopens.length, overridden: r.overridden.length,
    indirect: r.indirect, depthCut: work.depthCut, dlsymUnknown: r.dlsymUnknown, nssFrom: r.nssFrom };
  held.probing = true;
  for (const k of models) {
    const from = r.hits.length;
    held.release(k, true);
    p.drain(expand);
    const adds = [...new Set(r.hits.slice(from).map((h) => h.nr))].filter((nr) => !predicted.has(nr)).sort((a, b) => a - b);
    for (const nr of adds) predicted.add(nr);
    for (const h of r.held) if (h.model === LIBC_MODELS[k].id) h.adds = adds;
  }
  r.hits.length = saved.hits; r.unknowns.length = saved.unknowns; r.argHits.length = saved.argHits; r.dlopens.length = saved.dlopens;
  r.overridden.length = saved.overridden;
  work.depthCut = saved.depthCut;
  Object.assign(r, { indirect: saved.indirect, depthCut: saved.depthCut, dlsymUnknown: saved.dlsymUnknown, nssFrom: saved.nssFrom });
}
