import type { ExternalLibPort, InterpretedApp, ModuleFact, PackageFact, Plan, PlannedLibrary, UncoveredNeed } from '../model/index.js';
import { loadPythonPort, newestPortRelease } from '../data/python-port.js';
import { DEFAULT_PACKAGE_TABLES, loadKnownPackages } from '../data/known-packages.js';

const REPO = 'https://github.com/unikraft/lib-python3';

/** What a Python app adds to a native plan: lib-python3, the package ports and library ports its modules need, Kconfig, gaps. */
export interface PythonPortPlan {
  libraries: PlannedLibrary[];
  kconfig: string[];
  uncovered: UncoveredNeed[];
  rootfs: string[];
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

/**
 * Plans lib-python3 for the app's Python facts: the port, `CONFIG_LIBPYTHON3_EXTENSIONS` and each used extension's
 * options (stdlib extensions and the packages lib-python3 registers, such as Pillow), the Unikraft ports those options
 * need (`if LIBSQLITE` in lib-python3's Config.uk → lib-sqlite; Pillow → lib-python-pillow), the library ports of
 * every compiled module's libraries, and as uncovered: extensions the port lacks, unported libraries, packages with
 * compiled code and no port, packages of unknown nature. Undefined when the app has no Python.
 */
export function planPythonPort(facts: readonly (ModuleFact | PackageFact | { kind: string })[], app: InterpretedApp | undefined, ports: ExternalLibPort[], portFile?: string): PythonPortPlan | undefined {
  const known = loadKnownPackages(DEFAULT_PACKAGE_TABLES.python).packages;
  const mods = facts.filter((f): f is ModuleFact => f.kind === 'module' && (f as ModuleFact).language === 'python');
  const views = (app?.packages ?? []).filter((v) => v.ecosystem === 'python');
  if (mods.length === 0 && views.length === 0) return undefined;
  const py = newestPortRelease(loadPythonPort(portFile));
  const kconfig = new Set<string>(['CONFIG_LIBPYTHON3=y']);
  const uncovered: UncoveredNeed[] = [];
  const libs = new Map<string, PlannedLibrary>();
  const addLib = (lib: Omit<PlannedLibrary, 'because'>, because: string) => {
    const l = libs.get(lib.name) ?? { ...lib, because: [] };
    if (!l.because.includes(because)) l.because.push(because);
    libs.set(lib.name, l);
  };
  const because = new Set<string>();
  const options = new Set<string>();
  for (const m of mods) {
    if (m.portKconfig?.length || m.inPort === false || m.native || m.features?.length) because.add(`module:python:${m.name}`);
    for (const k of m.portKconfig ?? []) options.add(k);
    if (m.inPort === false && !m.package) {
      uncovered.push({ kind: 'library', name: `python:${m.extension ?? m.name}`, status: 'missing-required', severity: 'error',
        reason: m.native ? `compiled extension module ${m.name} (${m.evidence[0]?.artifact ?? '?'}) is not built into lib-python3` : `import ${m.name} needs the ${m.extension} extension, which lib-python3 does not build in` });
    }
  }
  for (const v of views) {
    because.add(`package:python:${v.name}`);
    if (v.port && v.libPython3Option) {
      options.add(v.libPython3Option);
      addLib({ name: v.port.repo.split('/').pop()!, kconfig: v.port.kconfig, version: v.port.version, role: 'port', repo: v.port.repo }, `package:python:${v.name}`);
      for (const e of v.extensions) for (const k of e.libPython3?.kconfig ?? []) options.add(k);
      // not installed here: the libraries its port builds features with, where Unikraft ports them (Pillow: zlib, libtiff, lcms2, ...)
      if (v.extensions.length === 0) for (const sym of Object.keys(known?.[v.name]?.portFeatures ?? {})) if (ports.some((p) => p.kconfig === sym)) options.add(`CONFIG_${sym}`);
    } else if (v.kind === 'native') {
      const fallback = app?.native.notes.some((n) => n.startsWith(`${v.name} `) && n.includes('falls back to pure Python'));
      uncovered.push(fallback
        ? { kind: 'library', name: `python:${v.name}`, status: 'stubbable', severity: 'warning', reason: `package ${v.name} has compiled modules and no Unikraft port; it falls back to pure Python without them (slower)` }
        : { kind: 'library', name: `python:${v.name}`, status: 'missing-required', severity: 'error', reason: `package ${v.name} has compiled modules and no Unikraft port: build its C sources into the image` });
    } else if (v.kind === 'unknown') {
      uncovered.push({ kind: 'unknown', name: `python:${v.name}`, status: 'unknown', severity: 'warning', reason: `package ${v.name} is not installed in the scanned tree and not in ukport's package table: whether it has compiled code is not known` });
    }
    for (const e of v.extensions) {
      for (const l of e.libraries) {
        if (l.status === 'port') addLib({ name: l.port!, kconfig: l.kconfig!, ...(l.version ? { version: l.version } : {}), role: 'port', repo: `https://github.com/unikraft/${l.port}` }, `soname:${l.soname}`);
        else if (l.status !== 'libc' && v.port) {
          uncovered.push({ kind: 'library', name: l.soname, status: 'missing-required', severity: 'error', reason: `${e.module} (${v.name}) links ${l.soname}${l.via ? ` through ${l.via}` : ''}, which has no Unikraft port${l.status === 'version-mismatch' ? ' of that ABI version' : ''}` });
        }
      }
    }
  }
  // every option other than lib-python3's own extension switches is a library's symbol (CONFIG_LIBLITTLECMS): it needs that port
  for (const opt of options) {
    const sym = opt.replace(/^CONFIG_/, '');
    if (sym.startsWith('LIBPYTHON3_EXTENSION')) {
      kconfig.add('CONFIG_LIBPYTHON3_EXTENSIONS=y');
      kconfig.add(`${opt}=y`);
      for (const req of py?.extensionRequires?.[opt] ?? []) requireSymbol(req, `kconfig:${opt}`);
    } else requireSymbol(sym, `kconfig:${opt}`);
  }
  function requireSymbol(sym: string, why: string): void {
    if ([...libs.values()].some((l) => l.kconfig === sym)) return;
    const port = ports.find((p) => p.kconfig === sym);
    if (port) { addLib({ name: port.port, kconfig: port.kconfig, version: port.upstreamVersion, role: 'port', repo: port.provenance?.repo ?? `https://github.com/unikraft/${port.port}` }, why); return; }
    uncovered.push({ kind: 'library', name: sym, status: 'missing-required', severity: 'error', reason: `${why.replace('kconfig:', '')} exists only when ${sym} is selected, and no port ukport knows provides ${sym}` });
  }
  for (const l of libs.values()) kconfig.add(`CONFIG_${l.kconfig}=y`);
  const sources = [...new Set(mods.filter((m) => m.origin !== 'third-party').flatMap((m) => m.evidence.map((e) => e.artifact)))].filter((p) => !/(site|dist)-packages\//.test(p)).sort();
  const pure = views.filter((v) => v.kind === 'pure');
  const rootfs = [`the Python standard library and the app's modules (${sources.length} file${sources.length === 1 ? '' : 's'}${sources.length ? `, e.g. ${sources.slice(0, 3).join(', ')}` : ''})`];
  if (pure.length) rootfs.push(`pure-Python packages: ${pure.map((v) => `${v.name}${v.version ? ` ${v.version}` : ''}${v.bytes ? ` (${mb(v.bytes)})` : ''}`).join(', ')}`);
  const portLib: PlannedLibrary = { name: 'lib-python3', kconfig: 'LIBPYTHON3', role: 'port', repo: REPO, because: [...because].sort(), ...(py ? { version: py.python } : {}) };
  return { libraries: [portLib, ...[...libs.values()].sort((a, b) => a.name.localeCompare(b.name))], kconfig: [...kconfig].sort(), uncovered, rootfs };
}

/**
 * Adds the Python port to a native PLAN when the facts show Python (kept separate so the core planner stays
 * language-free). Under binary compatibility the Linux interpreter runs on app-elfloader: only the rootfs grows.
 */
export function withPythonPort(plan: Plan, facts: readonly (ModuleFact | PackageFact | { kind: string })[], app?: InterpretedApp, ports: ExternalLibPort[] = []): Plan {
  const py = planPythonPort(facts, app, ports);
  if (!py) return plan;
  if (plan.mode === 'binary-compat') return { ...plan, rootfs: [...(plan.rootfs ?? []), `the Linux python3 interpreter with ${py.rootfs.join('; ')}`] };
  const names = new Set(py.libraries.map((l) => l.name));
  return {
    ...plan,
    libraries: [...plan.libraries.filter((l) => !names.has(l.name)), ...py.libraries],
    kconfig: [...new Set([...plan.kconfig, ...py.kconfig])],
    uncovered: [...plan.uncovered.filter((u) => !(u.kind === 'library' && py.uncovered.some((p) => p.name === u.name))), ...py.uncovered],
    rootfs: [...(plan.rootfs ?? []), ...py.rootfs],
  };
}
