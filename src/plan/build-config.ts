import type { UnikraftPort, UnikraftTable } from '../model/index.js';
import { conjunctsOf } from './kconfig-expr.js';
import { checkKconfig, failingDepends, resolveKconfig, type Because, type KconfigProblem, type ResolvedConfig } from './kconfig-resolve.js';
import type { KconfigWorld } from './kconfig-world.js';
import type { TargetSpec } from './targets.js';

/** One target's complete configuration: what Kconfig makes of the plan's fragment plus the target's symbols. */
export interface TargetBuild {
  spec: TargetSpec;
  resolved: ResolvedConfig;
  /** Libraries the target alone turns on (platform, bus, console), whatever the app. */
  baseline: Set<string>;
  problems: KconfigProblem[];
}

/** A port's library name as plans and Kraftfiles use it: lib-libelf → libelf, lib-lwip → lwip. */
export function portLibraryName(port: UnikraftPort): string {
  return port.name.replace(/^lib-/, '');
}

/** Library name → its switch symbol: the libraries of TABLE that have one, then the ports' libraries it lacks. */
export function librarySwitches(table: UnikraftTable, ports: UnikraftPort[] = []): Map<string, string> {
  const out = new Map(Object.values(table.libraries).filter((l) => l.kconfig).map((l) => [l.name, l.kconfig]));
  const taken = new Set(out.values());
  for (const p of ports) if (p.switch && !taken.has(p.switch) && !out.has(portLibraryName(p))) out.set(portLibraryName(p), p.switch);
  return out;
}

/** Libraries whose switch is y in VALUES. */
export function librariesOn(switches: Map<string, string>, values: Map<string, string>): Set<string> {
  return new Set([...switches].filter(([, sym]) => values.get(sym) === 'y').map(([name]) => name));
}

/** Whether A's or B's `depends on` has a top-level `!other`: the two can never be on together (ukmmap and posix-mmap). */
export function excludes(world: KconfigWorld, a: string, b: string): boolean {
  const negates = (x: string, y: string) => (world.entries.get(x)?.dependsOn ?? []).some((d) => conjunctsOf(d).some((alts) => alts.length === 1 && alts[0]!.replace(/[()\s]/g, '') === `!${y}`));
  return negates(a, b) || negates(b, a);
}

/** Problems that are the emitted configuration's own (not a port's Config.uk written for another release). */
export function ownProblems(problems: KconfigProblem[]): KconfigProblem[] {
  return problems.filter((p) => p.kind !== 'undefined-select');
}

/**
 * Resolves and checks the fragment REQUESTED for each target; the baseline is the target's symbols alone in
 * BASE_WORLD (the world without the application, whose own Config.uk turns libraries on).
 */
export function buildTargets(world: KconfigWorld, baseWorld: KconfigWorld, switches: Map<string, string>, targets: TargetSpec[], requested: Map<string, string>): TargetBuild[] {
  return targets.map((spec) => {
    // a cut-down table may lack the architecture and platform symbols: only those it defines are resolved
    const own = spec.symbols.filter(([s]) => world.entries.has(s));
    const req = new Map([...own, ...requested]);
    const resolved = resolveKconfig(world, req);
    const base = resolveKconfig(baseWorld, new Map(own));
    const baseline = librariesOn(switches, base.values);
    // what the platform alone already breaks is the release's (firecracker selects VIRTIO_MMIO_LINUX_COMPAT_CMDLINE without
    // virtio-mmio), and so are undefined selects of its own Config.uk files; a port's undefined select is a version mismatch
    const already = new Set(checkKconfig(baseWorld, new Map(own), base).map((p) => `${p.kind} ${p.symbol}`));
    const problems = checkKconfig(world, req, resolved).filter((p) => !already.has(`${p.kind} ${p.symbol}`)
      && (p.kind !== 'undefined-select' || !world.origin.get(p.symbol)?.startsWith('unikraft ')));
    return { spec, resolved, baseline, problems };
  });
}

/** `selected by X` / `implied by X` / `default` as a plan reason. */
export function becauseText(b: Because | undefined): string {
  if (!b || b.how === 'requested') return 'requested';
  return b.how === 'default' ? 'kconfig:default' : `kconfig:${b.how} by ${b.by}`;
}

/**
 * Symbols a fragment must add so that none of its y symbols is dropped for a missing positive dependency
 * (LIBPOSIX_PROCESS_BRK `depends on LIBPOSIX_PROCESS_MULTITHREADING`): for each failing conjunct with no alternative
 * on, its first positive alternative the world defines. Negated dependencies are left to the check. Returns each
 * added symbol with the symbol that needs it.
 */
export function completeDepends(world: KconfigWorld, requested: Map<string, string>): Map<string, string> {
  const added = new Map<string, string>();
  const req = new Map(requested);
  for (let round = 0; round < 8; round++) {
    const { values } = resolveKconfig(world, req);
    let changed = false;
    for (const [sym, want] of req) {
      if (want !== 'y' || values.get(sym) === 'y' || !world.entries.has(sym)) continue;
      for (const expr of failingDepends(world, sym, values)) {
        for (const alts of conjunctsOf(expr)) {
          const clean = alts.map((a) => a.replace(/[()\s]/g, ''));
          if (clean.some((a) => (a.startsWith('!') ? values.get(a.slice(1)) !== 'y' : values.get(a) === 'y'))) continue;
          const pick = clean.find((a) => !a.startsWith('!') && /^[A-Z0-9_]+$/.test(a) && world.entries.has(a) && !req.has(a));
          if (!pick) continue;
          req.set(pick, 'y');
          added.set(pick, sym);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return added;
}
