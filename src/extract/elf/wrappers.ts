import type { ExecRange, FunctionTable } from './functions.js';
import type { CodeScanner } from './scan-types.js';
import { CONST, PARAM, type RegState } from './reg-state.js';
import { U_ABI32, U_NUMBER, type ModuleGraph } from './call-graph.js';

const X32_BIT = 0x40000000;
const MAX_NR = 4096;

/**
 * Recovers syscall numbers: at each site by forward data flow; a site whose number is a function parameter
 * makes that function a wrapper (glibc `syscall`, musl `__syscall_cp_asm`, the app's own), and the number is
 * then recovered at every call site of the wrapper, transitively through wrappers of wrappers.
 */
export function resolveWrappers(g: ModuleGraph, fns: FunctionTable, ranges: ExecRange[], buf: Buffer, scanner: CodeScanner,
  rawSites: Map<number, number[]>, branchSites: { fn: number; addr: number; callee: number }[]): void {
  const flow = (fn: number, addrs: number[]): Map<number, RegState> => {
    const r = ranges[fns.range[fn]];
    return scanner.flow(buf.subarray(r.offset, r.offset + (r.end - r.start)), r.start, fns.starts[fn], fns.ends[fn], addrs.map((addr) => ({ addr })));
  };
  for (const [fn, addrs] of rawSites) {
    const states = flow(fn, addrs);
    for (const a of addrs) {
      const s = states.get(a);
      const k = s?.kind[scanner.nrReg], v = s?.val[scanner.nrReg] ?? -1;
      if (k === CONST) addNumber(g, fn, v, a, -1, s && argValues(s, scanner.sysArgRegs));
      else if (k === PARAM) { if (g.wrapperParam[fn] < 0) g.wrapperParam[fn] = v; }
      else g.unknownSites[fn].push(a, U_NUMBER);
    }
  }
  const callers = new Map<number, { fn: number; addr: number }[]>();
  const sitesOf = new Map<number, number[]>();
  for (const b of branchSites) {
    if (b.fn === b.callee) continue;
    let l = callers.get(b.callee);
    if (!l) callers.set(b.callee, (l = []));
    l.push(b);
  }
  for (const b of branchSites) { let l = sitesOf.get(b.fn); if (!l) sitesOf.set(b.fn, (l = [])); l.push(b.addr); }
  const flowCache = new Map<number, Map<number, RegState>>();
  const work = g.wrapperParam.flatMap((p, i) => (p >= 0 ? [i] : []));
  const done = new Set<string>();
  while (work.length > 0) {
    const w = work.pop()!;
    const param = g.wrapperParam[w];
    const reg = scanner.argRegs[param];
    for (const c of callers.get(w) ?? []) {
      const key = `${c.fn}:${c.addr}:${w}`;
      if (done.has(key)) continue;
      done.add(key);
      let states = flowCache.get(c.fn);
      if (!states) { states = flow(c.fn, sitesOf.get(c.fn) ?? []); flowCache.set(c.fn, states); }
      const s = states.get(c.addr);
      const k = reg === undefined ? undefined : s?.kind[reg], v = reg === undefined ? -1 : s?.val[reg] ?? -1;
      // syscall(nr, a, b, …): the syscall's arguments follow the number in the wrapper's parameters
      if (k === CONST) addNumber(g, c.fn, v, c.addr, w, s && argValues(s, scanner.argRegs.slice(param + 1, param + 7)));
      else if (k === PARAM) { if (g.wrapperParam[c.fn] < 0) { g.wrapperParam[c.fn] = v; work.push(c.fn); } }
      else g.unknownSites[c.fn].push(c.addr, U_NUMBER);
    }
  }
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
