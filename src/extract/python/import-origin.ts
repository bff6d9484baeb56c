import { relative } from 'node:path';
import type { Fact, ModuleFact, ModuleOrigin, UnknownFact } from '../../model/index.js';
import type { KnownPackages } from '../../data/known-packages.js';
import { packageKey } from '../merge-facts.js';
import type { PyModuleUse } from './scan-imports.js';

/** How an import's top-level name was tied to a distribution. */
export type ResolvedBy = 'installed' | 'known' | 'declared';

/** Decides where a Python import comes from. */
export interface PythonResolver {
  origin(module: string): { origin: ModuleOrigin; package?: string; by?: ResolvedBy };
}

/** Builds the resolver: stdlib list, the app's own module names, installed top-level names, the known table, declared names. */
export function pythonResolver(o: {
  stdlib: Set<string>;
  local: Set<string>;
  installed: { name: string; topLevel: string[] }[];
  known: KnownPackages;
  declared: string[];
}): PythonResolver {
  const installed = new Map<string, string>();
  for (const d of o.installed) for (const t of d.topLevel) if (!installed.has(t)) installed.set(t, d.name);
  const known = new Map<string, string>();
  for (const [dist, p] of Object.entries(o.known.packages)) for (const i of p.imports ?? []) if (!known.has(i)) known.set(i, dist);
  const declared = new Map(o.declared.map((d) => [packageKey('python', d), d]));
  return {
    origin(module) {
      const top = module.split('.')[0]!;
      if (o.stdlib.has(top)) return { origin: 'stdlib' };
      if (o.local.has(top)) return { origin: 'local' };
      const inst = installed.get(top) ?? installed.get(module);
      if (inst) return { origin: 'third-party', package: inst, by: 'installed' };
      // a dotted import name (`google.protobuf`) before its top-level package
      const parts = module.split('.');
      for (let n = parts.length; n >= 1; n--) {
        const dist = known.get(parts.slice(0, n).join('.'));
        if (dist) return { origin: 'third-party', package: declared.get(packageKey('python', dist)) ?? dist, by: 'known' };
      }
      const decl = declared.get(packageKey('python', top));
      if (decl) return { origin: 'third-party', package: decl, by: 'declared' };
      return { origin: 'third-party' };
    },
  };
}

/** Names of the app's own modules: every directory and module stem of its Python files, below their scan root. */
export function localModuleNames(files: { path: string; root?: string }[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const rel = f.root && f.root !== f.path ? relative(f.root, f.path) : f.path.split('/').pop()!;
    for (const part of rel.split('/')) out.add(part.replace(/\.py$/, ''));
  }
  return out;
}

/**
 * One ModuleFact per imported module of an app file (origin and package set), and an unknown per third-party
 * top-level name no installed, known or declared package provides.
 */
export function pythonImportFacts(file: string, uses: PyModuleUse[], resolver: PythonResolver): Fact[] {
  const facts: Fact[] = [];
  const unresolved = new Map<string, UnknownFact>();
  for (const u of uses) {
    if (u.how === 'attribute') continue;
    const r = resolver.origin(u.module);
    const evidence = [{ artifact: file, extractor: 'python.import', location: { file, line: u.line, column: u.column }, detail: u.member && u.member !== '*' ? `from ${u.module} import ${u.member}` : `import ${u.module}` }];
    const fact: ModuleFact = { kind: 'module', language: 'python', name: u.module, origin: r.origin, evidence };
    if (r.package) fact.package = r.package;
    if (u.how === 'from' && u.member && u.member !== '*') fact.members = [u.member];
    facts.push(fact);
    if (r.origin === 'third-party' && !r.package) {
      const top = u.module.split('.')[0]!;
      const prev = unresolved.get(top);
      if (prev) prev.evidence.push(...evidence);
      else unresolved.set(top, { kind: 'unknown', reason: 'unresolved-package', message: `import ${top}: no installed, declared or known package provides it; its code (and any native extension) is not analysed`, evidence: [...evidence] });
    }
  }
  return [...facts, ...unresolved.values()];
}

/**
 * Folds import facts into the needs facts of the same modules (origin and package set, evidence added only at places
 * the needs do not already cite), so one import is one piece of evidence; returns both lists combined.
 */
export function foldImportFacts(needs: Fact[], imports: Fact[]): Fact[] {
  const byName = new Map<string, ModuleFact>();
  for (const f of needs) if (f.kind === 'module') byName.set(f.name, f);
  const out = [...needs];
  const at = (e: { artifact: string; location?: { line: number; column: number } }) => `${e.artifact}:${e.location?.line}:${e.location?.column}`;
  for (const f of imports) {
    const prev = f.kind === 'module' ? byName.get(f.name) : undefined;
    if (!prev || f.kind !== 'module') { out.push(f); continue; }
    prev.origin ??= f.origin;
    if (f.package) prev.package ??= f.package;
    const cited = new Set(prev.evidence.map(at));
    prev.evidence.push(...f.evidence.filter((e) => !cited.has(at(e))));
    if (f.members) prev.members = [...new Set([...(prev.members ?? []), ...f.members])];
  }
  return out;
}
