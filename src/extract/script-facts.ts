import type { Arch, Artifact, Fact } from '../model/index.js';
import { UkportError } from '../errors.js';
import { readBounded } from '../inputs/read-file.js';
import type { RootFs } from '../inputs/root-fs.js';
import { loadElf, loadElfFrom, type LoadedElf } from './elf/resolve-libraries.js';
import { isPythonExtension, pythonContext, pythonExtensionFacts, pythonSourceFacts, type PythonContext } from './python/python-facts.js';
import { inNodeModules, jsSourceFacts, nodeAddonFacts } from './js/js-facts.js';

/** Options of interpreted-language fact extraction. */
export interface ScriptFactOptions {
  arch?: Arch;
  maxFileBytes?: number;
  /** Read files from this root (a container image) instead of the host. */
  rootFs?: RootFs;
}

const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * Facts of Python and JS/TS inputs and of compiled modules among the ELF inputs: imports of modules that need
 * Linux facilities (with file:line), Python extension modules (`PyInit_*`) and Node addons checked against the ports.
 * JS under node_modules is the dependencies' code and is skipped.
 */
export function scriptFacts(inputs: Artifact[], mains: LoadedElf[], options: ScriptFactOptions = {}): Fact[] {
  const arch = options.arch ?? 'x86_64';
  const facts: Fact[] = [];
  let py: PythonContext | undefined;
  const python = (): PythonContext => (py ??= pythonContext(arch));
  const read = (a: Artifact): string | undefined => {
    try {
      const max = Math.min(options.maxFileBytes ?? MAX_SOURCE_BYTES, MAX_SOURCE_BYTES);
      return (options.rootFs ? options.rootFs.readFile(a.path, max) : readBounded(a.path, max)).toString('utf8');
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
      facts.push({ kind: 'unknown', reason: e.code === 'too-large' ? 'limit-exceeded' : 'bad-file', message: e.message, evidence: [{ artifact: a.path, extractor: 'inputs.read', detail: e.code }] });
      return undefined;
    }
  };
  const js: { path: string; text: string }[] = [];
  for (const a of inputs) {
    if (a.kind === 'python') {
      const text = read(a);
      if (text !== undefined) facts.push(...pythonSourceFacts(a.path, text, python()));
    } else if ((a.kind === 'javascript' || a.kind === 'typescript') && !inNodeModules(a.path)) {
      const text = read(a);
      if (text !== undefined) js.push({ path: a.path, text });
    }
  }
  if (js.length > 0) facts.push(...jsSourceFacts(js, arch));
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
  for (const m of modules) {
    if (isPythonExtension(m)) facts.push(...pythonExtensionFacts(m, python()));
    facts.push(...nodeAddonFacts(m));
  }
  return facts;
}
