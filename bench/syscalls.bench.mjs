// Syscall extraction: cold analysis of libc.so.6 (graph + summaries of every exported function) against
// `objdump -d` of the same libc, and a full scan of a dynamic server binary with all its libraries, cold
// and warm (on-disk cache). Run after `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf, resolveLibraries } from '../dist/extract/elf/resolve-libraries.js';
import { buildModuleGraph } from '../dist/extract/elf/call-graph.js';
import { x86Scanner } from '../dist/extract/elf/syscalls-x86_64.js';
import { summarizeFunctions } from '../dist/extract/libc/export-summaries.js';
import * as graphCache from '../dist/extract/libc/graph-cache.js';
import { extractSyscalls } from '../dist/extract/syscalls.js';

const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const here = new URL('.', import.meta.url).pathname;
const SERVER = join(here, '../fixtures/build/syscalls/echo_server.dyn');
const forget = () => graphCache.forgetModuleGraphs?.();
const ms = (t) => `${t.toFixed(0)} ms`;
const best = (n, f) => { let b = Infinity; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); b = Math.min(b, performance.now() - t0); } return b; };

if (!existsSync(SERVER)) spawnSync('make', ['-s', '-C', join(here, '../fixtures'), 'syscalls'], { stdio: 'inherit' });

// warm the wasm module and JIT on a small binary so the libc figure is the analysis, not module start-up
buildModuleGraph(loadElf(SERVER), x86Scanner);

const objdump = best(3, () => {
  const r = spawnSync('objdump', ['-d', '--no-show-raw-insn', LIBC], { stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.status !== 0) throw new Error('objdump failed');
});
let exports = 0, functions = 0;
const libcCold = best(3, () => {
  const mod = loadElf(LIBC);
  const g = buildModuleGraph(mod, x86Scanner);
  summarizeFunctions(g);
  exports = Object.keys(g.exports).length; functions = g.names.length;
});
console.log(`libc.so.6 cold (graph + summaries of ${exports} exports, ${functions} functions): ${ms(libcCold)}`);
console.log(`objdump -d libc.so.6: ${ms(objdump)}   ratio ${(libcCold / objdump).toFixed(2)}x (target <= 3x)`);

const cache = mkdtempSync(join(tmpdir(), 'ukport-bench-'));
try {
  const scan = (opts) => {
    const main = loadElf(SERVER);
    const closure = resolveLibraries([main]);
    return extractSyscalls(main, closure, { mode: 'binary-compat', cacheDir: cache, ...opts });
  };
  forget();
  const t0 = performance.now();
  const r = scan({});
  const cold = performance.now() - t0;
  const warm = best(5, () => { forget(); scan({}); });
  const libs = resolveLibraries([loadElf(SERVER)]).libraries.size;
  const n = r.facts.filter((f) => f.kind === 'syscall').length;
  console.log(`echo_server.dyn + ${libs} libraries: cold ${ms(cold)}, warm (disk cache) ${ms(warm)} (target < 300 ms); ${n} syscalls`);
  forget();
  const sys = best(3, () => { forget(); scan({ noCache: true }); });
  console.log(`echo_server.dyn --no-cache: ${ms(sys)}`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`peak RSS ${rss.toFixed(0)} MB (target < 1024 MB)`);
