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

async function bare() {
  const t0 = performance.now();
  for (const f of files) {
    const t = c.parser.parse(readFileSync(f.path, 'utf8'));
    t?.delete();
  }
  return (performance.now() - t0) / 1000;
}
async function full() {
  const t0 = performance.now();
  const r = await extractCSources(files, { libcFunctions });
  return { s: (performance.now() - t0) / 1000, facts: r.facts.length };
}

// one warm-up of each, then alternate and keep the best of three
await bare();
await full();
let bareBest = Infinity;
let fullBest = Infinity;
let facts = 0;
for (let i = 0; i < 3; i++) {
  bareBest = Math.min(bareBest, await bare());
  const r = await full();
  fullBest = Math.min(fullBest, r.s);
  facts = r.facts;
}
const mb = bytes / 1e6;
console.log(`c-scan: ${tree}: ${files.length} files, ${mb.toFixed(2)} MB, ${lines} lines, ${facts} facts`);
console.log(`  bare tree-sitter parse : ${bareBest.toFixed(2)} s  ${(mb / bareBest).toFixed(2)} MB/s  ${Math.round(lines / bareBest)} lines/s`);
console.log(`  full extractCSources   : ${fullBest.toFixed(2)} s  ${(mb / fullBest).toFixed(2)} MB/s  ${Math.round(lines / fullBest)} lines/s`);
const ratio = fullBest / bareBest;
const per250k = (fullBest * 250_000) / lines;
console.log(`  ratio full/bare        : ${ratio.toFixed(2)}x (target <= 2x) ${ratio <= 2 ? 'OK' : 'OVER'}`);
console.log(`  250k lines would take  : ${per250k.toFixed(1)} s (target < 10 s) ${per250k < 10 ? 'OK' : 'OVER'}`);
