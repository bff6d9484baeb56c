import type { Evidence, Fact, SyscallFact, UnknownFact } from '../model/index.js';
import type { Arch, Libc, Mode } from '../model/vocab.js';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { scannerFor } from './elf/call-graph.js';
import type { LibraryClosure, LoadedElf } from './elf/resolve-libraries.js';
import { nodeName, reachProgram, siteEvidence, type ProgramModule } from './elf/summaries.js';
import { loadModuleGraph } from './libc/graph-cache.js';
import { nativeOverride } from './libc/native-libc.js';

/** Options of syscall extraction. */
export interface SyscallOptions {
  mode: Mode;
  libc?: Libc;
  noCache?: boolean;
  cacheDir?: string;
}

/** Syscall and unknown facts of one program, with counters for the report. */
export interface SyscallExtraction {
  facts: Fact[];
  stats: { indirectCalls: number; addressTakenFunctions: number };
}

const MAX_EVIDENCE = 4;
const MAX_UNKNOWNS = 200;

/**
 * The Linux syscalls MAIN can make: its own code plus, for a dynamic program, the libraries of CLOSURE
 * including the dynamic loader (binary-compat), or its libc imports mapped through the chosen libc's
 * summaries (native). Syscalls only reachable from loader / libc start-up are class `startup`.
 */
export function extractSyscalls(main: LoadedElf, closure: LibraryClosure, options: SyscallOptions): SyscallExtraction {
  const scanner = scannerFor(main.elf.machine, main.elf.class);
  if (!scanner) {
    const f: UnknownFact = { kind: 'unknown', reason: 'unsupported-arch', message: `no syscall analysis for ${main.decoded.info.machine} (${main.elf.class}-bit)`,
      evidence: [{ artifact: main.path, extractor: 'elf.syscalls' }] };
    return { facts: [f], stats: { indirectCalls: 0, addressTakenFunctions: 0 } };
  }
  const arch: Arch = scanner.arch;
  const cache = { noCache: options.noCache, cacheDir: options.cacheDir };
  const interp = main.decoded.info.interpreter;
  const override = options.mode === 'native' ? nativeOverride(options.libc ?? 'musl', arch) : undefined;
  const mods: ProgramModule[] = [{ loaded: main, graph: loadModuleGraph(main, scanner, cache), role: 'main' }];
  for (const lib of closure.libraries.values()) {
    if (lib.elf.machine !== main.elf.machine || lib.elf.class !== main.elf.class) continue;
    const isInterp = closure.edges.some((e) => e.via === 'interp' && e.resolved === lib.path) || lib.path === interp;
    if (override && override.replaces(lib, isInterp)) continue;
    mods.push({ loaded: lib, graph: loadModuleGraph(lib, scanner, cache), role: isInterp ? 'interp' : 'library' });
  }
  const reach = reachProgram(mods, scanner, override?.lookup);
  const table = loadLinuxSyscalls(arch);
  const byName = new Map<string, SyscallFact>();
  const unknowns: UnknownFact[] = [];
  const add = (name: string, nr: number | null, program: boolean, ev: Evidence): void => {
    let f = byName.get(name);
    if (!f) byName.set(name, (f = { kind: 'syscall', name, nr, arch, class: program ? 'program' : 'startup', evidence: [] }));
    if (program && f.class === 'startup') { f.class = 'program'; f.evidence.unshift(ev); f.evidence.length = Math.min(f.evidence.length, MAX_EVIDENCE); return; }
    const sameArtifact = f.evidence.filter((e) => e.artifact === ev.artifact).length;
    if (f.evidence.length < MAX_EVIDENCE && sameArtifact < 2) f.evidence.push(ev);
  };
  for (const h of reach.hits) {
    const name = table.byNumber.get(h.nr);
    if (name === undefined) {
      if (unknowns.length < MAX_UNKNOWNS) unknowns.push({ kind: 'unknown', reason: 'unknown-syscall-number', message: `syscall number ${h.nr} is not in the ${arch} table`, evidence: [siteEvidence(reach, h.node, h.addr, `#${h.nr}`, h.via)] });
      continue;
    }
    add(name, h.nr, h.program, siteEvidence(reach, h.node, h.addr, name, h.via));
  }
  for (const o of reach.overridden) {
    const { mod, name: fn } = nodeName(reach, o.node);
    for (const s of o.syscalls) {
      const nr = table.byName.get(s);
      add(s, nr ?? null, o.program, { artifact: o.source, extractor: `libc-summary.${options.libc ?? 'musl'}`, function: fn, chain: [`${mod.loaded.path}:${fn}`, o.name, s] });
    }
  }
  for (const u of reach.unknowns) {
    if (unknowns.length >= MAX_UNKNOWNS) {
      unknowns.push({ kind: 'unknown', reason: 'limit-exceeded', message: `more than ${MAX_UNKNOWNS} unresolved sites; the rest are not listed`, evidence: [{ artifact: main.path, extractor: `${arch}.syscalls` }] });
      break;
    }
    const { mod, name } = nodeName(reach, u.node);
    unknowns.push({ kind: 'unknown', reason: u.reason, message: `${u.message} (${u.program ? 'program' : 'start-up'} code)`,
      evidence: [{ artifact: mod.loaded.path, extractor: `${arch}.syscalls`, address: '0x' + u.addr.toString(16), function: name }] });
  }
  const facts: Fact[] = [...[...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), ...unknowns];
  return { facts, stats: { indirectCalls: reach.indirect, addressTakenFunctions: reach.addressTaken } };
}
