/** Abstract value of a register: unknown, a constant, a function parameter at entry, or a load from a pointer slot. */
export const UNKNOWN = 0, CONST = 1, PARAM = 2, SLOT = 3;

/** Register file of 32 abstract values (x86-64 uses 16, aarch64 31), for forward constant propagation. */
export class RegState {
  readonly kind = new Uint8Array(32);
  readonly val = new Float64Array(32);

  /** State at function entry: argument register i holds parameter i. */
  static entry(argRegs: readonly number[]): RegState {
    const s = new RegState();
    argRegs.forEach((r, i) => { s.kind[r] = PARAM; s.val[r] = i; });
    return s;
  }
  clone(): RegState {
    const s = new RegState();
    s.kind.set(this.kind); s.val.set(this.val);
    return s;
  }
  /** Keeps only what both states agree on. */
  meet(o: RegState): void {
    for (let i = 0; i < 32; i++) {
      if (this.kind[i] !== o.kind[i] || this.val[i] !== o.val[i]) this.kind[i] = UNKNOWN;
    }
  }
  /** True when meeting with O would change nothing. */
  covers(o: RegState): boolean {
    for (let i = 0; i < 32; i++) {
      if (this.kind[i] !== UNKNOWN && (this.kind[i] !== o.kind[i] || this.val[i] !== o.val[i])) return false;
    }
    return true;
  }
  setConst(r: number, v: number): void {
    if (Number.isNaN(v)) { this.kind[r] = UNKNOWN; return; }
    this.kind[r] = CONST; this.val[r] = v;
  }
  setSlot(r: number, addr: number): void { this.kind[r] = SLOT; this.val[r] = addr; }
  clobber(r: number): void { this.kind[r] = UNKNOWN; }
  /** dst = src; a 32-bit copy truncates constants and drops slot loads. */
  copy(dst: number, src: number, narrow: boolean): void {
    if (src < 0) { this.kind[dst] = UNKNOWN; return; }
    let k = this.kind[src], v = this.val[src];
    if (narrow && k === CONST) v = v % 2 ** 32;
    if (narrow && k === SLOT) k = UNKNOWN;
    this.kind[dst] = k; this.val[dst] = v;
  }
}

/** One instruction as the data-flow driver sees it. */
export type FlowVisitor = (ip: number, target: number | undefined, stops: boolean, apply: (st: RegState) => void, pad?: boolean) => void;

const MAX_ROUNDS = 8;

/**
 * Forward constant propagation over one function to a fixpoint: the state at a branch target is the meet
 * of every predecessor (forward and backward edges), so loop-invariant values survive loops. Code reached
 * only through jump tables starts unknown. Returns the state before each queried address.
 */
export function runFlow(start: number, end: number, entry: RegState, queries: readonly number[], sweep: (v: FlowVisitor) => void): Map<number, RegState> {
  const want = new Set(queries);
  const leaders = new Set<number>();
  sweep((_ip, t) => { if (t !== undefined && t >= start && t < end) leaders.add(t); });
  const inState = new Map<number, RegState>();
  let out = new Map<number, RegState>();
  let changed = true;
  // Round set 1 skips code no predecessor has reached yet (loop heads before their back edge is seen);
  // round set 2 then treats still-unreached code (jump-table targets) as unknown.
  for (const optimistic of [true, false]) {
    changed = true;
    for (let round = 0; changed && round < MAX_ROUNDS; round++) {
      changed = false;
      out = new Map();
      let st: RegState | undefined = entry.clone();
      sweep((ip, t, stops, apply, pad) => {
        if (leaders.has(ip)) {
          const p = inState.get(ip);
          if (st && p) st.meet(p);
          else if (p) st = p.clone();
        }
        if (!st && (optimistic || pad)) { if (want.has(ip)) out.set(ip, new RegState()); return; }
        const s: RegState = st ?? new RegState();
        if (want.has(ip)) out.set(ip, s.clone());
        if (t !== undefined && leaders.has(t)) {
          const p = inState.get(t);
          if (!p) { inState.set(t, s.clone()); changed = true; }
          else if (!p.covers(s)) { p.meet(s); changed = true; }
        }
        apply(s);
        st = stops ? undefined : s;
      });
    }
  }
  // Not converged (pathological code): fall back to knowing nothing at the queried sites.
  if (changed) for (const k of out.keys()) out.set(k, new RegState());
  return out;
}
