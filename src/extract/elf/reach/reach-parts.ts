import { loadLinuxSyscalls } from '../../../data/linux-syscalls.js';
import type { CodeScanner } from '../scan-types.js';
import type { ModuleGraph } from '../module-graph.js';
import { FEATURE_SYSCALLS } from '../wrappers.js';
import { DataGate } from './data-gate.js';
import { HeldModels } from './held-models.js';
import { LoadCalls } from './load-calls.js';
import { ProgramNodes } from './program-nodes.js';
import { Worklist } from './worklist.js';
import type { ImportOverride, ProgramModule, Reach, ReachOptions } from './types.js';
import type { ReachContext } from './reach-context.js';

/**
 * One reach's parts and the state they share: the node space, the worklist, the glibc models, the data-pointer gate,
 * run-time loading, and the result being filled. Pass 0 starts at the program's own roots, pass 1 at start-up's.
 */
export class ReachParts implements ReachContext {
  readonly nodes: ProgramNodes;
  readonly work: Worklist;
  readonly held: HeldModels;
  readonly gate: DataGate;
  readonly loads: LoadCalls;
  readonly r: Reach;
  /** Syscalls whose flag / domain arguments are followed into callers. */
  readonly features: Set<number>;
  pass: 0 | 1 = 0;
  private readonly wrapperWarned = new Set<string>();

  constructor(readonly mods: ProgramModule[], readonly scanner: CodeScanner, readonly options: ReachOptions) {
    this.nodes = new ProgramNodes(mods);
    this.work = new Worklist(this.nodes.total, options.maxDepth ?? Infinity);
    this.r = {
      mods, offset: this.nodes.offset, parent: this.work.parent, label: this.work.label, hits: [], unknowns: [], indirect: 0, addressTaken: 0, depthCut: 0,
      argHits: [], dlopens: [], dlsymUnknown: false, nssFrom: -1, held: [], overridden: [],
    };
    const table = loadLinuxSyscalls(scanner.arch).byName;
    this.features = new Set(FEATURE_SYSCALLS.map((s) => table.get(s)).filter((n): n is number => n !== undefined));
    this.held = new HeldModels(mods, this.nodes, options.libcModels ?? true, scanner.arch, (to, from) => this.work.visit(to, from), (h) => this.r.hits.push(h));
    this.gate = new DataGate(this);
    this.loads = new LoadCalls(this);
  }

  /** Whether the pass is the program's own (its sites are class `program`). */
  get program(): boolean { return this.pass === 0; }

  /** A syscall wrapper called through a pointer receives numbers nobody can see: one unknown per wrapper. */
  pointerToWrapper(g: ModuleGraph, f: number, node: number): void {
    if (g.wrapperParam[f] < 0) return;
    const key = `${g.sha256}:${f}`;
    if (this.wrapperWarned.has(key)) return;
    this.wrapperWarned.add(key);
    this.r.unknowns.push({ reason: 'indirect-syscall', node, addr: g.starts[f], program: this.program, message: `syscall wrapper ${g.names[f]} is used through a function pointer; the numbers it receives are unknown` });
  }

  /** Native mode: the summary serving import NAME of module M, recorded as used at NODE; undefined when the import is followed. */
  overrideImport(name: string, m: ProgramModule, node: number): ReturnType<ImportOverride> {
    const ov = this.options.override?.(name, m);
    if (ov) this.r.overridden.push({ name, syscalls: ov.syscalls, source: ov.source, node, program: this.program });
    return ov;
  }

  /** Processes nodes until none waits; syscalls made outside glibc release the models waiting for them as they are found. */
  drain(expand: (p: ReachParts, id: number) => void): void {
    const { work, held, r } = this;
    while (work.pending) {
      while (work.pending) expand(this, work.next());
      if (held.watchesSyscalls) held.syscallsOutside(r.hits, r.unknowns);
    }
  }
}
