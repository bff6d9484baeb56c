/**
 * Abstract value of a register: unknown, a constant, a function parameter at entry, a load from a pointer slot (8
 * bytes at the address `val`), an address somewhere at or after `val` (a pointer stepped over an object), or a value
 * loaded from memory at or after `val` (LOAD + shape: an element of a table, `syscall(ids[i])`).
 */
export const UNKNOWN = 0, CONST = 1, PARAM = 2, SLOT = 3, ADDR = 4, LOAD = 8;
/** LOAD kinds carry their shape in the low bits: log2 of the width (0-3), sign-extended (4), one fixed address (8). */
const LOAD_SIGNED = 4, LOAD_SINGLE = 8;

/** The LOAD kind of an element WIDTH bytes wide (1, 2, 4, 8), sign-extended or not, from one address or a table. */
export function loadKind(width: number, signed: boolean, single: boolean): number {
  return LOAD + Math.log2(width) + (signed ? LOAD_SIGNED : 0) + (single ? LOAD_SINGLE : 0);
}

/** The shape of a LOAD kind (a SLOT is an 8-byte load from one address), or undefined for other kinds. */
export function loadShape(kind: number): { width: number; signed: boolean; single: boolean } | undefined {
  if (kind === SLOT) return { width: 8, signed: false, single: true };
  if (kind < LOAD || kind >= LOAD + 16) return undefined;
  const k = kind - LOAD;
  return { width: 2 ** (k & 3), signed: (k & LOAD_SIGNED) !== 0, single: (k & LOAD_SINGLE) !== 0 };
}

/** Whether KIND holds a known address: a constant, or a pointer into an object from its anchor. */
export function isAddress(kind: number): boolean {
  return kind === CONST || kind === ADDR;
}

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
  /**
   * Keeps only what both states agree on. Two different addresses meet as an address at or after the lower one:
   * a pointer stepped through a loop (its value at the loop head, and one element further on the back edge).
   */
  meet(o: RegState): void {
    for (let i = 0; i < 32; i++) {
      const k = this.kind[i], v = this.val[i];
      if (k === o.kind[i] && v === o.val[i]) continue;
      if (isAddress(k) && isAddress(o.kind[i])) { this.kind[i] = ADDR; this.val[i] = Math.min(v, o.val[i]); }
      else this.kind[i] = UNKNOWN;
    }
  }
  /** True when meeting with O would change nothing. */
  covers(o: RegState): boolean {
    for (let i = 0; i < 32; i++) {
      const k = this.kind[i];
      if (k === UNKNOWN || (k === o.kind[i] && this.val[i] === o.val[i])) continue;
      if (k === ADDR && isAddress(o.kind[i]) && o.val[i] >= this.val[i]) continue;
      return false;
    }
    return true;
  }
  setConst(r: number, v: number): void {
    if (Number.isNaN(v)) { this.kind[r] = UNKNOWN; return; }
    this.kind[r] = CONST; this.val[r] = v;
  }
  setSlot(r: number, addr: number): void { this.kind[r] = SLOT; this.val[r] = addr; }
  /** R points somewhere at or after ANCHOR (a pointer moved by an amount not tracked). */
  setAddr(r: number, anchor: number): void { this.kind[r] = ADDR; this.val[r] = anchor; }
  /** R holds a value loaded from memory at or after ANCHOR (at ANCHOR itself when the kind says single). */
  setLoad(r: number, kind: number, anchor: number): void { this.kind[r] = kind; this.val[r] = anchor; }
  clobber(r: number): void { this.kind[r] = UNKNOWN; }
  /** dst = src; a 32-bit copy truncates constants and drops slot loads and addresses (table elements stay: syscall numbers are small). */
  copy(dst: number, src: number, narrow: boolean): void {
    if (src < 0) { this.kind[dst] = UNKNOWN; return; }
    let k = this.kind[src], v = this.val[src];
    if (narrow && k === CONST) v = v % 2 ** 32;
    if (narrow && (k === SLOT || k === ADDR)) k = UNKNOWN;
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
