// C source scan throughput: full extractCSources vs a bare tree-sitter parse of the same files, same run.
// Tree: first argument, or $UKPORT_C_TREE, or /work/upstream/nginx (a checkout kept outside the repo).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { extractCSources } from '../dist/extract/c/extract-c-sources.js';
import { findCSources } from '../dist/extract/c/find-c-sources.js';
import { loadCParser } from '../dist/extract/c/c-parser.js';

const tree = process.argv[2] ?? process.env.UKPORT_C_TREE ?? '/work/upstream/nginx';
if (!existsSync(tree)) {
  console.log(`c-scan: skipped, no C tree at ${tree} (pass a path or set UKPORT_C_TREE; e.g. git clone nginx/nginx there)`);
  process.exit(0);
}

function muslFunctions() {
  try {
    const out = execFileSync('nm', ['-D', '--defined-only', '/usr/lib/x86_64-linux-musl/libc.so'], { encoding: 'utf8' });
    return new Set(out.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3 && /^[TWi]$/.test(p[1])).map((p) => p[2]));
  } catch {
    return new Set();
  }
}

const { files } = findCSources([tree]);
let bytes = 0;
let lines = 0;
for (const f of files) {
  const text = readFileSync(f.path, 'utf8');
  bytes += Buffer.byteLength(text);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
}
const libcFunctions = muslFunctions();
const c = await loadCParser();

/** Wall and CPU (user+system) seconds of one run; CPU time is what counts on a shared, loaded machine. */
async function timed(fn) {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6, out };
}
const bare = () => timed(async () => {
  for (const f of files) c.parser.parse(readFileSync(f.path, 'utf8'))?.delete();
  return 0;
});
const full = () => timed(async () => (await extractCSources(files, { libcFunctions })).facts.length);

// one warm-up of each, then alternate and keep the best of ROUNDS
const rounds = Number(process.env.ROUNDS ?? 3);
await bare();
await full();
const best = { bare: { wall: Infinity, cpu: Infinity }, full: { wall: Infinity, cpu: Infinity } };
let facts = 0;
for (let i = 0; i < rounds; i++) {
  for (const [k, fn] of [['bare', bare], ['full', full]]) {
    const r = await fn();
    best[k].wall = Math.min(best[k].wall, r.wall);
    best[k].cpu = Math.min(best[k].cpu, r.cpu);
    if (k === 'full') facts = r.out;
  }
}
const mb = bytes / 1e6;
const [load] = (await import('node:os')).loadavg();
console.log(`c-scan: ${tree}: ${files.length} files, ${mb.toFixed(2)} MB, ${lines} lines, ${facts} facts (load average ${load.toFixed(1)})`);
for (const [k, label] of [['bare', 'bare tree-sitter parse'], ['full', 'full extractCSources  ']]) {
  const b = best[k];
  console.log(`  ${label} : wall ${b.wall.toFixed(2)} s  cpu ${b.cpu.toFixed(2)} s  ${(mb / b.cpu).toFixed(2)} MB/s  ${Math.round(lines / b.cpu)} lines/s (per cpu second)`);
}
const ratio = best.full.cpu / best.bare.cpu;
const per250k = (best.full.cpu * 250_000) / lines;
console.log(`  ratio full/bare (cpu)  : ${ratio.toFixed(2)}x (target <= 2x) ${ratio <= 2 ? 'OK' : 'OVER'}; wall ${(best.full.wall / best.bare.wall).toFixed(2)}x`);
console.log(`  250k lines (cpu)       : ${per250k.toFixed(1)} s (target < 10 s) ${per250k < 10 ? 'OK' : 'OVER'}; wall ${((best.full.wall * 250_000) / lines).toFixed(1)} s`);
