import { basename, relative } from 'node:path';
import type { Arch, Fact, ModuleFact } from '../../model/index.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
import { DEFAULT_PYTHON_PORT, loadPythonPort, newestPortRelease, type PythonPortRelease } from '../../data/python-port.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import { loadModuleMap, moduleUseFacts, type ModuleFactOptions, type ModuleMap } from './module-map.js';
import { scanPythonImports } from './scan-imports.js';
import { sitePackagesRoot } from './python-packages.js';

/** The shipped map of Python modules to the Linux facilities they need. */
export const DEFAULT_PYTHON_MODULES = new URL('../../../syscall-tables/python-modules.json', import.meta.url).pathname;

/** What Python fact extraction works with: the module map, the port release and the syscall names. */
export interface PythonContext {
  map: ModuleMap;
  port?: PythonPortRelease;
  options: ModuleFactOptions;
}

/** Loads the module map and the lib-python3 table (newest release unless REF names one). */
export function pythonContext(arch: Arch = 'x86_64', ref?: string, files = { modules: DEFAULT_PYTHON_MODULES, port: DEFAULT_PYTHON_PORT }): PythonContext {
  const linux = loadLinuxSyscalls(arch);
  const table = loadPythonPort(files.port);
  const port = ref ? table.releases.find((r) => r.ref === ref || r.ref === `RELEASE-${ref}`) : newestPortRelease(table);
  const extensionStatus = (ext: string) => {
    if (!port) return undefined;
    const b = port.builtin[ext];
    return b ? { inPort: true, ...(b.kconfig ? { kconfig: b.kconfig } : {}) } : { inPort: false };
  };
  return { map: loadModuleMap(files.modules, linux), ...(port ? { port } : {}), options: { language: 'python', arch, linux, extractor: 'python.import', extensionStatus } };
}

/** Facts of one Python source file: the stdlib modules it uses that need Linux facilities, and those syscalls. */
export function pythonSourceFacts(file: string, source: string, ctx: PythonContext): Fact[] {
  return moduleUseFacts(file, scanPythonImports(source), ctx.map, ctx.options);
}

/** A compiled Python extension module: it exports a `PyInit_<name>`. */
export function isPythonExtension(bin: Pick<LoadedElf, 'decoded'>): boolean {
  return bin.decoded.info.exports.some((s) => s.name.startsWith('PyInit_'));
}

/**
 * The dotted module name of an extension module: its package path below site-packages plus the `PyInit_` name
 * (`…/site-packages/PIL/_imaging.cpython-311-x86_64-linux-gnu.so` → `PIL._imaging`); outside site-packages, the name.
 */
export function qualifiedExtensionName(path: string, init: string): string {
  const root = sitePackagesRoot(path);
  if (!root) return init;
  const dirs = relative(root, path).split('/').slice(0, -1);
  return [...dirs, init].join('.');
}

/**
 * A compiled extension module (`PyInit_<name>` exported) is a Python module written in C: a ModuleFact marked
 * native, whose port status says whether lib-python3 builds a module of that name in (lib-python3 registers
 * `PIL._imaging` as `PIL__imaging`).
 */
export function pythonExtensionFacts(bin: LoadedElf, ctx: PythonContext): Fact[] {
  const out: Fact[] = [];
  for (const s of bin.decoded.info.exports) {
    const m = /^PyInit_(\w+)$/.exec(s.name);
    if (!m || s.type !== 'func') continue;
    const name = qualifiedExtensionName(bin.path, m[1]!);
    const f: ModuleFact = { kind: 'module', language: 'python', name, native: true, extension: name, origin: sitePackagesRoot(bin.path) ? 'third-party' : 'local',
      evidence: [{ artifact: bin.path, extractor: 'python.extension', detail: `${s.name} in ${basename(bin.path)}` }] };
    const st = ctx.options.extensionStatus?.(name.replace(/\./g, '_'));
    if (st) { f.inPort = st.inPort; if (st.kconfig) f.portKconfig = st.kconfig; }
    out.push(f);
  }
  return out;
}
