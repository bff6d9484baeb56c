// Per-binary results of a whole-system scan, for comparing two builds of ukport binary by binary: each ELF file's
// syscalls (with class and constant arguments), unknowns (reason, message, where), verdict and what glibc models hold.
//   node bench/system-scan-results.mjs [--dist DIR] [--cache DIR] [--shard I/N] --out FILE [DIR...]
//   node bench/system-scan-results.mjs --compare A.json B.json      (prints every difference, exit 1 when any)
// DIR defaults to /usr/bin /usr/sbin; --dist to this checkout's dist/ (another checkout's dist/ measures that build).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { elfFiles } from './system-files.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); if (i < 0) return fallback; const v = argv[i + 1]; argv.splice(i, 2); return v; };

if (argv[0] === '--compare') {
  process.exit(compare(JSON.parse(readFileSync(argv[1], 'utf8')), JSON.parse(readFileSync(argv[2], 'utf8'))));
}

const dist = resolve(opt('--dist', join(here, '..', 'dist')));
const cacheDir = opt('--cache', undefined);
const [shard, shards] = (opt('--shard', '0/1')).split('/').map(Number);
const out = opt('--out', undefined);
if (!out) { console.error('usage: system-scan-results.mjs [--dist DIR] [--cache DIR] [--shard I/N] --out FILE [DIR...]'); process.exit(2); }
const dirs = argv.length ? argv : ['/usr/bin', '/usr/sbin'];
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { analyseBinary, newBinaryState } = await load('scale/analyse-binary.js');
const verdicts = await load('scale/verdicts.js');
const { loadTables } = await load('data/tables.js');
const { pickRelease } = await load('plan/releases.js');
const tables = loadTables();
const table = pickRelease(tables.unikraft, undefined);
// the verdict context as the system scan builds it (with the rules once the judge needs them)
const ctx = verdicts.verdictContext
  ? verdicts.verdictContext(table, tables, 'binary-compat', (await load('match/compile.js')).compileRules((await load('data/rules.js')).loadRules()))
  : { table, tables, mode: 'binary-compat', memo: new Map() };
const { summariseBinary } = verdicts;
const state = newBinaryState();
const rows = {};
const files = elfFiles(dirs).filter((_f, i) => i % shards === shard);
const t0 = Date.now();
for (const f of files) {
  const r = analyseBinary({ path: f.path, kind: 'elf', size: f.size, root: f.path }, { mode: 'binary-compat', cacheDir }, state);
  const syscalls = r.facts.filter((x) => x.kind === 'syscall').map((x) => [x.name, x.class, x.constArgs ?? {}]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const unknowns = r.facts.filter((x) => x.kind === 'unknown')
    .map((x) => `${x.reason} | ${x.message} | ${x.evidence.map((e) => `${e.artifact}@${e.address ?? e.detail ?? ''}`).join(',')}`).sort();
  const row = summariseBinary(r, ctx);
  rows[f.path] = { syscalls, unknowns, verdict: row.verdict, libcModels: r.info?.libcModels ?? [] };
}
writeFileSync(out, JSON.stringify({ release: ctx.table.release, seconds: (Date.now() - t0) / 1000, rows }));
console.log(`${files.length} binaries in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${out}`);

/** Prints what differs between two result files; returns 1 when anything does. */
function compare(a, b) {
  let diffs = 0;
  const say = (s) => { diffs++; console.log(s); };
  const paths = [...new Set([...Object.keys(a.rows), ...Object.keys(b.rows)])].sort();
  const mean = (x) => { const v = Object.values(x.rows); return v.reduce((n, r) => n + r.syscalls.length, 0) / Math.max(1, v.length); };
  for (const p of paths) {
    const x = a.rows[p], y = b.rows[p];
    if (!x || !y) { say(`${p}: only in ${x ? 'A' : 'B'}`); continue; }
    const sx = new Map(x.syscalls.map((s) => [s[0], s])), sy = new Map(y.syscalls.map((s) => [s[0], s]));
    const gained = [...sy.keys()].filter((n) => !sx.has(n)), lost = [...sx.keys()].filter((n) => !sy.has(n));
    if (gained.length || lost.length) say(`${p}: syscalls +[${gained.join(' ')}] -[${lost.join(' ')}]`);
    for (const [n, s] of sx) {
      const t = sy.get(n);
      if (t && s[1] !== t[1]) say(`${p}: ${n} class ${s[1]} -> ${t[1]}`);
      if (t && JSON.stringify(s[2]) !== JSON.stringify(t[2])) say(`${p}: ${n} constant arguments ${JSON.stringify(s[2])} -> ${JSON.stringify(t[2])}`);
    }
    const ux = new Set(x.unknowns), uy = new Set(y.unknowns);
    for (const u of x.unknowns) if (!uy.has(u)) say(`${p}: unknown gone: ${u}`);
    for (const u of y.unknowns) if (!ux.has(u)) say(`${p}: unknown new: ${u}`);
    if (x.verdict !== y.verdict) say(`${p}: verdict ${x.verdict} -> ${y.verdict}`);
    if (JSON.stringify(x.libcModels) !== JSON.stringify(y.libcModels)) say(`${p}: glibc models ${JSON.stringify(x.libcModels)} -> ${JSON.stringify(y.libcModels)}`);
  }
  console.log(`${paths.length} binaries; mean syscalls per binary ${mean(a).toFixed(2)} -> ${mean(b).toFixed(2)}; ${diffs} differences`);
  return diffs ? 1 : 0;
}
