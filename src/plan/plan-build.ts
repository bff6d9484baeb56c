import type { PlanKconfigProblem, PlannedLibrary, PlannedTarget, UnikraftPort, UnikraftTable } from '../model/index.js';
import { buildTargets, librarySwitches, portLibraryName, type TargetBuild } from './build-config.js';
import type { Because } from './kconfig-resolve.js';
import type { KconfigWorld } from './kconfig-world.js';
import type { TargetSpec } from './targets.js';

/** What the resolved configurations add to the plan. */
export interface BuildOutcome {
  builds: TargetBuild[];
  targets: PlannedTarget[];
  /** Libraries Kconfig turns on beyond the planned closure and the platform (the application's and libc's implies). */
  extras: PlannedLibrary[];
  problems: PlanKconfigProblem[];
}

/** `CONFIG_X=v` lines → X → v (string values unquoted, as the resolver compares them). */
export function requestOf(kconfig: string[]): Map<string, string> {
  return new Map(kconfig.map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i).replace(/^CONFIG_/, ''), l.slice(i + 1).replace(/^"(.*)"$/, '$1')];
  }));
}

function reason(b: Because | undefined, libOf: Map<string, string>): string {
  if (!b || b.how === 'requested') return 'requested';
  if (b.how === 'default') return 'default';
  const lib = libOf.get(b.by);
  const who = lib ? `library:${lib}` : `kconfig:${b.by}`;
  return b.how === 'selected' ? who : `implied by ${who}`;
}

const isDriver = (name: string) => /^(drivers|plat)\//.test(name);

/**
 * Resolves the plan's fragment KCONFIG on every target, then reads back: each target's drivers (what it turns on
 * beyond its own baseline that the closure does not have: netdev driver, bus transport), the libraries Kconfig adds
 * for the first target (listed with the symbol that selects or implies them), and every broken rule.
 */
export function resolvePlanBuild(table: UnikraftTable, ports: UnikraftPort[], worlds: { world: KconfigWorld; base: KconfigWorld }, specs: TargetSpec[], kconfig: string[], closure: ReadonlySet<string>): BuildOutcome {
  const switches = librarySwitches(table, ports);
  const builds = buildTargets(worlds.world, worlds.base, switches, specs, requestOf(kconfig));
  const repoOf = (name: string) => table.libraries[name]?.repo ?? ports.find((p) => portLibraryName(p) === name)?.repo;
  const libOf = new Map([...switches].map(([l, s]) => [s, l]));
  const added = (b: TargetBuild) => [...switches].filter(([lib, sym]) => b.resolved.values.get(sym) === 'y' && !b.baseline.has(lib) && !closure.has(lib));
  const targets: PlannedTarget[] = builds.map((b) => ({
    name: b.spec.name,
    platform: b.spec.platform,
    kconfig: b.spec.symbols.map(([s, v]) => `CONFIG_${s}=${v}`),
    drivers: [...switches].filter(([lib, sym]) => isDriver(lib) && b.resolved.values.get(sym) === 'y' && !b.baseline.has(lib)).map(([lib]) => lib).sort(),
  }));
  const first = builds[0];
  const extras: PlannedLibrary[] = first ? added(first).filter(([lib]) => !isDriver(lib)).map(([name, sym]) => ({
    name, kconfig: sym, role: 'dependency' as const, because: [reason(first.resolved.because.get(sym), libOf)],
    ...(repoOf(name) ? { repo: repoOf(name)! } : {}),
  })) : [];
  const problems = builds.flatMap((b) => b.problems.map((p) => ({ target: b.spec.name, ...p })));
  return { builds, targets, extras, problems };
}
