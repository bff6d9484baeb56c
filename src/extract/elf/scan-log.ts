import { functionOf, type ExecRange, type FunctionTable } from './functions.js';
import { INSN_FALLS, INSN_PAD, INSN_STOPS, type CodeScanner, type ScanFunction, type ScanSink } from './scan-types.js';

/** Calls EACH with the bytes of every non-PLT range and the functions inside it. */
export function forEachRange(buf: Buffer, ranges: ExecRange[], fns: FunctionTable,
  each: (bytes: Uint8Array, r: ExecRange, list: ScanFunction[]) => void): void {
  const per = ranges.map(() => [] as ScanFunction[]);
  for (let i = 0; i < fns.starts.length; i++) per[fns.range[i]].push({ index: i, start: fns.starts[i], end: fns.ends[i] });
  ranges.forEach((r, ri) => {
    if (r.plt || per[ri].length === 0) return;
    each(buf.subarray(r.offset, r.offset + (r.end - r.start)), r, per[ri]);
  });
}

const SYSCALL = 0, BRANCH = 1, SLOT = 2, ADDRESS = 3, IMMEDIATE = 4, INDIRECT = 5, DECODE = 6, END = 7, DATA = 8;
/** An event's kind takes the low four bits of its kind byte, its flag the bits above. */
const KIND_BITS = 4, KIND_MASK = 15;
/** Longest x86-64 instruction: a function's last instruction may run this far past its end. */
const MAX_INSTRUCTION = 15;

const CHUNK_BITS = 16, CHUNK = 1 << CHUNK_BITS, MASK = CHUNK - 1;

/** A growable numeric array in fixed chunks: no copy (and no doubled peak) when it grows. */
class Chunked<A extends Float64Array | Uint32Array | Uint8Array> {
  private readonly chunks: A[] = [];
  constructor(private readonly make: (n: number) => A) {}
  set(i: number, v: number): void {
    const c = i >>> CHUNK_BITS;
    while (c >= this.chunks.length) this.chunks.push(this.make(CHUNK));
    this.chunks[c][i & MASK] = v;
  }
  get(i: number): number { return this.chunks[i >>> CHUNK_BITS][i & MASK]; }
}

/**
 * The sink events of one sweep, function by function (a scanner reports one function's events together), so
 * that a second sweep with refined function boundaries replays the functions whose bounds did not change
 * instead of decoding them again. Events are kept as columns: kind and flag, address, operand (17 bytes each).
 */
export class ScanLog {
  private readonly kinds = new Chunked((n) => new Uint8Array(n));
  private readonly addrs = new Chunked((n) => new Float64Array(n));
  private readonly args = new Chunked((n) => new Float64Array(n));
  private len = 0;
  /** First and one-past-last event of each function of the recorded table (-1: none). */
  readonly from: Int32Array;
  readonly to: Int32Array;

  /** Every decoded instruction as (offset from `base`) * 4 + INSN_* class, in address order (x86-64). */
  private readonly insnWords = new Chunked((n) => new Uint32Array(n));
  private insns = 0;
  private readonly base: number;

  constructor(private readonly fns: FunctionTable, ranges: ExecRange[]) {
    this.from = new Int32Array(fns.starts.length).fill(-1);
    this.to = new Int32Array(fns.starts.length).fill(-1);
    this.base = ranges.length > 0 ? ranges[0].start : 0;
    const span = ranges.length > 0 ? ranges[ranges.length - 1].end - this.base : 0;
    // instruction boundaries let a split function be replayed piece by piece; offsets must fit in 30 bits
    if (span < 2 ** 30) this.sink.instruction = (addr, kind) => this.insnWords.set(this.insns++, (addr - this.base) * 4 + kind);
  }

  /** Index of the first recorded instruction at or after ADDR. */
  private insnIndex(addr: number): number {
    const off = addr - this.base;
    let lo = 0, hi = this.insns;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.insnWords.get(mid) >>> 2 < off) lo = mid + 1; else hi = mid; }
    return lo;
  }

  private isBoundary(addr: number): boolean {
    const i = this.insnIndex(addr);
    return i < this.insns && this.insnWords.get(i) >>> 2 === addr - this.base;
  }

  /** Whether the recorded sweep decoded an instruction at ADDR (true when it kept no instruction boundaries: aarch64, huge spans). */
  isInstruction(addr: number): boolean {
    return this.insns === 0 || this.isBoundary(addr);
  }

  /**
   * Whether a function may start at ADDR as the recorded sweep saw the code: an instruction starts there, and the one
   * before it is padding or ends the flow (a jump, a return, a call). Without instruction boundaries (aarch64, huge
   * spans), whether ADDR is 4-byte aligned.
   */
  mayStartFunction(addr: number): boolean {
    if (this.insns === 0) return addr % 4 === 0;
    const i = this.insnIndex(addr);
    if (i >= this.insns || this.insnWords.get(i) >>> 2 !== addr - this.base) return false;
    return i === 0 || (this.insnWords.get(i - 1) & 3) !== INSN_FALLS;
  }

  /** What a sweep of [start, end) reports at its end: whether its last non-padding instruction lets flow go on. */
  private fallsThrough(start: number, end: number): boolean {
    for (let i = this.insnIndex(end) - 1; i >= 0; i--) {
      const w = this.insnWords.get(i);
      if (w >>> 2 < start - this.base) break;
      if ((w & 3) !== INSN_PAD) return (w & 3) === INSN_FALLS;
    }
    return true;
  }

  /**
   * The addresses of ERRORS (undecodable bytes of [start, end)) that control can reach from START: through fall-through,
   * calls (which return) and direct branches inside the range. Bytes no flow reaches are data the linear sweep read as
   * code (tables in .text, OpenSSL's perlasm). Undefined when that cannot be told: START is not an instruction of the
   * sweep, a reachable branch lands inside one, or an indirect jump or call is reachable (a jump table, a computed
   * address in the range).
   */
  reachableErrors(start: number, end: number, errors: number[]): number[] | undefined {
    if (this.insns === 0) return undefined;
    const i0 = this.insnIndex(start), i1 = this.insnIndex(end);
    if (i0 >= i1 || this.insnWords.get(i0) >>> 2 !== start - this.base) return undefined;
    const targets = new Map<number, number>();
    const indirect = new Set<number>();
    for (let fn = functionOf(this.fns, start); fn >= 0 && fn < this.fns.starts.length && this.fns.starts[fn] < end; fn++) {
      for (let i = this.from[fn]; i >= 0 && i < this.to[fn]; i++) {
        const k = this.kinds.get(i) & KIND_MASK, addr = this.addrs.get(i);
        if (addr < start || addr >= end) continue;
        if (k === BRANCH) targets.set(addr, this.args.get(i));
        else if (k === INDIRECT || (k === SLOT && this.kinds.get(i) >>> KIND_BITS >= 2)) indirect.add(addr);
      }
    }
    const reached = new Uint8Array(i1 - i0);
    const todo = [i0];
    while (todo.length > 0) {
      const i = todo.pop()!;
      if (i >= i1 || reached[i - i0]) continue;
      reached[i - i0] = 1;
      const w = this.insnWords.get(i), addr = this.base + (w >>> 2);
      if (indirect.has(addr)) return undefined;
      const t = targets.get(addr);
      if (t !== undefined && t >= start && t < end) {
        const j = this.insnIndex(t);
        if (j >= i1 || this.insnWords.get(j) >>> 2 !== t - this.base) return undefined;
        todo.push(j);
      }
      if ((w & 3) !== INSN_STOPS) todo.push(i + 1);
    }
    // an error the recorded sweep did not see as an instruction (the function was decoded afresh) is kept
    return errors.filter((a) => { const i = this.insnIndex(a); return i >= i1 || this.insnWords.get(i) >>> 2 !== a - this.base || reached[i - i0] === 1; });
  }

  /** Sweeps every function of FNS once, recording. */
  static record(buf: Buffer, ranges: ExecRange[], fns: FunctionTable, scanner: CodeScanner): ScanLog {
    const log = new ScanLog(fns, ranges);
    forEachRange(buf, ranges, fns, (bytes, r, list) => scanner.scan(bytes, r.start, list, log.sink));
    return log;
  }

  private push(fn: number, kind: number, addr: number, a: number, flag: number): void {
    if (this.from[fn] < 0) this.from[fn] = this.len;
    this.kinds.set(this.len, kind + (flag << KIND_BITS));
    this.addrs.set(this.len, addr);
    this.args.set(this.len++, a);
    this.to[fn] = this.len;
  }

  readonly sink: ScanSink = {
    syscall: (fn, addr, abi) => this.push(fn, SYSCALL, addr, abi, 0),
    branch: (fn, addr, target, isCall) => this.push(fn, BRANCH, addr, target, isCall ? 1 : 0),
    slotRef: (fn, addr, slot, control, isCall) => this.push(fn, SLOT, addr, slot, (control ? 2 : 0) + (isCall ? 1 : 0)),
    addressRef: (fn, addr, target) => this.push(fn, ADDRESS, addr, target, 0),
    dataRef: (fn, addr, target) => this.push(fn, DATA, addr, target, 0),
    immediate: (fn, addr, value) => this.push(fn, IMMEDIATE, addr, value, 0),
    indirect: (fn, addr, isCall) => this.push(fn, INDIRECT, addr, 0, isCall ? 1 : 0),
    decodeError: (fn, addr) => this.push(fn, DECODE, addr, 0, 0),
    end: (fn, fallsThrough) => this.push(fn, END, 0, fallsThrough ? 1 : 0, 0),
  };

  /** Direct branches of old function FN: (site, target, isCall). */
  forEachBranch(fn: number, each: (addr: number, target: number, isCall: boolean) => void): void {
    for (let i = this.from[fn]; i >= 0 && i < this.to[fn]; i++) {
      const k = this.kinds.get(i);
      if ((k & KIND_MASK) === BRANCH) each(this.addrs.get(i), this.args.get(i), k >>> KIND_BITS === 1);
    }
  }

  /** Addresses old function FN computes (lea / adr of code or data): (target, site). */
  forEachAddress(fn: number, each: (target: number, addr: number) => void): void {
    for (let i = this.from[fn]; i >= 0 && i < this.to[fn]; i++) if ((this.kinds.get(i) & KIND_MASK) === ADDRESS) each(this.args.get(i), this.addrs.get(i));
  }

  /** Immediates of old function FN that may be absolute code addresses (non-PIE `mov $main, %rdi`). */
  forEachImmediate(fn: number, each: (value: number) => void): void {
    for (let i = this.from[fn]; i >= 0 && i < this.to[fn]; i++) if ((this.kinds.get(i) & KIND_MASK) === IMMEDIATE) each(this.args.get(i));
  }

  /** Every address an address computation or a memory operand of the recorded sweep names (lea, rip-relative operands, slots). */
  forEachDataTarget(each: (target: number) => void): void {
    for (let i = 0; i < this.len; i++) {
      const k = this.kinds.get(i) & KIND_MASK;
      if (k === ADDRESS || k === DATA || k === SLOT) each(this.args.get(i));
    }
  }

  /**
   * Sends old function OLD's events to SINK as function FN; with PIECE, only those of instructions in
   * [piece.start, piece.end) and an end computed for that piece.
   */
  replay(old: number, fn: number, sink: ScanSink, piece?: { start: number; end: number }): void {
    if (this.from[old] < 0) return;
    if (piece) {
      // events are in address order with the end event last: binary search the piece's first event
      let lo = this.from[old], hi = this.to[old] - 1;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.addrs.get(mid) < piece.start) lo = mid + 1; else hi = mid; }
      for (let i = lo; i < this.to[old] - 1 && this.addrs.get(i) < piece.end; i++) this.dispatch(i, fn, sink);
      sink.end(fn, this.fallsThrough(piece.start, piece.end));
      return;
    }
    for (let i = this.from[old]; i < this.to[old]; i++) this.dispatch(i, fn, sink);
  }

  /** Sends event I to SINK as function FN. */
  private dispatch(i: number, fn: number, sink: ScanSink): void {
    const k = this.kinds.get(i), flag = k >>> KIND_BITS, addr = this.addrs.get(i), a = this.args.get(i);
    switch (k & KIND_MASK) {
      case SYSCALL: sink.syscall(fn, addr, a === 32 ? 32 : 64); break;
      case BRANCH: sink.branch(fn, addr, a, flag === 1); break;
      case SLOT: sink.slotRef(fn, addr, a, flag >= 2, (flag & 1) === 1); break;
      case ADDRESS: sink.addressRef(fn, addr, a); break;
      case DATA: sink.dataRef?.(fn, addr, a); break;
      case IMMEDIATE: sink.immediate(fn, addr, a); break;
      case INDIRECT: sink.indirect(fn, addr, flag === 1); break;
      case DECODE: sink.decodeError(fn, addr); break;
      case END: sink.end(fn, a === 1); break;
    }
  }

  /**
   * Sweeps the functions of FNS into SINK in address order: a function with the same bounds as one of the
   * recorded sweep is replayed, any other is decoded (from its start, with the bytes a last instruction may
   * need past its end, exactly as a sweep of the whole range would see them).
   */
  sweep(buf: Buffer, ranges: ExecRange[], fns: FunctionTable, scanner: CodeScanner, sink: ScanSink): void {
    const old = new Map<number, number>();
    this.fns.starts.forEach((s, j) => old.set(s, j));
    // consecutive functions to decode are swept together, from the bytes of the first to those of the last
    let run: ScanFunction[] = [];
    let runRange = -1;
    const flush = (): void => {
      if (run.length === 0) return;
      const r = ranges[runRange], first = run[0].start, last = run[run.length - 1].end;
      // same alignment relative to the range as a whole-range sweep (aarch64 decodes 4-byte words from the range start)
      const lo = first - ((first - r.start) % 4), stop = Math.min(r.end, last + MAX_INSTRUCTION);
      scanner.scan(buf.subarray(r.offset + (lo - r.start), r.offset + (stop - r.start)), lo, run, sink);
      run = [];
    };
    for (let i = 0; i < fns.starts.length; i++) {
      const ri = fns.range[i];
      if (ranges[ri].plt) continue;
      const j = old.get(fns.starts[i]);
      if (j !== undefined && this.fns.ends[j] === fns.ends[i] && this.from[j] >= 0) { flush(); this.replay(j, i, sink); continue; }
      // a piece of an old function cut at instruction boundaries: the same instructions, so the same events
      const s = fns.starts[i], e = fns.ends[i], k = functionOf(this.fns, s);
      if (this.insns > 0 && k >= 0 && this.from[k] >= 0 && e <= this.fns.ends[k]
        && (s === this.fns.starts[k] || this.isBoundary(s)) && (e === this.fns.ends[k] || this.isBoundary(e))) {
        flush(); this.replay(k, i, sink, { start: s, end: e }); continue;
      }
      if (ri !== runRange) { flush(); runRange = ri; }
      run.push({ index: i, start: fns.starts[i], end: fns.ends[i] });
    }
    flush();
  }
}
