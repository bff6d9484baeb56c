import { basename, relative } from 'node:path';
import type { Arch, Artifact, Fact, PackageFact } from '../../model/index.js';
import { DEFAULT_PACKAGE_TABLES, loadKnownPackages } from '../../data/known-packages.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import type { MeasureTree } from '../../inputs/tree-size.js';
import { mergeFacts } from '../merge-facts.js';
import { foldImportFacts } from '../python/import-origin.js';
import { jsModuleUses, jsSourceFacts, nodeAddonFacts } from './js-facts.js';
import { declaredNodeFacts, installedNodeFacts, nodeImportFacts, ownerPackage, readInstalledNode } from './node-packages.js';

/** What Node app extraction works with. */
export interface NodeAppInput {
  /** The app's JS/TS files (not those under node_modules). */
  files: Artifact[];
  manifests: Artifact[];
  /** Compiled addons (`.node`) among the inputs. */
  addons: LoadedElf[];
  read: (path: string) => string | undefined;
  measure: MeasureTree;
  arch: Arch;
}

/**
 * Facts of a Node app: every require/import of its files (built-in, its own, or a package), the built-ins that
 * need Linux facilities, the packages declared, locked and installed (size, native evidence, `.node` addons with
 * their libraries), and unknowns for packages ukport cannot see or tell.
 */
export function nodeAppFacts(input: NodeAppInput): Fact[] {
  const facts: Fact[] = [];
  const known = loadKnownPackages(DEFAULT_PACKAGE_TABLES.node);
  const installed = readInstalledNode(input.manifests, input.read, input.measure);
  const packages: Fact[] = [...declaredNodeFacts(input.manifests, input.read), ...installedNodeFacts(installed)];
  for (const m of input.addons) {
    facts.push(...nodeAddonFacts(m));
    const owner = ownerPackage(m.path, installed);
    facts.push({ kind: 'module', language: 'javascript', name: basename(m.path), origin: owner ? 'third-party' : 'local', ...(owner ? { package: owner.name } : {}), evidence: [] });
    if (!owner) continue;
    packages.push({ kind: 'package', ecosystem: 'node', name: owner.name, sources: ['installed'], native: true, nativeEvidence: [`addon ${basename(m.path)}`],
      extensions: [{ module: relative(owner.dir, m.path), path: m.path, needed: m.decoded.info.needed }], evidence: [{ artifact: m.path, extractor: 'js.addon', detail: owner.name }] });
  }
  const sources: { path: string; text: string }[] = [];
  for (const a of input.files) {
    const text = input.read(a.path);
    if (text !== undefined) sources.push({ path: a.path, text });
  }
  const parsed = jsModuleUses(sources);
  const needs = jsSourceFacts(sources, input.arch, undefined, parsed);
  const imports: Fact[] = [];
  const names = new Set(packages.map((p) => (p as PackageFact).name));
  const resolvable = (pkg: string) => names.has(pkg) || pkg in known.packages;
  for (const { path, uses } of parsed) {
    for (const f of nodeImportFacts(path, uses, resolvable)) {
      imports.push(f);
      if (f.kind === 'module' && f.package && resolvable(f.package)) packages.push({ kind: 'package', ecosystem: 'node', name: f.package, sources: ['import'], evidence: f.evidence });
    }
  }
  facts.push(...foldImportFacts(needs, imports));
  for (const f of mergeFacts(packages)) {
    const p = f as PackageFact;
    const k = known.packages[p.name];
    if (p.installed) p.native ??= (p.nativeEvidence?.length ?? 0) > 0 ? true : false;
    else if (p.nativeEvidence?.length) p.native = true;
    else if (k) { p.native = k.native; p.nativeEvidence = k.native ? [`ukport package table: ${k.why ?? 'native addon'}`] : undefined; }
    if (p.nativeEvidence === undefined) delete p.nativeEvidence;
    facts.push(p);
    if (p.native === undefined && (p.direct || p.sources.includes('import'))) {
      facts.push({ kind: 'unknown', reason: 'unresolved-package', message: `package ${p.name}: not installed in the scanned tree and not in ukport's package table; whether it has a native addon is not known`, evidence: p.evidence.slice(0, 5) });
    }
  }
  return facts;
}
