import type { ReachParts } from './reach-parts.js';

/** ld.so finds these libc entry points by name, not through relocations (glibc 2.32+: __libc_early_init). */
const LOADER_CALLBACKS = ['__libc_early_init'];

/**
 * Pass 1 roots, the program's own: `main`, every export of a shared object scanned on its own (whoever loads it may
 * call any), the functions the entry code passes on (main, init and fini to __libc_start_main), and the executable's
 * constructors unless it is static (a static program's init arrays hold libc's own start-up).
 */
export function rootProgram(p: ReachParts): void {
  const { mods, nodes, work } = p;
  const main = mods.findIndex((m) => m.role === 'main');
  const mg = mods[main].graph, base = nodes.offset[main];
  const mainFn = mg.names.indexOf('main');
  if (mainFn >= 0) work.visit(base + mainFn, -1, '(program) main');
  const { elf, decoded } = mods[main].loaded;
  if (elf.type === 3 && !decoded.info.interpreter) {
    for (const [key, f] of Object.entries(mg.exports)) if (!key.includes('@')) work.visit(base + f, -1, `(export) ${key}`);
  }
  const staticMain = !mods.some((m) => m.role !== 'main');
  if (mg.entry >= 0) for (const f of mg.refs.at(mg.entry)) work.visit(base + f, -1, `(passed by entry) ${mg.names[f]}`);
  if (!staticMain) for (const f of mg.initRoots) work.visit(base + f, -1, `(constructor) ${mg.names[f]}`);
}

/**
 * Pass 2 roots, start-up: the executable's entry, the loader's entry, the constructors of every module loaded at start
 * (a dlopened library's run at its dlopen call), and the libc entry points ld.so calls by name.
 */
export function rootStartup(p: ReachParts): void {
  const { mods, nodes, work } = p;
  const main = mods.findIndex((m) => m.role === 'main');
  const mg = mods[main].graph;
  if (mg.entry >= 0) work.visit(nodes.offset[main] + mg.entry, -1, `(entry) ${mg.names[mg.entry]}`);
  mods.forEach((m, mi) => {
    const base = nodes.offset[mi];
    if (m.role === 'interp' && m.graph.entry >= 0) work.visit(base + m.graph.entry, -1, `(loader entry) ${m.graph.names[m.graph.entry]}`);
    if (m.dlopenedAs === undefined && m.nssService === undefined) for (const f of m.graph.initRoots) work.visit(base + f, -1, `(constructor) ${m.graph.names[f]}`);
    for (const cb of LOADER_CALLBACKS) {
      const f = m.graph.exports[cb];
      if (f !== undefined && m.role !== 'main') work.visit(base + f, -1, `(loader callback) ${cb}`);
    }
  });
}
