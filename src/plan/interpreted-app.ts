import type {
  ExtensionPortView, ExternalLibPort, FormAssessment, InterpretedApp, LibraryEdge, LibraryPortStatus, ModuleFact, PackageFact, PackagePortView, Report,
} from '../model/index.js';
import { DEFAULT_PACKAGE_TABLES, loadKnownPackages, type KnownPackages } from '../data/known-packages.js';
import { loadPythonPort, newestPortRelease, type PythonPortRelease } from '../data/python-port.js';
import { isLibcSoname, matchPorts } from './external-ports.js';
import { packageKey } from '../extract/merge-facts.js';

const CATALOG_NODE = 'unikraft/catalog library/node/* (667ac92e): Node runs only under binary compatibility';

/** How Unikraft provides one soname: a port, the libc, or nothing. */
export function libraryPortStatus(soname: string, ports: ExternalLibPort[]): LibraryPortStatus {
  // glibc's own NEEDED names the loader by path (/lib64/ld-linux-x86-64.so.2)
  if (isLibcSoname(soname.split('/').pop()!)) return { soname, status: 'libc' };
  const { matches, uncovered } = matchPorts(new Map([[soname, undefined]]), ports);
  const m = matches[0];
  if (m) return { soname, status: 'port', port: m.port.port, kconfig: m.port.kconfig, version: m.port.upstreamVersion };
  return { soname, status: uncovered[0]?.reason.startsWith('no Unikraft port') === false ? 'version-mismatch' : 'unported' };
}

/** Every library PATH needs, directly or through other libraries (the library graph's edges, breadth first). */
function libraryClosure(path: string, edges: LibraryEdge[], ports: ExternalLibPort[]): LibraryPortStatus[] {
  const byFrom = new Map<string, LibraryEdge[]>();
  for (const e of edges) byFrom.set(e.from, [...(byFrom.get(e.from) ?? []), e]);
  const out = new Map<string, LibraryPortStatus>();
  const queue: { from: string; via?: string }[] = [{ from: path }];
  const visited = new Set<string>();
  while (queue.length) {
    const { from, via } = queue.shift()!;
    if (visited.has(from)) continue;
    visited.add(from);
    for (const e of byFrom.get(from) ?? []) {
      if (out.has(e.soname)) continue;
      const st = { ...libraryPortStatus(e.soname, ports), ...(via ? { via } : {}), ...(e.resolved ? { resolved: e.resolved } : {}) };
      out.set(e.soname, st);
      // what the libc loads itself (NSS modules, the loader) comes with the libc, natively and in the rootfs alike
      if (e.resolved && st.status !== 'libc') queue.push({ from: e.resolved, via: e.soname });
    }
  }
  return [...out.values()];
}

function knownFor(known: KnownPackages, p: { ecosystem: 'python' | 'node'; name: string }) {
  return Object.entries(known.packages).find(([n]) => packageKey(p.ecosystem, n) === packageKey(p.ecosystem, p.name))?.[1];
}

/** Each package with its compiled modules, their libraries and what Unikraft offers for them. */
function packageViews(report: Report, ports: ExternalLibPort[], py: PythonPortRelease | undefined, known: { python: KnownPackages; node: KnownPackages }): PackagePortView[] {
  const pkgs = report.facts.filter((f): f is PackageFact => f.kind === 'package');
  return pkgs.sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name)).map((p) => {
    const k = knownFor(p.ecosystem === 'python' ? known.python : known.node, p);
    const extensions: ExtensionPortView[] = (p.extensions ?? []).map((e) => {
      const view: ExtensionPortView = { module: e.module, path: e.path, libraries: libraryClosure(e.path, report.libraryGraph, ports) };
      if (p.ecosystem === 'python' && py) {
        const b = py.builtin[e.module.replace(/\./g, '_')];
        view.libPython3 = { builtin: b !== undefined, kconfig: b?.kconfig ?? [] };
      }
      return view;
    });
    return {
      ecosystem: p.ecosystem, name: p.name, ...(p.version ? { version: p.version } : {}),
      kind: p.native === true ? 'native' : p.native === false ? 'pure' : 'unknown',
      ...(p.installed ? { bytes: p.installed.bytes } : {}),
      ...(k?.port ? { port: { repo: k.port.repo, kconfig: k.port.kconfig, version: k.port.version } } : {}),
      ...(k?.libPython3 ? { libPython3Option: k.libPython3 } : {}),
      extensions,
    };
  });
}

const unportedOf = (v: PackagePortView) => v.extensions.flatMap((e) => e.libraries.filter((l) => l.status === 'unported' || l.status === 'version-mismatch').map((l) => ({ e, l })));

/** What stands in the way of lib-python3 (native) for the Python side of the app. */
function assessNativePython(views: PackagePortView[], modules: ModuleFact[], py: PythonPortRelease | undefined, known: KnownPackages, ports: ExternalLibPort[]): FormAssessment {
  const blockers: string[] = [];
  const notes: string[] = [];
  if (!py) blockers.push('no lib-python3 port table');
  for (const m of modules.filter((x) => x.language === 'python' && x.origin === 'stdlib' && x.inPort === false)) {
    blockers.push(`${m.name}: its C extension ${m.extension} is not built into lib-python3 ${py?.ref ?? ''}`.trim());
  }
  for (const v of views.filter((x) => x.ecosystem === 'python')) {
    const k = knownFor(known, v);
    if (v.kind === 'unknown') blockers.push(`${v.name}: whether it has compiled code is not known (not installed in the scanned tree, not in ukport's package table)`);
    if (v.kind !== 'native') continue;
    if (!v.port) {
      (k?.pureFallback ? notes : blockers).push(`${v.name}${v.version ? ` ${v.version}` : ''} has compiled modules (${v.extensions.map((e) => e.module).join(', ') || 'per its package metadata'}) and no Unikraft port${k?.pureFallback ? ': it falls back to pure Python without them' : ': build its C sources into the image or use binary compatibility'}`);
      continue;
    }
    notes.push(`${v.name}: Unikraft port ${v.port.repo.split('/').pop()} (upstream ${v.port.version}${v.version ? `; installed ${v.version}` : ''}) built into lib-python3 with ${v.libPython3Option ?? 'its extension option'}`);
    // what the port builds only with a library port that does not exist
    for (const [sym, feature] of Object.entries(k?.portFeatures ?? {})) {
      if (!ports.some((p) => p.kconfig === sym)) blockers.push(`${v.name}: ${v.port.repo.split('/').pop()} builds ${feature} only with CONFIG_${sym}, and no Unikraft port ukport knows provides ${sym}`);
    }
    for (const e of v.extensions.filter((x) => x.libPython3 && !x.libPython3.builtin)) blockers.push(`${e.module} (${v.name}) is not registered by lib-python3 ${py?.ref ?? ''}`.trim());
  }
  const missing = new Map<string, { status: string; users: Set<string> }>();
  for (const v of views.filter((x) => x.ecosystem === 'python' && !(x.kind === 'native' && !x.port && knownFor(known, x)?.pureFallback))) {
    for (const { e, l } of unportedOf(v)) {
      const m = missing.get(l.soname) ?? { status: l.status, users: new Set<string>() };
      m.users.add(`${e.module}${l.via ? ` via ${l.via}` : ''}`);
      missing.set(l.soname, m);
    }
  }
  for (const [soname, m] of missing) blockers.push(`${soname}: ${m.status === 'unported' ? 'no Unikraft port' : 'the Unikraft port is of another ABI version'} (needed by ${[...m.users].join(', ')})`);
  return { feasible: blockers.length === 0, blockers: [...new Set(blockers)], notes };
}

/**
 * The interpreted side of a report: each package against Unikraft's ports (compiled modules, their libraries,
 * lib-python3 options), what blocks the native form (lib-python3; Node has no port) and the binary-compat form
 * (the catalog's runtime images), and which one ukport recommends. Undefined without Python or Node facts.
 */
export function describeInterpretedApp(report: Report, ports: ExternalLibPort[], pythonPortFile?: string): InterpretedApp | undefined {
  const modules = report.facts.filter((f): f is ModuleFact => f.kind === 'module');
  const packages = report.facts.filter((f): f is PackageFact => f.kind === 'package');
  const languages = (['python', 'node'] as const).filter((l) => modules.some((m) => (l === 'python' ? m.language === 'python' : m.language === 'javascript')) || packages.some((p) => p.ecosystem === l));
  if (languages.length === 0) return undefined;
  const py = newestPortRelease(loadPythonPort(pythonPortFile));
  const known = { python: loadKnownPackages(DEFAULT_PACKAGE_TABLES.python), node: loadKnownPackages(DEFAULT_PACKAGE_TABLES.node) };
  const views = packageViews(report, ports, py, known);
  const native: FormAssessment = languages.includes('node')
    ? { feasible: false, blockers: [`Unikraft has no Node.js port (${CATALOG_NODE})`], notes: [] }
    : assessNativePython(views, modules, py, known.python, ports);
  const rootfsLibs = [...new Set(views.flatMap((v) => v.extensions.flatMap((e) => e.libraries.filter((l) => l.status !== 'libc').map((l) => l.soname))))].sort();
  const bytes = views.reduce((n, v) => n + (v.bytes ?? 0), 0);
  const unknown = views.filter((v) => v.kind === 'unknown').map((v) => v.name);
  const binaryCompat: FormAssessment = {
    feasible: true, blockers: [],
    notes: [
      `the Linux ${languages.join(' and ')} runtime runs on app-elfloader; the app and its ${views.length} package${views.length === 1 ? '' : 's'}${bytes ? ` (${bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`} installed)` : ''} go in the rootfs`,
      ...(rootfsLibs.length ? [`compiled modules need these libraries in the rootfs (the runtime image or wheels must carry them): ${rootfsLibs.join(', ')}`] : []),
      ...(unknown.length ? [`not installed here, so their syscalls are not analysed: ${unknown.join(', ')}`] : []),
    ],
  };
  const why: string[] = [];
  let recommended: InterpretedApp['recommended'];
  if (native.feasible) {
    recommended = 'native';
    why.push('every compiled module the app needs is built into lib-python3 and every library it links has a Unikraft port: a native image is smaller and boots without a Linux userland');
  } else {
    recommended = 'binary-compat';
    why.push(`the native form is blocked (${native.blockers.length} item${native.blockers.length === 1 ? '' : 's'}: ${native.blockers.slice(0, 3).join('; ')}${native.blockers.length > 3 ? '; …' : ''})`);
    why.push('binary compatibility runs the unmodified interpreter and packages the way Unikraft\'s catalog runs Python and Node apps (runtime image + rootfs Dockerfile)');
  }
  return { languages: [...languages], packages: views, native, binaryCompat, recommended, why };
}
