import { readFileSync } from 'node:fs';
import type { Arch, Fact, ModuleFact, SyscallFact } from '../../model/index.js';
import { UkportError } from '../../errors.js';
import type { LinuxSyscalls } from '../../data/linux-syscalls.js';
import { mergeFacts } from '../merge-facts.js';

/** What using a module (or one member of it) needs from Linux. */
export interface ModuleNeeds {
  /** C extension module implementing it (Python). */
  extension?: string;
  features?: string[];
  syscalls?: string[];
  members?: Record<string, { features?: string[]; syscalls?: string[] }>;
}

/** A data file mapping modules of one language to their needs (syscall-tables/python-modules.json, node-builtins.json). */
export interface ModuleMap {
  description: string;
  source: string;
  modules: Record<string, ModuleNeeds>;
}

/** One use of a module in a source file, as the language scanners report it. */
export interface ModuleUse {
  module: string;
  member?: string;
  line: number;
  column: number;
  how: string;
}

/** Loads and checks a module map; every syscall it names must exist in LINUX (checked by the caller's table). */
export function loadModuleMap(path: string, linux?: LinuxSyscalls): ModuleMap {
  let raw: ModuleMap;
  try { raw = JSON.parse(readFileSync(path, 'utf8')) as ModuleMap; } catch (e) { throw new UkportError('bad-table', (e as Error).message, path); }
  if (typeof raw?.modules !== 'object' || raw.modules === null) throw new UkportError('bad-table', 'no "modules" object', path);
  for (const [name, m] of Object.entries(raw.modules)) {
    const all = [...(m.syscalls ?? []), ...Object.values(m.members ?? {}).flatMap((x) => x.syscalls ?? [])];
    for (const s of all) if (linux && !linux.byName.has(s)) throw new UkportError('bad-table', `${name}: unknown Linux syscall ${s}`, path);
  }
  return raw;
}

/** How the language port treats a C extension module: built in (maybe behind Kconfig options) or not. */
export type ExtensionStatus = (extension: string) => { inPort: boolean; kconfig?: string[] } | undefined;

/** Options of module-use fact building. */
export interface ModuleFactOptions {
  language: ModuleFact['language'];
  arch: Arch;
  linux: LinuxSyscalls;
  extractor: string;
  extensionStatus?: ExtensionStatus;
}

/**
 * Turns module uses in ARTIFACT into facts: one ModuleFact per mapped module (members, features, extension,
 * port status) and the syscalls the map says those uses need, each with the source line as evidence.
 */
export function moduleUseFacts(artifact: string, uses: ModuleUse[], map: ModuleMap, o: ModuleFactOptions): Fact[] {
  const facts: Fact[] = [];
  for (const u of uses) {
    const needs = map.modules[u.module];
    if (!needs) continue;
    const member = u.member !== undefined ? needs.members?.[u.member] : undefined;
    const moduleWide = needs.extension !== undefined || (needs.features?.length ?? 0) > 0 || (needs.syscalls?.length ?? 0) > 0;
    if (!moduleWide && !member) continue;
    const evidence = [{ artifact, extractor: o.extractor, location: { file: artifact, line: u.line, column: u.column }, detail: u.member ? `${u.module}.${u.member}` : u.module }];
    const features = [...new Set([...(needs.features ?? []), ...(member?.features ?? [])])];
    const fact: ModuleFact = { kind: 'module', language: o.language, name: u.module, evidence };
    if (u.member !== undefined && (member || u.how === 'from' || u.how === 'attribute')) fact.members = [u.member];
    if (features.length > 0) fact.features = features;
    if (needs.extension) {
      fact.extension = needs.extension;
      const st = o.extensionStatus?.(needs.extension);
      if (st) { fact.inPort = st.inPort; if (st.kconfig) fact.portKconfig = st.kconfig; }
    }
    facts.push(fact);
    for (const s of [...(needs.syscalls ?? []), ...(member?.syscalls ?? [])]) {
      const sc: SyscallFact = { kind: 'syscall', name: s, nr: o.linux.byName.get(s) ?? null, arch: o.arch, class: 'program', evidence: evidence.map((e) => ({ ...e, extractor: `${o.extractor}.needs` })) };
      facts.push(sc);
    }
  }
  return mergeFacts(facts);
}
