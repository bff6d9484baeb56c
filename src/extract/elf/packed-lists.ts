/**
 * Per-function lists packed into two columns (compressed sparse rows): list i is values[offsets[i] ..
 * offsets[i + 1]). A finished graph keeps its call, reference, import and data lists this way: a million
 * functions cost two typed arrays instead of a million JS arrays (about a fifth of the memory, and nothing
 * for the collector to trace).
 */
export class PackedLists {
  constructor(readonly offsets: Uint32Array, readonly values: Float64Array) {}

  /** Number of lists. */
  get length(): number { return this.offsets.length - 1; }

  /** List I as a view (allocates a view: hot loops read offsets and values directly). */
  at(i: number): Float64Array { return this.values.subarray(this.offsets[i], this.offsets[i + 1]); }

  /** The lists as plain arrays (tests, validation). */
  toArrays(): number[][] { return Array.from({ length: this.length }, (_x, i) => Array.from(this.at(i))); }

  static pack(lists: readonly (readonly number[])[]): PackedLists {
    const offsets = new Uint32Array(lists.length + 1);
    let total = 0;
    for (let i = 0; i < lists.length; i++) { total += lists[i].length; offsets[i + 1] = total; }
    const values = new Float64Array(total);
    let at = 0;
    for (const l of lists) for (const v of l) values[at++] = v;
    return new PackedLists(offsets, values);
  }

  /** From per-list counts and the values in order; throws when they do not add up. */
  static fromCounts(counts: ArrayLike<number>, values: Float64Array): PackedLists {
    const offsets = new Uint32Array(counts.length + 1);
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (!Number.isInteger(c) || c < 0) throw new Error('count');
      total += c;
      offsets[i + 1] = total;
    }
    if (total !== values.length) throw new Error('count');
    return new PackedLists(offsets, values);
  }
}
