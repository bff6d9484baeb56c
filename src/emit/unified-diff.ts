/** A file as original lines plus line-level edits: replacements and insertions after a line. */
export class EditedFile {
  readonly lines: readonly string[];
  /** Original line index → replacement lines. */
  private readonly replaced = new Map<number, string[]>();
  /** Original line index (-1: before line 0) → inserted lines. */
  private readonly inserted = new Map<number, string[]>();

  constructor(text: string) {
    this.lines = text.split('\n').slice(0, -1);
  }

  /** A copy carrying the same edits. */
  clone(): EditedFile {
    const c = new EditedFile('');
    (c as { lines: readonly string[] }).lines = this.lines;
    for (const [k, v] of this.replaced) c.replaced.set(k, [...v]);
    for (const [k, v] of this.inserted) c.inserted.set(k, [...v]);
    return c;
  }

  isReplaced(index: number): boolean {
    return this.replaced.has(index);
  }

  replace(index: number, lines: string[]): void {
    this.replaced.set(index, lines);
  }

  insertAfter(index: number, lines: string[]): void {
    this.inserted.set(index, [...(this.inserted.get(index) ?? []), ...lines]);
  }

  /** Slots in file order: each original line's content, then what is inserted after it. */
  slots(): string[][] {
    const out: string[][] = [this.inserted.get(-1) ?? []];
    this.lines.forEach((l, i) => {
      out.push(this.replaced.get(i) ?? [l]);
      out.push(this.inserted.get(i) ?? []);
    });
    return out;
  }

  /** 1-based line number, in the rendered text, of original line INDEX (0-based). */
  renderedLine(index: number): number {
    let n = this.inserted.get(-1)?.length ?? 0;
    for (let i = 0; i < index; i++) n += (this.replaced.get(i)?.length ?? 1) + (this.inserted.get(i)?.length ?? 0);
    return n + 1;
  }

  render(): string[] {
    return this.slots().flat();
  }

  text(): string {
    return this.render().map((l) => `${l}\n`).join('');
  }
}

interface Change {
  oldStart: number;
  oldLines: string[];
  newLines: string[];
}

const CONTEXT = 3;

/** Unified-diff hunks (with 3 lines of context) from file state A to B; empty when equal. */
export function diffHunks(a: EditedFile, b: EditedFile): string[] {
  const sa = a.slots();
  const sb = b.slots();
  const changes: Change[] = [];
  let oldPos = 0;
  for (let i = 0; i < sa.length; i++) {
    const x = sa[i]!;
    const y = sb[i]!;
    if (x.length !== y.length || x.some((l, j) => l !== y[j])) changes.push({ oldStart: oldPos, oldLines: x, newLines: y });
    oldPos += x.length;
  }
  const old = a.render();
  const hunks: string[] = [];
  let delta = 0;
  for (let i = 0; i < changes.length;) {
    let j = i;
    // changes whose contexts touch share one hunk
    while (j + 1 < changes.length && changes[j + 1]!.oldStart - (changes[j]!.oldStart + changes[j]!.oldLines.length) <= 2 * CONTEXT) j++;
    const first = changes[i]!;
    const last = changes[j]!;
    const start = Math.max(0, first.oldStart - CONTEXT);
    const end = Math.min(old.length, last.oldStart + last.oldLines.length + CONTEXT);
    const body: string[] = [];
    let pos = start;
    let added = 0;
    for (const c of changes.slice(i, j + 1)) {
      for (; pos < c.oldStart; pos++) body.push(` ${old[pos]}`);
      for (const l of c.oldLines) body.push(`-${l}`);
      for (const l of c.newLines) body.push(`+${l}`);
      pos += c.oldLines.length;
      added += c.newLines.length - c.oldLines.length;
    }
    for (; pos < end; pos++) body.push(` ${old[pos]}`);
    const oldCount = end - start;
    const newCount = oldCount + added;
    const range = (s: number, n: number): string => (n === 0 ? `${s},0` : n === 1 ? `${s + 1}` : `${s + 1},${n}`);
    hunks.push(`@@ -${range(start, oldCount)} +${range(start + delta, newCount)} @@\n${body.join('\n')}\n`);
    delta += added;
    i = j + 1;
  }
  return hunks;
}
