import type { Evidence, Fact } from '../model/index.js';

/** Identity of a fact: facts with the same key describe the same need and are merged. */
export function factKey(f: Fact): string {
  switch (f.kind) {
    case 'syscall': return `syscall:${f.arch}:${f.name}`;
    // Constant arguments are part of the need (mmap with MAP_SHARED is not mmap with MAP_PRIVATE).
    case 'symbol': return `symbol:${f.role}:${f.name}@${f.version ?? ''}${f.args ? ':' + JSON.stringify(f.args) : ''}`;
    case 'header': return `header:${f.system ? 's' : 'l'}:${f.name}`;
    case 'library': return `library:${f.soname}`;
    case 'string': return `string:${f.value}`;
    case 'module': return `module:${f.language}:${f.name}`;
    case 'package': return `package:${f.ecosystem}:${packageKey(f.ecosystem, f.name)}`;
    case 'unknown': return `unknown:${f.reason}:${f.message}:${f.evidence[0]?.artifact ?? ''}:${f.evidence[0]?.address ?? f.evidence[0]?.location?.line ?? ''}`;
  }
}

/** Python distribution names compare normalised (PEP 503: case and runs of `-_.` do not matter); npm names as they are. */
export function packageKey(ecosystem: 'python' | 'node', name: string): string {
  return ecosystem === 'python' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

const union = <T>(a: T[] | undefined, b: T[] | undefined): T[] | undefined => (a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : undefined);

const MAX_EVIDENCE_PER_FACT = 50;

/** A total order of evidence: with it, merged facts do not depend on the order they arrived in. */
export type EvidenceOrder = (a: Evidence, b: Evidence) => number;

/**
 * Merges facts with the same identity, concatenating evidence (bounded) and unioning lists, so that each
 * syscall, symbol or library appears once with evidence from every binary and source file.
 * With CANONICAL (many-binary scans, shards): the result is the same whatever order the facts came in and
 * however they were grouped before (merging merged parts gives the same): each fact keeps the first 50 pieces
 * of evidence in that order, lists are sorted, and facts come sorted by identity.
 */
export function mergeFacts(facts: Iterable<Fact>, canonical?: EvidenceOrder): Fact[] {
  const byKey = new Map<string, Fact>();
  for (const f of facts) {
    const key = factKey(f);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...f, evidence: [...f.evidence] } as Fact);
      continue;
    }
    for (const e of f.evidence) if (canonical || prev.evidence.length < MAX_EVIDENCE_PER_FACT) prev.evidence.push(e);
    if (prev.kind === 'library' && f.kind === 'library') {
      prev.neededBy = [...new Set([...prev.neededBy, ...f.neededBy])];
      if (canonical && f.resolvedPath && prev.resolvedPath && f.resolvedPath < prev.resolvedPath) prev.resolvedPath = f.resolvedPath;
      prev.resolvedPath ??= f.resolvedPath;
    } else if (prev.kind === 'syscall' && f.kind === 'syscall') {
      // A syscall the program's own logic reaches is not start-up only.
      if (f.class === 'program') prev.class = 'program';
      if (f.constArgs) {
        const merged = { ...(prev.constArgs ?? {}) };
        for (const [i, vals] of Object.entries(f.constArgs)) merged[Number(i)] = [...new Set([...(merged[Number(i)] ?? []), ...vals])];
        prev.constArgs = merged;
      }
    } else if (prev.kind === 'module' && f.kind === 'module') {
      if (f.members) prev.members = [...new Set([...(prev.members ?? []), ...f.members])];
      if (f.features) prev.features = [...new Set([...(prev.features ?? []), ...f.features])];
      if (f.origin && !prev.origin) prev.origin = f.origin;
      if (f.package && !prev.package) prev.package = f.package;
    } else if (prev.kind === 'package' && f.kind === 'package') {
      mergePackage(prev, f);
    }
  }
  const merged = [...byKey.values()];
  return canonical ? canonicalFacts(merged, canonical) : merged;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical form of merged facts: evidence in ORDER and bounded, lists sorted, facts sorted by identity. */
function canonicalFacts(facts: Fact[], order: EvidenceOrder): Fact[] {
  for (const f of facts) {
    f.evidence = f.evidence.sort(order).slice(0, MAX_EVIDENCE_PER_FACT);
    if (f.kind === 'library') f.neededBy = [...f.neededBy].sort(byText);
    if (f.kind === 'syscall' && f.constArgs) {
      f.constArgs = Object.fromEntries(Object.entries(f.constArgs).map(([i, v]) => [i, [...v].sort((a, b) => a - b)]));
    }
    if (f.kind === 'module') {
      if (f.members) f.members = [...f.members].sort(byText);
      if (f.features) f.features = [...f.features].sort(byText);
    }
  }
  return facts.map((f) => [factKey(f), f] as const).sort((a, b) => byText(a[0], b[0])).map(([, f]) => f);
}

/** Unions what two sightings of one package say; the installed version wins over a locked one. */
function mergePackage(prev: Extract<Fact, { kind: 'package' }>, f: Extract<Fact, { kind: 'package' }>): void {
  const prevBefore = { ...prev };
  prev.sources = union(prev.sources, f.sources)!;
  if (f.installed && !prev.installed) { prev.installed = f.installed; if (f.version) prev.version = f.version; }
  if (!prev.version && f.version) prev.version = f.version;
  if (f.direct) prev.direct = true;
  // the installed name's spelling wins (`Pillow`, not a lock file's `pillow`), then a declaration's
  const rank = (p: typeof f) => (p.installed ? 3 : p.sources.includes('declared') ? 2 : p.sources.includes('import') ? 1 : 0);
  if (rank(f) > rank(prevBefore)) prev.name = f.name;
  const specs = union(prev.specs, f.specs); if (specs) prev.specs = specs;
  const provides = union(prev.provides, f.provides); if (provides) prev.provides = provides;
  const extras = union(prev.extras, f.extras); if (extras) prev.extras = extras;
  const why = union(prev.nativeEvidence, f.nativeEvidence); if (why) prev.nativeEvidence = why;
  if (f.native === true || (f.native === false && prev.native === undefined)) prev.native = f.native;
  if (f.extensions) {
    const have = new Set((prev.extensions ?? []).map((e) => e.path));
    prev.extensions = [...(prev.extensions ?? []), ...f.extensions.filter((e) => !have.has(e.path))];
  }
}
