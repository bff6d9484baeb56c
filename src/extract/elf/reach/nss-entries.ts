import type { LoadedElf } from '../resolve-libraries.js';
import type { ModuleGraph } from '../module-graph.js';
import type { ProgramModule } from './types.js';

/** glibc exports every NSS lookup goes through (2.34+: __nss_database_get; older: __nss_database_lookup). */
const NSS_ENTRIES = new Set(['__nss_database_get', '__nss_database_lookup', '__nss_database_lookup2', '__nss_lookup_function', '__nss_lookup', '__nss_next2']);

/** Whether M is a glibc whose NSS lookups load modules (it names one of the NSS entry points, or is a stripped static glibc program with NSS code). */
export function hasNssEntry(m: ProgramModule): boolean {
  return nssEntriesOf(m.graph).length > 0 || strippedStaticNss(m);
}

/**
 * A static program without a symbol table whose file holds glibc's "/etc/nsswitch.conf": glibc's NSS code is linked
 * in (a static program takes only what it calls), but nothing names its entry points.
 */
export function strippedStaticNss(m: ProgramModule): boolean {
  const { info } = m.loaded.decoded;
  if (m.role !== 'main' || info.linking !== 'static' || !info.stripped || nssEntriesOf(m.graph).length > 0) return false;
  // the file is searched once per program, not once per reachability round
  let found = nssStringSeen.get(m.loaded);
  if (found === undefined) nssStringSeen.set(m.loaded, (found = m.loaded.elf.buf.includes('/etc/nsswitch.conf')));
  return found;
}
const nssStringSeen = new WeakMap<LoadedElf, boolean>();

/** Per graph, the functions that are NSS entry points (looked up once per graph: a large library exports tens of thousands). */
const nssEntryTables = new WeakMap<ModuleGraph, number[]>();
export function nssEntriesOf(g: ModuleGraph): number[] {
  let t = nssEntryTables.get(g);
  if (!t) {
    t = [];
    for (const name of NSS_ENTRIES) for (const key of [name, `${name}@GLIBC_PRIVATE`, `${name}@GLIBC_2.2.5`, `${name}@GLIBC_2.17`]) { const f = g.exports[key]; if (f !== undefined && !t.includes(f)) t.push(f); }
    // a static glibc program has them as local functions (when its symbols are kept); it loads NSS modules too
    if (t.length === 0) g.names.forEach((n, f) => { if (NSS_ENTRIES.has(n)) t!.push(f); });
    nssEntryTables.set(g, t);
  }
  return t;
}
