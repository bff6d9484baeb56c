import type { Fact, ModuleFact, Plan, PlannedLibrary, UncoveredNeed } from '../model/index.js';

const REPO = 'https://github.com/unikraft/lib-python3';

/** What a Python app adds to a plan: Unikraft's Python port, the Kconfig of the extensions it uses, what the port lacks. */
export interface PythonPortPlan {
  library: PlannedLibrary;
  kconfig: string[];
  uncovered: UncoveredNeed[];
  rootfs: string[];
}

/**
 * Plans lib-python3 for the Python module facts (imports and compiled extension modules): the port library,
 * `CONFIG_LIBPYTHON3_EXTENSIONS` plus each used extension's options, and every extension the port does not build in
 * as an uncovered need. Undefined when the app has no Python.
 */
export function planPythonPort(facts: readonly Fact[]): PythonPortPlan | undefined {
  const mods = facts.filter((f): f is ModuleFact => f.kind === 'module' && f.language === 'python');
  if (mods.length === 0) return undefined;
  const kconfig = new Set<string>(['CONFIG_LIBPYTHON3=y']);
  const uncovered: UncoveredNeed[] = [];
  for (const m of mods) {
    for (const k of m.portKconfig ?? []) { kconfig.add('CONFIG_LIBPYTHON3_EXTENSIONS=y'); kconfig.add(`${k}=y`); }
    if (m.inPort === false) {
      uncovered.push({ kind: 'library', name: `python:${m.extension ?? m.name}`, status: 'missing-required', severity: 'error',
        reason: m.native ? `compiled extension module ${m.name} (${m.evidence[0]?.artifact ?? '?'}) is not built into lib-python3` : `import ${m.name} needs the ${m.extension} extension, which lib-python3 does not build in` });
    }
  }
  const sources = [...new Set(mods.flatMap((m) => m.evidence.map((e) => e.artifact)))].sort();
  return {
    library: { name: 'lib-python3', kconfig: 'LIBPYTHON3', role: 'port', repo: REPO, because: [...new Set(mods.map((m) => `module:python:${m.name}`))].sort() },
    kconfig: [...kconfig],
    uncovered,
    rootfs: [`the Python standard library and the app's modules (${sources.length} file${sources.length === 1 ? '' : 's'}, e.g. ${sources.slice(0, 3).join(', ')})`],
  };
}

/**
 * Adds the Python port to a native PLAN when the facts show Python (kept separate so the core planner stays
 * language-free). Under binary compatibility the Linux interpreter runs on app-elfloader: only the rootfs grows.
 */
export function withPythonPort(plan: Plan, facts: readonly Fact[]): Plan {
  const py = planPythonPort(facts);
  if (!py) return plan;
  if (plan.mode === 'binary-compat') return { ...plan, rootfs: [...(plan.rootfs ?? []), `the Linux python3 interpreter with ${py.rootfs[0]!}`] };
  return {
    ...plan,
    libraries: [...plan.libraries.filter((l) => l.name !== py.library.name), py.library],
    kconfig: [...new Set([...plan.kconfig, ...py.kconfig])],
    uncovered: [...plan.uncovered, ...py.uncovered],
    rootfs: [...(plan.rootfs ?? []), ...py.rootfs],
  };
}
