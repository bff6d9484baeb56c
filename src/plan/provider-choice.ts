import { closeLibraries, type LibraryGraph } from './library-graph.js';

/** The documented tie-break when several micro-libraries provide one syscall. */
export const TIE_BREAK = 'a provider already in the plan (or turned on by the application, libc or platform) wins; a provider that cannot be on with a planned library (ukmmap `depends on !LIBPOSIX_MMAP`) is never chosen; else the one whose select/depends closure adds the fewest libraries; else the release table\'s primary provider (declared first)';

/** What provider choice needs besides the graph. */
export interface ChoiceContext {
  /** Libraries the configuration has on anyway (the application's and libc's selects and implies, the platform's). */
  present: ReadonlySet<string>;
  /** Those of PRESENT that cannot be turned off (requested or selected; not a port's soft `imply`): only they exclude. */
  hard: ReadonlySet<string>;
  /** Whether two libraries exclude each other (one depends on the other's absence). */
  excludes: (a: string, b: string) => boolean;
}

/**
 * Greedy provider choice by TIE_BREAK, then pruning: drop any chosen library whose needs the rest still cover.
 * WANTED: [need, providers] pairs, primary provider first.
 */
export function chooseProviders(g: LibraryGraph, seeds: string[], wanted: [string, string[]][], ctx: ChoiceContext): { chosen: string[]; blocked: Map<string, string> } {
  const chosen: string[] = [];
  const blockedNeeds = new Map<string, string>();
  let current = closeLibraries(g, seeds);
  const onAnyway = (p: string) => current.has(p) || ctx.present.has(p);
  const blocker = (p: string) => [...current.keys(), ...ctx.hard].find((q) => q !== p && ctx.excludes(p, q));
  const blocked = (p: string) => blocker(p) !== undefined;
  // needs with one provider first: their choice is forced, and the choices with a say then respect it
  const order = [...wanted].sort((a, b) => Math.min(a[1].length, 2) - Math.min(b[1].length, 2));
  for (const [need, providers] of order) {
    const anyway = providers.find((p) => onAnyway(p) && !blocked(p));
    if (anyway) {
      // free: listed so that the plan shows what serves the need
      if (!current.has(anyway)) { chosen.push(anyway); current = closeLibraries(g, [...seeds, ...chosen]); }
      continue;
    }
    const pool = providers.filter((p) => !blocked(p));
    if (pool.length === 0) {
      blockedNeeds.set(need, providers.map((p) => `${p} cannot be on with ${blocker(p)}`).join('; '));
      continue;
    }
    let best = pool[0]!;
    let bestCost = Infinity;
    for (const p of pool) {
      const cost = closeLibraries(g, [...current.keys(), p]).size - current.size;
      if (cost < bestCost) { best = p; bestCost = cost; }
    }
    chosen.push(best);
    current = closeLibraries(g, [...seeds, ...chosen]);
  }
  for (const lib of [...chosen].reverse()) {
    const rest = chosen.filter((c) => c !== lib);
    const set = closeLibraries(g, [...seeds, ...rest]);
    if (wanted.every(([n, ps]) => blockedNeeds.has(n) || ps.some((p) => set.has(p)))) chosen.splice(chosen.indexOf(lib), 1);
  }
  return { chosen, blocked: blockedNeeds };
}
