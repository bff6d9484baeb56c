import type { Artifact, Fact, PackageFact, UnknownFact } from '../../model/index.js';
import { DEFAULT_PACKAGE_TABLES, loadKnownPackages, loadPythonStdlib } from '../../data/known-packages.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import type { MeasureTree } from '../../inputs/tree-size.js';
import { mergeFacts, packageKey } from '../merge-facts.js';
import { foldImportFacts, localModuleNames, pythonImportFacts, pythonResolver } from './import-origin.js';
import { moduleUseFacts } from './module-map.js';
import { qualifiedExtensionName, type PythonContext } from './python-facts.js';
import { pythonPackageFacts, readDeclaredPython, readInstalledDists, sitePackagesRoot, type ReadText } from './python-packages.js';
import { scanPythonImports } from './scan-imports.js';

/** What Python app extraction works with. */
export interface PythonAppInput {
  files: Artifact[];
  manifests: Artifact[];
  /** Compiled extension modules among the inputs. */
  extensions: LoadedElf[];
  read: ReadText;
  measure: MeasureTree;
  context: () => PythonContext;
}

/** Merges unknowns that name the same package (one per package, every site as evidence). */
function oneUnknownPerMessage(facts: Fact[]): Fact[] {
  const byMessage = new Map<string, UnknownFact>();
  const out: Fact[] = [];
  for (const f of facts) {
    if (f.kind !== 'unknown' || f.reason !== 'unresolved-package') { out.push(f); continue; }
    const prev = byMessage.get(f.message);
    if (prev) { for (const e of f.evidence) if (prev.evidence.length < 50) prev.evidence.push(e); continue; }
    byMessage.set(f.message, f);
    out.push(f);
  }
  return out;
}

/**
 * Facts of a Python app: every import of its own files (origin, package), the stdlib needs of its files and of
 * installed packages' files, the declared and installed distributions with their extension modules, and unknowns
 * for imports and packages whose code ukport cannot see or tell.
 */
export function pythonAppFacts(input: PythonAppInput): Fact[] {
  const { read } = input;
  const facts: Fact[] = [];
  const installed = readInstalledDists(input.manifests, read, input.measure);
  const { declared, problems } = readDeclaredPython(input.manifests, read);
  for (const p of problems) {
    facts.push({ kind: 'unknown', reason: 'parse-error', message: `${p.file.split('/').pop()}${p.line ? `:${p.line}` : ''}: ${p.message}`,
      evidence: [{ artifact: p.file, extractor: 'python.manifest', ...(p.line ? { location: { file: p.file, line: p.line, column: 1 } } : {}) }] });
  }
  const known = loadKnownPackages(DEFAULT_PACKAGE_TABLES.python);
  const appFiles = input.files.filter((a) => !sitePackagesRoot(a.path));
  const resolver = pythonResolver({ stdlib: loadPythonStdlib(), local: localModuleNames(appFiles), installed, known, declared: declared.map((d) => d.name) });
  const packages: Fact[] = pythonPackageFacts(declared, installed);
  for (const a of input.files) {
    const text = read(a.path);
    if (text === undefined) continue;
    const uses = scanPythonImports(text);
    const ctx = input.context();
    const needs = moduleUseFacts(a.path, uses, ctx.map, ctx.options);
    // installed packages' own files: only the standard-library modules that need something (the map holds only those)
    if (sitePackagesRoot(a.path)) { for (const f of needs) if (f.kind === 'module') f.origin ??= 'stdlib'; facts.push(...needs); continue; }
    const imports = pythonImportFacts(a.path, uses, resolver);
    facts.push(...foldImportFacts(needs, imports));
    for (const f of imports) {
      if (f.kind === 'module' && f.package) {
        packages.push({ kind: 'package', ecosystem: 'python', name: f.package, sources: ['import'], evidence: f.evidence });
      }
    }
  }
  // extension modules belong to the installed distribution whose top-level package holds them
  for (const m of input.extensions) {
    const root = sitePackagesRoot(m.path);
    const init = m.decoded.info.exports.find((s) => s.name.startsWith('PyInit_'))!.name.slice('PyInit_'.length);
    const module = qualifiedExtensionName(m.path, init);
    const dist = root ? installed.find((d) => d.root === root && d.topLevel.includes(module.split('.')[0]!)) : undefined;
    if (!dist) continue;
    facts.push({ kind: 'module', language: 'python', name: module, origin: 'third-party', package: dist.name, evidence: [] });
    packages.push({ kind: 'package', ecosystem: 'python', name: dist.name, sources: ['installed'], native: true, nativeEvidence: ['extension module'],
      extensions: [{ module, path: m.path, needed: m.decoded.info.needed }], evidence: [{ artifact: m.path, extractor: 'python.extension', detail: module }] });
  }
  for (const f of mergeFacts(packages)) {
    const p = f as PackageFact;
    const k = Object.entries(known.packages).find(([n]) => packageKey('python', n) === packageKey('python', p.name))?.[1];
    if (p.installed) p.native ??= false; // installed with no extension module: pure Python
    else if (k) { p.native = k.native; p.nativeEvidence = [...(p.nativeEvidence ?? []), `ukport package table${k.pureFallback ? ' (falls back to pure Python)' : ''}`]; }
    if (k?.imports && !p.provides) p.provides = k.imports;
    facts.push(p);
    if (p.native === undefined) {
      facts.push({ kind: 'unknown', reason: 'unresolved-package', message: `package ${p.name}: not installed in the scanned tree and not in ukport's package table; whether it has native extensions is not known`, evidence: p.evidence.slice(0, 5) });
    }
  }
  return oneUnknownPerMessage(facts);
}
