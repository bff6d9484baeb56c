import type { Arch, Artifact, Fact } from '../model/index.js';
import { UkportError } from '../errors.js';
import { readBounded } from '../inputs/read-file.js';
import type { RootFs } from '../inputs/root-fs.js';
import { measureTree, type MeasureTree } from '../inputs/tree-size.js';
import { loadElf, loadElfFrom, type LoadedElf } from './elf/resolve-libraries.js';
import { isPythonExtension, pythonContext, pythonExtensionFacts, type PythonContext } from './python/python-facts.js';
import { inNodeModules, nodeAddonFacts } from './js/js-facts.js';
import { pythonAppFacts } from './python/python-app.js';
import { nodeAppFacts } from './js/node-app.js';

/** Options of interpreted-language fact extraction. */
export interface ScriptFactOptions {
  arch?: Arch;
  maxFileBytes?: number;
  /** Read files from this root (a container image) instead of the host. */
  rootFs?: RootFs;
}

const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * Facts of Python and JS/TS inputs, their packages and the compiled modules among the ELF inputs: every import
 * (standard library, third-party with its package, or the app's own), the packages declared, locked and installed
 * (with size and compiled modules), imports of modules that need Linux facilities (with file:line), Python
 * extension modules (`PyInit_*`) and Node addons checked against the ports. Dependencies' JS is not scanned;
 * dependencies' Python only for standard-library modules that need something (ssl, zlib, subprocess).
 */
export function scriptFacts(inputs: Artifact[], mains: LoadedElf[], options: ScriptFactOptions = {}): Fact[] {
  const arch = options.arch ?? 'x86_64';
  const facts: Fact[] = [];
  let py: PythonContext | undefined;
  const python = (): PythonContext => (py ??= pythonContext(arch));
  const read = (path: string): string | undefined => {
    try {
      const max = Math.min(options.maxFileBytes ?? MAX_SOURCE_BYTES, MAX_SOURCE_BYTES);
      return (options.rootFs ? options.rootFs.readFile(path, max) : readBounded(path, max)).toString('utf8');
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
      facts.push({ kind: 'unknown', reason: e.code === 'too-large' ? 'limit-exceeded' : 'bad-file', message: e.message, evidence: [{ artifact: path, extractor: 'inputs.read', detail: e.code }] });
      return undefined;
    }
  };
  const measure: MeasureTree = (path, skip) => measureTree(path, skip, options.rootFs);
  // Compiled modules among the ELF inputs that were not loaded as mains (a many-binary scan analyses them elsewhere).
  const loaded = new Set(mains.map((m) => m.path));
  const modules = [...mains];
  for (const a of inputs) {
    if (a.kind !== 'elf' || loaded.has(a.path) || !/\.(so|node)$/.test(a.path)) continue;
    try {
      modules.push(options.rootFs ? loadElfFrom(options.rootFs, a.path) : loadElf(a.path));
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
    }
  }
  const extensions = modules.filter(isPythonExtension);
  const addons = modules.filter((m) => nodeAddonFacts(m).length > 0);
  const manifests = inputs.filter((a) => a.kind === 'package-manifest');
  const pyFiles = inputs.filter((a) => a.kind === 'python');
  // compiled modules first: their facts carry the port status the merged module fact keeps
  for (const m of extensions) facts.push(...pythonExtensionFacts(m, python()));
  if (pyFiles.length > 0 || extensions.length > 0 || manifests.length > 0) {
    facts.push(...pythonAppFacts({ files: pyFiles, manifests, extensions, read, measure, context: python }));
  }
  const jsFiles = inputs.filter((a) => (a.kind === 'javascript' || a.kind === 'typescript') && !inNodeModules(a.path));
  if (jsFiles.length > 0 || addons.length > 0 || manifests.some((a) => /(^|\/)(package(-lock)?\.json|npm-shrinkwrap\.json)$/.test(a.path))) {
    facts.push(...nodeAppFacts({ files: jsFiles, manifests, addons, read, measure, arch }));
  }
  return facts;
}
