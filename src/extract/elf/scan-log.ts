import type { ExecRange, FunctionTable } from './functions.js';
import type { CodeScanner, ScanFunction, ScanSink } from './scan-types.js';

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

const SYSCALL = 0, BRANCH = 1, SLOT = 2, ADDRESS = 3, IMMEDIATE = 4, INDIRECT = 5, DECODE = 6, END = 7;
/** Longest x86-64 instruction: a function's last instruction may run this far past its end. */
const MAX_INSTRUCTION = 15;

/**
 * The sink events of one sweep, function by function (a scanner reports one function's events together), so
 * that a second sweep with refined function boundaries replays the functions whose bounds did not change
 * instead of decoding them again.
 */
export class ScanLog {
  private ev = new Float64Array(4096);
  private len = 0;
  readonly from: Int32Array;
  readonly to: Int32Array;

  constructor(private readonly fns: FunctionTable) {
    this.from = new Int32Array(fns.starts.length).fill(-1);
    this.to = new Int32Array(fns.starts.length).fill(-1);
  }

  /** Sweeps every function of FNS once, recording. */
  static record(buf: Buffer, ranges: ExecRange[], fns: FunctionTable, scanner: CodeScanner): ScanLog {
    const log = new ScanLog(fns);
    forEachRange(buf, ranges, fns, (bytes, r, list) => scanner.scan(bytes, r.start, list, log.sink));
    return log;
  }

  private push(fn: number, kind: number, addr: number, a: number, b: number): void {
    if (this.len + 4 > this.ev.length) { const next = new Float64Array(this.ev.length * 2); next.set(this.ev); this.ev = next; }
    if (this.from[fn] < 0) this.from[fn] = this.len;
    this.ev[this.len++] = kind; this.ev[this.len++] = addr; this.ev[this.len++] = a; this.ev[this.len++] = b;
    this.to[fn] = this.len;
  }

  readonly sink: ScanSink = {
    syscall: (fn, addr, abi) => this.push(fn, SYSCALL, addr, abi, 0),
    branch: (fn, addr, target, isCall) => this.push(fn, BRANCH, addr, target, isCall ? 1 : 0),
    slotRef: (fn, addr, slot, control, isCall) => this.push(fn, SLOT, addr, slot, (control ? 2 : 0) + (isCall ? 1 : 0)),
    addressRef: (fn, addr, target) => this.push(fn, ADDRESS, addr, target, 0),
    immediate: (fn, addr, value) => this.push(fn, IMMEDIATE, addr, value, 0),
    indirect: (fn, addr, isCall) => this.push(fn, INDIRECT, addr, 0, isCall ? 1 : 0),
    decodeError: (fn, addr) => this.push(fn, DECODE, addr, 0, 0),
    end: (fn, fallsThrough) => this.push(fn, END, 0, fallsThrough ? 1 : 0, 0),
  };

  /** Direct branches of old function FN: (site, target, isCall). */
  forEachBranch(fn: number, each: (addr: number, target: number, isCall: boolean) => void): void {
    const ev = this.ev;
    for (let i = this.from[fn]; i >= 0 && i < this.to[fn]; i += 4) if (ev[i] === BRANCH) each(ev[i + 1], ev[i + 2], ev[i + 3] === 1);
  }

  /** Sends old function OLD's events to SINK as function FN. */
  replay(old: number, fn: number, sink: ScanSink): void {
    const ev = this.ev;
    for (let i = this.from[old]; i >= 0 && i < this.to[old]; i += 4) {
      const addr = ev[i + 1], a = ev[i + 2], b = ev[i + 3];
      switch (ev[i]) {
        case SYSCALL: sink.syscall(fn, addr, a === 32 ? 32 : 64); break;
        case BRANCH: sink.branch(fn, addr, a, b === 1); break;
        case SLOT: sink.slotRef(fn, addr, a, b >= 2, (b & 1) === 1); break;
        case ADDRESS: sink.addressRef(fn, addr, a); break;
        case IMMEDIATE: sink.immediate(fn, addr, a); break;
        case INDIRECT: sink.indirect(fn, addr, b === 1); break;
        case DECODE: sink.decodeError(fn, addr); break;
        case END: sink.end(fn, a === 1); break;
      }
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
      if (ri !== runRange) { flush(); runRange = ri; }
      run.push({ index: i, start: fns.starts[i], end: fns.ends[i] });
    }
    flush();
  }
}
