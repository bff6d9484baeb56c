import { functionBytes, type ExecRange, type FunctionTable } from './functions.js';
import type { CodeScanner } from './scan-types.js';
import { CONST, PARAM, type RegState } from './reg-state.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
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
    return scanner.flow(functionBytes(buf, r, fns.starts[fn], fns.ends[fn]), Math.max(fns.starts[fn], r.start), fns.starts[fn], fns.ends[fn], addrs.map((addr) => ({ addr })));
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
  const flowOf = (fn: number): Map<number, RegState> => {
    let states = flowCache.get(fn);
    if (!states) { states = flow(fn, sitesOf.get(fn) ?? []); flowCache.set(fn, states); }
    return states;
  };
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
      const s = flowOf(c.fn).get(c.addr);
      const k = reg === undefined ? undefined : s?.kind[reg], v = reg === undefined ? -1 : s?.val[reg] ?? -1;
      // syscall(nr, a, b, …): the syscall's arguments follow the number in the wrapper's parameters
      if (k === CONST) addNumber(g, c.fn, v, c.addr, w, s && argValues(s, scanner.argRegs.slice(param + 1, param + 7)));
      else if (k === PARAM) { if (g.wrapperParam[c.fn] < 0) { g.wrapperParam[c.fn] = v; work.push(c.fn); } }
      else g.unknownSites[c.fn].push(c.addr, U_NUMBER);
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
function localArgConsts(g: ModuleGraph, scanner: CodeScanner, callers: Map<number, { fn: number; addr: number }[]>,
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
    for (const c of callers.get(f) ?? []) {
      const s = flowOf(c.fn).get(c.addr);
      for (let w = 0; w < wanted.length; w += 3) {
        const reg = scanner.argRegs[wanted[w + 2]];
        if (s && reg !== undefined && s.kind[reg] === CONST && s.val[reg] >= 0) g.argConsts[c.fn].push(wanted[w], wanted[w + 1], s.val[reg]);
      }
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
