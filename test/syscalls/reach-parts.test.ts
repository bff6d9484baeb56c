import { describe, expect, test } from '@jest/globals';
import { x86Scanner } from '../../src/extract/elf/syscalls-x86_64.js';
import { U_ABI32, U_DECODE, U_NUMBER } from '../../src/extract/elf/module-graph.js';
import { P_FUNCTION, P_REGION } from '../../src/extract/elf/data-regions.js';
import { ProgramNodes } from '../../src/extract/elf/reach/program-nodes.js';
import { Worklist } from '../../src/extract/elf/reach/worklist.js';
import { ReachParts } from '../../src/extract/elf/reach/reach-parts.js';
import { expandNode } from '../../src/extract/elf/reach/expand-node.js';
import { rootProgram, rootStartup } from '../../src/extract/elf/reach/roots.js';
import { probeHeldModels } from '../../src/extract/elf/reach/probe-held.js';
import { reachProgram } from '../../src/extract/elf/reach/reach-program.js';
import { chainTo } from '../../src/extract/elf/reach/evidence.js';
import { graph, module } from './reach-graphs.js';

// Each part of the reach engine on hand-built graphs (x86-64 numbers: getpid 39, sched_yield 24, socket 41, sync 162).
const names = (p: ReachParts): string[] => [...p.work.parent].flatMap((v, id) => (v !== -2 ? [nameOf(p, id)] : []));
const nameOf = (p: ReachParts, id: number): string => { const mi = p.nodes.moduleOf(id); return p.mods[mi].graph.names[id - p.nodes.offset[mi]]; };
const drain = (p: ReachParts): void => p.drain(expandNode);

describe('ProgramNodes', () => {
  const lib1 = module(graph({ a: {}, b: {} }, { exportNames: ['b'] }), 'library', { soname: 'lib1.so' });
  lib1.graph.exports['b@V1'] = 1;
  const lib2 = module(graph({ b: {}, c: {} }, { exportNames: ['b', 'c'] }), 'library', { soname: 'lib2.so' });
  const main = module(graph({ main: { imports: ['b@V1', 'c@V9', 'zz'] } }), 'main');
  const nodes = new ProgramNodes([main, lib1, lib2]);
  test('modules are consecutive ranges of nodes', () => {
    expect(nodes.offset).toEqual([0, 1, 3]);
    expect([0, 1, 2, 3, 4].map((id) => nodes.moduleOf(id))).toEqual([0, 1, 1, 2, 2]);
  });
  test('imports resolve in load order: the exact version first, then the plain name, else -1', () => {
    expect(nodes.resolveImport('b@V1')).toBe(2);
    expect(nodes.resolveImport('b')).toBe(2);
    expect(nodes.resolveImport('c@V9')).toBe(4);
    expect(nodes.resolveImport('zz')).toBe(-1);
    expect([0, 1, 2].map((i) => nodes.importNode(0, i))).toEqual([2, 4, -1]);
  });
});

describe('Worklist', () => {
  test('breadth first: each node once, with the node that reached it and a label for roots', () => {
    const w = new Worklist(4);
    w.visit(0, -1, '(root)');
    w.visit(0, -1, 'again');
    expect(w.pending).toBe(true);
    const first = w.next();
    w.visit(2, first); w.visit(1, first); w.visit(2, 1);
    expect([w.next(), w.next(), w.pending]).toEqual([2, 1, false]);
    expect([...w.parent]).toEqual([-1, 0, 0, -2]);
    expect(w.label[0]).toBe('(root)');
  });
  test('nodes deeper than the limit are counted, and no longer once a shorter chain reaches them', () => {
    const w = new Worklist(4, 1);
    w.visit(0, -1); w.visit(1, 0); w.visit(2, 1);
    expect([w.reached(2), w.depthCut]).toEqual([false, 1]);
    w.visit(2, 0);
    expect([w.reached(2), w.depthCut]).toEqual([true, 0]);
  });
});

describe('DataGate', () => {
  // main references region 0, which holds a pointer to `handler` and links to region 1 (a pointer to `other`)
  const mk = (indirect: number) => {
    const g = graph({ main: { dataRefs: [0], indirect }, handler: { sites: [39] }, other: { sites: [24] }, unused: { sites: [162] } }, {
      regionStarts: [0x9000, 0x9100, 0x9200], regionPointers: [[1 * 4 + P_FUNCTION, 1 * 4 + P_REGION], [2 * 4 + P_FUNCTION], [3 * 4 + P_FUNCTION]],
    });
    const p = new ReachParts([module(g, 'main', { static: true })], x86Scanner, {});
    p.gate.markActiveModules();
    p.work.visit(0, -1);
    drain(p);
    return p;
  };
  test('pointers in regions reachable code references count once an indirect call is reached', () => {
    const p = mk(1);
    expect(names(p).sort()).toEqual(['handler', 'main', 'other']);
    expect(chainTo(p.r, 1, 'getpid')).toEqual(['main', '(pointer in data at 0x9000) handler', 'handler', 'getpid']);
  });
  test('without an indirect call, stored pointers are not followed', () => {
    expect(names(mk(0))).toEqual(['main']);
  });
  test('a module loaded at run time counts its data only once activated', () => {
    const lib = graph({ cb: { sites: [24] } }, { regionStarts: [0x100], regionPointers: [[0 * 4 + P_FUNCTION]], rootRegions: [0] });
    const main = graph({ main: { indirect: 1 } });
    const p = new ReachParts([module(main, 'main'), module(lib, 'library', { soname: 'libplug.so', extra: { dlopenedAs: ['libplug.so'] } })], x86Scanner, {});
    p.gate.markActiveModules();
    p.work.visit(0, -1);
    drain(p);
    expect(names(p)).toEqual(['main']);
    p.gate.activate(1, 0);
    drain(p);
    expect(names(p)).toEqual(['main', 'cb']);
  });
});

describe('HeldModels (sunrpc-service-cleanup: thread exit calls svc_unregister only after svc_register)', () => {
  const libc = () => graph({
    __rpc_thread_svc_cleanup: { calls: ['svc_unregister'] }, svc_unregister: { sites: [41] }, svc_register: {}, start: { calls: ['__rpc_thread_svc_cleanup'] },
  }, { exportNames: ['svc_register', 'start'] });
  const program = (calls: string[]) => graph({ main: { imports: calls } });
  const run = (calls: string[], libcModels = true) => {
    const p = new ReachParts([module(program(calls), 'main'), module(libc(), 'library', { soname: 'libc.so.6' })], x86Scanner, { libcModels });
    p.gate.markActiveModules();
    rootProgram(p); p.work.visit(0, -1); drain(p);
    return p;
  };
  test('the held call waits, and is reported with what releasing it would add', () => {
    const p = run(['start']);
    expect(names(p)).not.toContain('svc_unregister');
    expect(p.held.report()).toEqual([{ model: 'sunrpc-service-cleanup', module: 1, edges: 1, sites: [], adds: [] }]);
    p.r.held = p.held.report();
    probeHeldModels(p, expandNode);
    expect(p.r.held[0].adds).toEqual([41]);
    expect(p.r.hits).toEqual([]); // the probe puts every output back
  });
  test('reaching the witness releases the call', () => {
    const p = run(['start', 'svc_register']);
    expect(names(p)).toContain('svc_unregister');
    expect(p.r.hits.map((h) => h.nr)).toEqual([41]);
    expect(p.held.report()).toEqual([]);
  });
  test('off, nothing is held', () => {
    expect(names(run(['start'], false))).toContain('svc_unregister');
  });
});

describe('LoadCalls', () => {
  test('reaching glibc\'s NSS entry point loads the configured services\' modules: their exports become reachable', () => {
    const libc = graph({ getpwnam: { calls: ['__nss_database_get'] }, __nss_database_get: {} }, { exportNames: ['getpwnam', '__nss_database_get'] });
    const nss = graph({ _nss_fix_getpwnam_r: { sites: [24] }, helper: {} }, { exportNames: ['_nss_fix_getpwnam_r'] });
    const main = graph({ main: { imports: ['getpwnam'] } });
    const mods = [module(main, 'main'), module(libc, 'library', { soname: 'libc.so.6' }), module(nss, 'library', { soname: 'libnss_fix.so.2', extra: { nssService: 'fix' } })];
    const p = new ReachParts(mods, x86Scanner, {});
    p.work.visit(0, -1);
    drain(p);
    expect(names(p)).toEqual(['main', 'getpwnam', '__nss_database_get', '_nss_fix_getpwnam_r']);
    expect(p.r.nssFrom).toBe(2);
    expect(chainTo(p.r, 3, 'sched_yield')).toContain('(NSS service "fix", /etc/nsswitch.conf) _nss_fix_getpwnam_r');
    // a program that never reaches the lookup: the module's exports stay out
    const q = new ReachParts([module(graph({ main: {} }), 'main'), mods[1], mods[2]], x86Scanner, {});
    q.work.visit(0, -1);
    drain(q);
    expect([names(q), q.r.nssFrom]).toEqual([['main'], -1]);
  });
});

describe('expandNode', () => {
  test('calls, address-taken functions, import targets, sites and unresolved sites', () => {
    const lib = graph({ exported: { sites: [24] } }, { exportNames: ['exported'] });
    const g = graph({
      f: { calls: ['g'], refs: ['h'], imports: ['exported', 'missing'], sites: [39], unknown: [0x10, U_NUMBER, 0x20, U_ABI32, 0x30, U_DECODE] }, g: {}, h: {},
    });
    const p = new ReachParts([module(g, 'main'), module(lib, 'library', { soname: 'libx.so' })], x86Scanner, {});
    p.work.visit(0, -1);
    expandNode(p, p.work.next());
    expect([...p.work.parent].slice(0, 4)).toEqual([-1, 0, 0, 0]);
    expect(p.work.label[3]).toBe('exported');
    expect(p.r.hits.map((h) => [h.nr, h.program])).toEqual([[39, true]]);
    expect(p.r.unknowns.map((u) => u.reason)).toEqual(['unresolved-library', 'indirect-syscall', 'syscall-32bit-abi', 'decode-error']);
  });
  test('a wrapper whose address is taken is an unknown (the numbers it receives are not seen), once', () => {
    const g = graph({ f: { refs: ['wrap'] }, k: { refs: ['wrap'] }, wrap: { wrapperParam: 0 } });
    const p = new ReachParts([module(g, 'main', { static: true })], x86Scanner, {});
    p.work.visit(0, -1); p.work.visit(1, -1);
    drain(p);
    expect(p.r.unknowns.map((u) => u.message)).toEqual(['syscall wrapper wrap is used through a function pointer; the numbers it receives are unknown']);
  });
});

describe('roots', () => {
  test('pass 1: main, what the entry passes on, the constructors of a dynamic program; pass 2: entry, loader, libraries\' constructors', () => {
    const main = graph({ _start: { refs: ['main'] }, main: {}, ctor: {} }, { entry: 0, initRoots: [2] });
    main.refs = graph({ _start: { refs: ['main'] }, main: {}, ctor: {} }).refs;
    const lib = graph({ libinit: {}, __libc_early_init: {} }, { initRoots: [0], exportNames: ['__libc_early_init'] });
    const ld = graph({ _dl_start: {} }, { entry: 0 });
    const p = new ReachParts([module(main, 'main'), module(lib, 'library', { soname: 'libc.so.6' }), module(ld, 'interp')], x86Scanner, {});
    rootProgram(p);
    expect(names(p)).toEqual(['main', 'ctor']);
    expect(p.work.label[1]).toBe('(program) main');
    rootStartup(p);
    expect(names(p)).toEqual(['_start', 'main', 'ctor', 'libinit', '__libc_early_init', '_dl_start']);
  });
  test('a static program\'s init arrays are libc start-up, not the program\'s', () => {
    const main = graph({ main: {}, ctor: {} }, { initRoots: [1] });
    const p = new ReachParts([module(main, 'main', { static: true })], x86Scanner, {});
    rootProgram(p);
    expect(names(p)).toEqual(['main']);
  });
});

describe('reachProgram', () => {
  test('sites first reached from start-up roots are start-up; the options object sets the depth limit', () => {
    const main = graph({ _start: { calls: ['init'] }, main: { calls: ['a'], sites: [39] }, a: { calls: ['b'] }, b: { sites: [24] }, init: { sites: [162] } }, { entry: 0 });
    const mods = [module(main, 'main', { static: true })];
    const r = reachProgram(mods, x86Scanner);
    expect(r.hits.map((h) => [h.nr, h.program])).toEqual([[39, true], [24, true], [162, false]]);
    const cut = reachProgram(mods, x86Scanner, { maxDepth: 1 });
    expect(cut.hits.map((h) => h.nr)).toEqual([39, 162]);
    expect(cut.depthCut).toBe(1);
  });
});
