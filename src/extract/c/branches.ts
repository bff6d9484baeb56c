import type { Node } from 'web-tree-sitter';
import { andConditions, directiveCondition, negateCondition, type BranchCondition, type MacroEnv } from './conditions.js';

/** A span of source compiled under one condition: an #if body, an #elif or an #else. */
export interface BranchRegion extends BranchCondition {
  start: number;
  end: number;
}

/** Splits an `#if`/`#ifdef` chain into one region per branch, each with its full condition. */
export function branchRegions(node: Node, env: MacroEnv): BranchRegion[] {
  const out: BranchRegion[] = [];
  let cur: Node | null = node;
  let prior: BranchCondition | null = null;
  if (isIncludeGuard(node)) return [];
  for (let guard = 0; cur && guard < 1000; guard++) {
    const alt: Node | null = cur.childForFieldName('alternative');
    const end = alt ? alt.startIndex : cur.endIndex;
    let cond: BranchCondition;
    if (cur.type === 'preproc_else') cond = prior ? negateCondition(prior) : { text: '1', value: true, onNonLinux: true, onLinux: true };
    else {
      const own = directiveCondition(cur, env);
      cond = prior ? andConditions(negateCondition(prior), own) : own;
      // the next branch holds when none of the earlier ones did
      prior = prior ? orConditions(prior, own) : own;
    }
    out.push({ ...cond, start: cur.startIndex, end });
    cur = alt;
  }
  return out;
}

/** `#ifndef X` whose first directive is `#define X`: an include guard, not a configuration choice. */
function isIncludeGuard(node: Node): boolean {
  if (node.type !== 'preproc_ifdef' || node.childForFieldName('alternative') || !/^#\s*ifndef/.test(node.text)) return false;
  const name = node.childForFieldName('name')?.text;
  const first = node.namedChildren.find((c) => c !== null && c.type !== 'identifier' && c.type !== 'comment');
  return first?.type === 'preproc_def' && first.childForFieldName('name')?.text === name;
}

function orConditions(a: BranchCondition, b: BranchCondition): BranchCondition {
  const or = (x: boolean | undefined, y: boolean | undefined): boolean | undefined =>
    x === true || y === true ? true : x === false && y === false ? false : undefined;
  return { text: `${a.text} || ${b.text}`, value: or(a.value, b.value), onNonLinux: or(a.onNonLinux, b.onNonLinux), onLinux: or(a.onLinux, b.onLinux) };
}

/** Walks source positions in increasing order and reports the (properly nested) spans enclosing each one. */
export class BranchSweep<T extends { start: number; end: number } = BranchRegion> {
  private readonly regions: T[];
  private readonly stack: T[] = [];
  private next = 0;

  constructor(regions: T[]) {
    // outer regions first when they start at the same place
    this.regions = [...regions].sort((a, b) => a.start - b.start || b.end - a.end);
  }

  /** Regions enclosing position `p`, outermost first. Positions must not decrease between calls. */
  at(p: number): readonly T[] {
    while (this.next < this.regions.length && this.regions[this.next].start <= p) {
      this.popEnded(this.regions[this.next].start);
      this.stack.push(this.regions[this.next++]);
    }
    this.popEnded(p);
    return this.stack;
  }

  private popEnded(p: number): void {
    while (this.stack.length && this.stack[this.stack.length - 1].end <= p) this.stack.pop();
  }
}
