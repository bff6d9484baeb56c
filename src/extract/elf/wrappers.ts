import { functionBytes, type ExecRange, type FunctionTable } from './functions.js';
import type { CodeScanner } from './scan-types.js';
import { CONST, PARAM, type RegState } from './reg-state.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
import { U_ABI32, U_NUMBER, type ModuleGraph } from './module-graph.js';

const X32_BIT = 0x40000000;
const MAX_NR = 4096;

/**
 * Recovers syscall numbers: at each site by forward data flow; a site whose number is a function parameter
 * makes that function a wrapper (glibc `syscall`, musl `__syscall_cp_asm`, the app's own), and the number is
 * then recovered at every call site of the wrapper, transitively through wrappers of wrappers.
 */
/** Direct branches between functions, as columns (a large binary has millions: objects would dominate its build). */
export class BranchSites {
  readonly fn: number[] = [];
  readonly addr: number[] = [];
  readonly callee: number[] = [];
  add(fn: number, addr: number, callee: number): void { this.fn.push(fn); this.addr.push(addr); this.callee.push(callee); }
  /** Branch indices grouped by KEY (fn or callee) over N functions, as offsets into an index column. */
  groupBy(key: number[], n: number): { offsets: Uint32Array; index: Uint32Array } {
    const offsets = new Uint32Array(n + 1);
    for (const k of key) offsets[k + 1]++;
    for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
    const fill = offsets.slice(0, n), index = new Uint32Array(key.length);
    for (let b = 0; b < key.length; b++) index[fill[key[b]]++] = b;
    return { offsets, index };
  }
}

/** The syscall numbers a register of abstract value (kind, anchor) holds when it is a load from read-only data (readonly-values.ts). */
export type LoadedNumbers = (kind: number, anchor: number) => number[] | undefined;

export function resolveWrappers(g: ModuleGraph, fns: FunctionTable, ranges: ExecRange[], buf: Buffer, scanner: CodeScanner,
  rawSites: Map<number, number[]>, branches: BranchSites, loaded: LoadedNumbers = () => undefined): void {
  const flow = (fn: number, addrs: number[]): Map<number, RegState> => {
    const r = ranges[fns.range[fn]];
    return scanner.flow(functionBytes(buf, r, fns.starts[fn], fns.ends[fn]), Math.max(fns.starts[fn], r.start), fns.starts[fn], fns.ends[fn], addrs.map((addr) => ({ addr })));
  };
  for (const [fn, addrs] of rawSites) {
    const states = flow(fn, addrs);
    for (const a of addrs) {
      const s = states.get(a);
      const k = s?.kind[scanner.nrReg], v = s?.val[scanner.nrReg] ?? -1;
      if (k === CONST) addNumber(g, fn, v, a, -1, s && argValues(s, scanner.sysArgRegs));
      else if (k === PARAM) { if (g.wrapperParam[fn] < 0) g.wrapperParam[fn] = v; }
      else addNumbers(g, fn, k === undefined ? undefined : loaded(k, v), a, -1, s && argValues(s, scanner.sysArgRegs));
    }
  }
  const n = fns.starts.length;
  const byCallee = branches.groupBy(branches.callee, n), byFn = branches.groupBy(branches.fn, n);
  /** Call sites of CALLEE in other functions. */
  const callers = (callee: number): { fn: number; addr: number }[] => {
    const out: { fn: number; addr: number }[] = [];
    for (let k = byCallee.offsets[callee]; k < byCallee.offsets[callee + 1]; k++) {
      const b = byCallee.index[k];
      if (branches.fn[b] !== callee) out.push({ fn: branches.fn[b], addr: branches.addr[b] });
    }
    return out;
  };
  const flowCache = new Map<number, Map<number, RegState>>();
  const flowOf = (fn: number): Map<number, RegState> => {
    let states = flowCache.get(fn);
    if (!states) {
      const sites: number[] = [];
      for (let k = byFn.offsets[fn]; k < byFn.offsets[fn + 1]; k++) sites.push(branches.addr[byFn.index[k]]);
      states = flow(fn, sites);
      flowCache.set(fn, states);
    }
    return states;
  };
  const work = g.wrapperParam.flatMap((p, i) => (p >= 0 ? [i] : []));
  const done = new Set<string>();
  while (work.length > 0) {
    const w = work.pop()!;
    const param = g.wrapperParam[w];
    const reg = scanner.argRegs[param];
    for (const c of callers(w)) {
      const key = `${c.fn}:${c.addr}:${w}`;
      if (done.has(key)) continue;
      done.add(key);
      const s = flowOf(c.fn).get(c.addr);
      const arg = !s ? undefined : scanner.argAt ? scanner.argAt(s, param) : reg === undefined ? undefined : { kind: s.kind[reg], val: s.val[reg] };
      const k = arg?.kind, v = arg?.val ?? -1;
      // syscall(nr, a, b, …): the syscall's arguments follow the number in the wrapper's parameters
      const args = s && argValues(s, scanner.argsAfter?.(param) ?? scanner.argRegs.slice(param + 1, param + 7));
      if (k === CONST) addNumber(g, c.fn, v, c.addr, w, args);
      else if (k === PARAM) { if (g.wrapperParam[c.fn] < 0) { g.wrapperParam[c.fn] = v; work.push(c.fn); } }
      else addNumbers(g, c.fn, k === undefined ? undefined : loaded(k, v), c.addr, w, args);
    }
  }
  localArgConsts(g, scanner, callers, flowOf);
}

/** Syscalls whose flag / domain arguments rules look at. */
export const FEATURE_SYSCALLS = ['mmap', 'mprotect', 'socket', 'socketpair', 'clone', 'prctl', 'madvise', 'fcntl', 'ioctl', 'open', 'openat', 'setsockopt', 'personality', 'unshare'];

/**
 * Constant arguments of feature syscalls made with a parameter of the enclosing function (`socket(domain, …)`
 * as a direct `syscall`): read at that function's local call sites, one level up.
 */
function localArgConsts(g: ModuleGraph, scanner: CodeScanner, callers: (callee: number) => { fn: number; addr: number }[],
  flowOf: (fn: number) => Map<number, RegState>): void {
  const table = loadLinuxSyscalls(scanner.arch).byName;
  const features = new Set(FEATURE_SYSCALLS.map((s) => table.get(s)).filter((n): n is number => n !== undefined));
  for (let f = 0; f < g.sites.length; f++) {
    const sites = g.sites[f], sa = g.siteArgs[f];
    const wanted: number[] = [];
    for (let i = 0; i < sites.length; i += 3) {
      if (!features.has(sites[i])) continue;
      for (let k = 0; k < 6; k++) { const v = sa[(i / 3) * 6 + k]; if (typeof v === 'number' && v < 0) wanted.push(sites[i], k, -v - 1); }
    }
    if (wanted.length === 0) continue;
    for (const c of callers(f)) {
      const s = flowOf(c.fn).get(c.addr);
      for (let w = 0; w < wanted.length; w += 3) {
        const reg = scanner.argRegs[wanted[w + 2]];
        if (s && reg !== undefined && s.kind[reg] === CONST && s.val[reg] >= 0) g.argConsts[c.fn].push(wanted[w], wanted[w + 1], s.val[reg]);
      }
    }
  }
}

/** A site whose number is loaded from read-only data: one site per number the data holds; unknown when it holds none. */
function addNumbers(g: ModuleGraph, fn: number, numbers: number[] | undefined, addr: number, via: number, args?: (number | null)[]): void {
  if (!numbers) { g.unknownSites[fn].push(addr, U_NUMBER); return; }
  for (const nr of numbers) addNumber(g, fn, nr, addr, via, args);
}

function addNumber(g: ModuleGraph, fn: number, v: number, addr: number, via: number, args?: (number | null)[]): void {
  // x86-64: bit 30 selects the x32 ABI
  if (g.arch === 'x86_64' && v >= X32_BIT && v < 2 * X32_BIT) g.unknownSites[fn].push(addr, U_ABI32);
  else if (v >= 0 && v < MAX_NR && Number.isInteger(v)) {
    g.sites[fn].push(v, addr, via);
    const a = args ?? [];
    for (let i = 0; i < 6; i++) g.siteArgs[fn].push(a[i] ?? null);
  } else g.unknownSites[fn].push(addr, U_NUMBER);
}

/** Encodes argument registers: constant (>= 0), -(j+1) for parameter j, null when unknown. */
export function argValues(s: RegState, regs: readonly number[]): (number | null)[] {
  return regs.map((r) => (s.kind[r] === CONST && s.val[r] >= 0 ? s.val[r] : s.kind[r] === PARAM ? -(s.val[r] + 1) : null));
}
