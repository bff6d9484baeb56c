import type { Evidence, Fact } from '../../model/index.js';

/** Evidence kept per fact: enough to find every kind of site, bounded for trees with thousands of calls. */
export const MAX_EVIDENCE = 100;

/** Collects facts, merging the evidence of equal facts (same kind, name, role, arguments…). */
export class FactBag {
  private readonly byKey = new Map<string, Fact>();

  add(fact: Fact): void {
    const key = factKey(fact);
    const have = this.byKey.get(key);
    if (!have) this.byKey.set(key, fact);
    else for (const e of fact.evidence) if (have.evidence.length < MAX_EVIDENCE) have.evidence.push(e);
  }

  facts(): Fact[] {
    return [...this.byKey.values()];
  }
}

function factKey(f: Fact): string {
  switch (f.kind) {
    case 'syscall': return `syscall\0${f.arch}\0${f.name}\0${f.nr}`;
    case 'symbol': return `symbol\0${f.name}\0${f.role}\0${f.args ? JSON.stringify(f.args) : ''}`;
    case 'header': return `header\0${f.name}\0${f.system}\0${f.resolved ?? ''}`;
    case 'string': return `string\0${f.value}`;
    // one fact per opaque macro, its uses as evidence; other unknowns are one per place
    case 'unknown': return `unknown\0${f.reason}\0${f.message}\0${f.reason === 'macro' ? '' : locKey(f.evidence[0])}`;
    case 'library': return `library\0${f.soname}`;
    case 'module': return `module\0${f.language}\0${f.name}`;
    case 'package': return `package\0${f.ecosystem}\0${f.name}`;
  }
}

function locKey(e: Evidence | undefined): string {
  return e?.location ? `${e.location.file}:${e.location.line}:${e.location.column}` : (e?.artifact ?? '');
}
