import { basename, dirname } from 'node:path';
import { builtinModules } from 'node:module';
import type { Artifact, Fact, ModuleFact, PackageFact, UnknownFact } from '../../model/index.js';
import type { KnownPackages } from '../../data/known-packages.js';
import type { MeasureTree } from '../../inputs/tree-size.js';
import type { ModuleUse } from '../python/module-map.js';
import { packageOfSpecifier, readPackageJson, readPackageLock } from './package-manifests.js';

type ReadText = (path: string) => string | undefined;

/** An installed npm package: a `node_modules/<name>/package.json` in the tree. */
export interface InstalledNodePackage {
  name: string;
  version?: string;
  dir: string;
  nativeEvidence: string[];
  bytes: number;
  files: number;
}

const PACKAGE_ROOT = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

/** Installed packages from package.json files directly under a node_modules directory. */
export function readInstalledNode(manifests: Artifact[], read: ReadText, measure: MeasureTree): InstalledNodePackage[] {
  const gyp = new Set(manifests.filter((a) => basename(a.path) === 'binding.gyp').map((a) => dirname(a.path)));
  const out: InstalledNodePackage[] = [];
  for (const a of manifests) {
    const m = PACKAGE_ROOT.exec(a.path);
    if (!m) continue;
    const text = read(a.path);
    if (text === undefined) continue;
    const { pkg } = readPackageJson(text);
    const dir = dirname(a.path);
    const size = measure(dir, (n) => n === 'node_modules');
    const evidence = [...(pkg?.nativeEvidence ?? []), ...(gyp.has(dir) ? ['binding.gyp'] : [])];
    out.push({ name: pkg?.name ?? m[1]!, ...(pkg?.version ? { version: pkg.version } : {}), dir, nativeEvidence: evidence, bytes: size.bytes, files: size.files });
  }
  return out;
}

/** The installed package a file belongs to: the deepest package directory that holds it. */
export function ownerPackage(path: string, installed: InstalledNodePackage[]): InstalledNodePackage | undefined {
  let best: InstalledNodePackage | undefined;
  for (const p of installed) if (path.startsWith(p.dir + '/') && (!best || p.dir.length > best.dir.length)) best = p;
  return best;
}

/** PackageFacts of the app's package.json dependencies and its lock file's packages (not those inside node_modules). */
export function declaredNodeFacts(manifests: Artifact[], read: ReadText): Fact[] {
  const facts: Fact[] = [];
  for (const a of manifests) {
    if (/(^|\/)node_modules\//.test(a.path)) continue;
    const name = basename(a.path);
    if (name !== 'package.json' && name !== 'package-lock.json' && name !== 'npm-shrinkwrap.json') continue;
    const text = read(a.path);
    if (text === undefined) continue;
    const bad = (message: string): UnknownFact => ({ kind: 'unknown', reason: 'parse-error', message: `${basename(a.path)}: ${message}`, evidence: [{ artifact: a.path, extractor: 'js.manifest' }] });
    if (name === 'package.json') {
      const { pkg, problem } = readPackageJson(text);
      if (!pkg) { facts.push(bad(problem!)); continue; }
      for (const d of pkg.dependencies) {
        facts.push({ kind: 'package', ecosystem: 'node', name: d.name, sources: ['declared'], direct: true, ...(d.spec ? { specs: [d.spec] } : {}),
          evidence: [{ artifact: a.path, extractor: 'js.manifest', detail: `${d.optional ? 'optionalDependencies' : 'dependencies'}: ${d.name}@${d.spec}` }] });
      }
    } else {
      const { packages, problem } = readPackageLock(text);
      if (problem) facts.push(bad(problem));
      for (const p of packages) {
        const f: PackageFact = { kind: 'package', ecosystem: 'node', name: p.name, sources: ['lock'], ...(p.version ? { version: p.version } : {}),
          evidence: [{ artifact: a.path, extractor: 'js.lock', detail: `${p.name}@${p.version ?? '?'}${p.installScript ? ' (hasInstallScript)' : ''}` }] };
        if (p.installScript) f.nativeEvidence = ['hasInstallScript in the lock file'];
        facts.push(f);
      }
    }
  }
  return facts;
}

/** PackageFacts of installed packages (size, version, native evidence); `.node` addons are attached by the caller. */
export function installedNodeFacts(installed: InstalledNodePackage[]): PackageFact[] {
  return installed.map((p) => ({
    kind: 'package', ecosystem: 'node', name: p.name, sources: ['installed'], ...(p.version ? { version: p.version } : {}), provides: [p.name],
    installed: { path: p.dir, bytes: p.bytes, files: p.files }, ...(p.nativeEvidence.length ? { nativeEvidence: p.nativeEvidence } : {}),
    evidence: [{ artifact: `${p.dir}/package.json`, extractor: 'js.installed', detail: `${p.name}@${p.version ?? '?'}` }],
  }));
}

const BUILTINS = new Set(builtinModules);

/**
 * One ModuleFact per module an app file requires or imports (built-in, the app's own, or a package), and an unknown per
 * package name that no installed, declared, locked or known package is.
 */
export function nodeImportFacts(file: string, uses: ModuleUse[], resolvable: (pkg: string) => boolean): Fact[] {
  const facts: Fact[] = [];
  const unresolved = new Map<string, UnknownFact>();
  for (const u of uses) {
    if (u.how === 'attribute' || u.how === 'call') continue;
    const evidence = [{ artifact: file, extractor: 'js.import', location: { file, line: u.line, column: u.column }, detail: `${u.how} ${u.module}` }];
    const pkg = packageOfSpecifier(u.module);
    const builtin = BUILTINS.has(u.module) || u.module.startsWith('node:') || (pkg !== undefined && BUILTINS.has(pkg));
    const fact: ModuleFact = { kind: 'module', language: 'javascript', name: u.module, origin: builtin ? 'stdlib' : pkg ? 'third-party' : 'local', evidence };
    if (!builtin && pkg) fact.package = pkg;
    if (u.how === 'from' && u.member) fact.members = [u.member];
    facts.push(fact);
    if (!builtin && pkg && !resolvable(pkg)) {
      const prev = unresolved.get(pkg);
      if (prev) prev.evidence.push(...evidence);
      else unresolved.set(pkg, { kind: 'unknown', reason: 'unresolved-package', message: `require ${pkg}: not installed, declared or known to ukport; its code (and any native addon) is not analysed`, evidence: [...evidence] });
    }
  }
  return [...facts, ...unresolved.values()];
}
