import type { CodeScanner } from '../scan-types.js';
import type { ModuleGraph } from '../module-graph.js';
import type { HeldModels } from './held-models.js';
import type { ProgramNodes } from './program-nodes.js';
import type { Worklist } from './worklist.js';
import type { ImportOverride, ProgramModule, Reach, ReachOptions } from './types.js';

/** What the parts of one reach share (ReachParts holds them): the parts see each other only through it. */
export interface ReachContext {
  readonly mods: ProgramModule[];
  readonly scanner: CodeScanner;
  readonly options: ReachOptions;
  readonly nodes: ProgramNodes;
  readonly work: Worklist;
  readonly held: HeldModels;
  readonly r: Reach;
  /** 0: the program's own pass; 1: start-up. */
  readonly pass: 0 | 1;
  readonly program: boolean;
  /** Run-time loading activates a module's data through the data-pointer gate. */
  readonly gate: { activate(mi: number, from: number): void };
  pointerToWrapper(g: ModuleGraph, f: number, node: number): void;
  overrideImport(name: string, m: ProgramModule, node: number): ReturnType<ImportOverride>;
}
