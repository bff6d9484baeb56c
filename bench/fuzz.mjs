// Fuzzer: mutates ELF fixtures, C, JS/TS and Python sources, compilation databases and container images (see
// fuzz-inputs.mjs) and runs the whole pipeline (plus the json/text emitters) on each input inside a worker thread with a heap bound (resourceLimits) and a wall-clock bound per input.
// Reports crashes (a throw that is not a UkportError), hangs (input over the time bound: the worker is killed)
// and memory outliers (worker out of memory, or heap above --heap-warn), saving each reproducing input.
//
//   npm run fuzz -- --iterations 20000 --seed 1 [--from 0] [--out DIR] [--timeout-ms 90000] [--heap-mb 768] [--only INDEX]
//
// Input i of seed S is a pure function of (S, i): `--only i` replays one input.
import { Worker } from 'node:worker_threads';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { makeRng, mutateC, mutateElf } from './fuzz-mutate.mjs';
import { makeCompileDb, makeCTree, makeImage, mutateScript } from './fuzz-inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const { values: opt } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, out: { type: 'string' },
    'timeout-ms': { type: 'string', default: '90000' }, 'heap-mb': { type: 'string', default: '768' }, 'heap-warn-mb': { type: 'string', default: '300' },
    'batch': { type: 'string', default: '400' }, only: { type: 'string' }, dist: { type: 'string', default: join(repo, 'dist') },
    'keep-worst': { type: 'string', default: '12' }, from: { type: 'string', default: '0' },
  },
});
const iterations = Number(opt.iterations), seed = Number(opt.seed), timeoutMs = Number(opt['timeout-ms']);
const heapMb = Number(opt['heap-mb']), heapWarnMb = Number(opt['heap-warn-mb']), batch = Number(opt.batch);
const out = resolve(opt.out ?? join(repo, 'fixtures', 'build', 'fuzz-out', `seed-${seed}`));
const dist = resolve(opt.dist);
const work = join(tmpdir(), `ukport-fuzz-${process.pid}`);
mkdirSync(out, { recursive: true });
mkdirSync(work, { recursive: true });

// Seeds: small ELF fixtures (x86-64 / aarch64, PIE / non-PIE / static musl / shared library / stripped) and C sources.
const B = join(repo, 'fixtures', 'build');
const ELF_BASES = [
  ['elf/plain-pie', 8], ['elf/plain-nopie', 4], ['elf/plain-stripped', 4], ['elf/hello', 4], ['elf/libgreet.so.2', 6], ['elf/plain-aarch64', 5],
  ['syscalls/raw_syscalls.musl', 6], ['syscalls/echo_server.musl', 4], ['syscalls/threads.dyn', 4], ['syscalls/raw_syscalls.a64-dyn', 3],
  ['c-projects/mqtt-broker.musl', 3], ['example/kvserver', 4], ['plan-apps/epoll-echo.o', 2], ['syscalls/raw_syscalls.static', 1],
].filter(([p]) => existsSync(join(B, p))).map(([p, w]) => ({ name: basename(p), buf: readFileSync(join(B, p)), weight: w }));
const C_BASES = ['fixtures/c-projects/raw-syscalls/raw.c', 'fixtures/c-projects/keyserver/keyserver.c', 'fixtures/c-projects/epoll-server/server.c',
  'fixtures/c-projects/mqtt-broker/broker.c', 'fixtures/example/kvserver.c'].filter((p) => existsSync(join(repo, p)))
  .map((p) => ({ name: basename(p), text: readFileSync(join(repo, p), 'latin1') }));
const SCRIPT_BASES = [['fixtures/node-app/src/server.js', 'javascript'], ['fixtures/node-app/src/pool.ts', 'javascript'], ['fixtures/python-app/app/service.py', 'python'], ['fixtures/python-app/app/db.py', 'python']]
  .filter(([p]) => existsSync(join(repo, p))).map(([p, lang]) => ({ name: basename(p), lang, text: readFileSync(join(repo, p), 'latin1') }));
const HELLO = existsSync(join(B, 'elf/hello')) ? readFileSync(join(B, 'elf/hello')) : undefined;
if (ELF_BASES.length === 0) { console.error('fuzz: no ELF fixtures in fixtures/build (run make -C fixtures)'); process.exit(2); }
const totalWeight = ELF_BASES.reduce((a, b) => a + b.weight, 0);
const emptyRoot = join(work, 'empty-root');
mkdirSync(emptyRoot, { recursive: true });

function pickElf(rng) {
  let x = rng.int(totalWeight);
  for (const b of ELF_BASES) { if (x < b.weight) return b; x -= b.weight; }
  return ELF_BASES[0];
}

/** Materialises input INDEX on disk; returns the job and what to save when it fails. */
function makeInput(index) {
  const rng = makeRng((seed * 1_000_003 + index) >>> 0);
  const dir = join(work, `in-${index}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mode = rng.chance(0.1) ? 'native' : 'binary-compat';
  const job = { id: index, mode, libc: mode === 'native' ? rng.pick(['musl', 'newlib']) : undefined, sysroot: emptyRoot, paths: [] };
  // the kind of input cycles with the index (an even mix at any count); everything inside it comes from the PRNG
  const r = ((index * 37) % 100) / 100;
  let what, base;
  const scripts = (lang) => SCRIPT_BASES.filter((b) => b.lang === lang);
  if (r >= 0.19 && r < 0.35 && scripts(r < 0.27 ? 'javascript' : 'python').length) {
    const b = rng.pick(scripts(r < 0.27 ? 'javascript' : 'python'));
    const m = mutateScript(rng, b.text, b.lang);
    writeFileSync(join(dir, b.name), m.buf);
    job.paths = [rng.chance(0.3) ? dir : join(dir, b.name)];
    what = m.what; base = b.name;
  } else if (r >= 0.35 && r < 0.43 && C_BASES.length) {
    const picked = C_BASES.filter(() => rng.chance(0.5));
    const srcs = (picked.length ? picked : [C_BASES[0]]).map((c) => (rng.chance(0.3) ? { name: c.name, text: mutateC(rng, c.text).buf.toString('latin1') } : c));
    makeCTree(dir, srcs);
    what = makeCompileDb(rng, dir, srcs.map((c) => c.name));
    job.paths = [rng.chance(0.5) ? dir : join(dir, 'compile_commands.json')];
    base = 'compile_commands.json';
  } else if (r >= 0.43 && r < 0.55) {
    const img = makeImage(rng, dir, pickElf(rng).buf);
    job.paths = [rng.chance(0.2) ? dir : img.path];
    what = img.what; base = 'docker archive';
  } else if (r < 0.12 && C_BASES.length) {
    const c = rng.pick(C_BASES);
    const m = mutateC(rng, c.text);
    writeFileSync(join(dir, c.name), m.buf);
    job.paths = [join(dir, c.name)];
    what = m.what; base = c.name;
  } else if (r >= 0.12 && r < 0.19 && HELLO) {
    // a mutated library found through the sysroot: the closure and library summaries see it
    const lib = ELF_BASES.find((b) => b.name === 'libgreet.so.2');
    const m = mutateElf(rng, lib.buf);
    const libDir = join(dir, 'root', 'lib', 'x86_64-linux-gnu');
    mkdirSync(libDir, { recursive: true });
    writeFileSync(join(libDir, 'libgreet.so.2'), m.buf);
    writeFileSync(join(dir, 'root', 'hello'), HELLO);
    job.sysroot = join(dir, 'root');
    job.paths = [join(dir, 'root', 'hello')];
    what = m.what; base = 'libgreet.so.2 (as library)';
  } else {
    const e = pickElf(rng);
    const m = mutateElf(rng, e.buf);
    writeFileSync(join(dir, e.name), m.buf);
    // sometimes inside a walked directory (problems become unknowns) instead of named explicitly
    job.paths = [rng.chance(0.2) ? dir : join(dir, e.name)];
    what = m.what; base = e.name;
  }
  return { job, dir, what, base };
}

const results = { ok: 0, 'ukport-error': 0, crash: 0, hang: 0, oom: 0, heapOutlier: 0 };
const byKind = {}; // inputs per kind of base (ELF, C, JS, Python, compile database, image)
const errorCodes = {};
const failures = [];
const worst = []; // slowest inputs with their directories saved
const keepWorst = Number(opt['keep-worst']);

function save(kind, input, extra) {
  const dest = join(out, kind, `${input.job.id}`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(input.dir, dest, { recursive: true });
  writeFileSync(join(dest, 'meta.json'), JSON.stringify({ seed, index: input.job.id, base: input.base, mutations: input.what, job: input.job, ...extra }, null, 2) + '\n');
  return dest;
}

function noteWorst(input, ms) {
  if (worst.length >= keepWorst && ms <= worst[worst.length - 1].ms) return;
  const dest = save('worst', input, { ms });
  worst.push({ ms, id: input.job.id, dest });
  worst.sort((a, b) => b.ms - a.ms);
  while (worst.length > keepWorst) rmSync(worst.pop().dest, { recursive: true, force: true });
}

let worker, ready;
function startWorker() {
  worker = new Worker(join(here, 'fuzz-worker.mjs'), { workerData: { dist }, resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 } });
  ready = new Promise((res, rej) => {
    const onMsg = (m) => { if (m.ready) { worker.off('message', onMsg); res(); } };
    worker.on('message', onMsg);
    worker.once('error', rej);
  });
  return ready;
}

/** Runs one input; resolves with the worker's answer or a synthetic hang/oom outcome (worker then restarted). */
function runOne(job) {
  return new Promise((res) => {
    const timer = setTimeout(() => { cleanup(); worker.terminate(); worker = undefined; res({ outcome: 'hang', ms: timeoutMs }); }, timeoutMs);
    const onMsg = (m) => { if (m.id === job.id) { cleanup(); res(m); } };
    const onErr = (e) => { cleanup(); worker = undefined; res({ outcome: /ERR_WORKER_OUT_OF_MEMORY|heap/i.test(`${e.code} ${e.message}`) ? 'oom' : 'crash', error: `${e.code ?? ''} ${e.stack ?? e}`, ms: 0 }); };
    const onExit = (code) => { cleanup(); worker = undefined; res({ outcome: 'crash', error: `worker exited with ${code}`, ms: 0 }); };
    const cleanup = () => { clearTimeout(timer); worker.off('message', onMsg); worker.off('error', onErr); worker.off('exit', onExit); };
    worker.on('message', onMsg);
    worker.once('error', onErr);
    worker.once('exit', onExit);
    worker.postMessage(job);
  });
}

const t0 = Date.now();
// --from lets several processes share one seed's index range (inputs FROM .. FROM+ITERATIONS-1)
const from = Number(opt.from);
const indices = opt.only !== undefined ? [Number(opt.only)] : Array.from({ length: iterations }, (_, i) => from + i);
let sinceRestart = 0, done = 0, maxHeap = 0, totalMs = 0;
for (const index of indices) {
  if (!worker || sinceRestart >= batch) {
    if (worker) await worker.terminate();
    await startWorker();
    sinceRestart = 0;
  }
  const input = makeInput(index);
  const kind = /\.py$/.test(input.base) ? 'python' : /\.[jt]s$/.test(input.base) ? 'javascript' : input.base === 'docker archive' ? 'image'
    : input.base === 'compile_commands.json' ? 'compile-db' : /\.c$/.test(input.base) ? 'c' : 'elf';
  byKind[kind] = (byKind[kind] ?? 0) + 1;
  const r = await runOne(input.job);
  sinceRestart++;
  done++;
  totalMs += r.ms;
  maxHeap = Math.max(maxHeap, r.heapMb ?? 0);
  if (r.outcome === 'ok' || r.outcome === 'ukport-error') {
    results[r.outcome]++;
    if (r.error) errorCodes[r.error] = (errorCodes[r.error] ?? 0) + 1;
    if (r.heapMb > heapWarnMb) { results.heapOutlier++; failures.push({ kind: 'heap', id: index, heapMb: r.heapMb, dest: save('heap', input, { heapMb: r.heapMb }) }); }
    noteWorst(input, r.ms);
  } else {
    results[r.outcome]++;
    const dest = save(r.outcome, input, { error: r.error });
    failures.push({ kind: r.outcome, id: index, error: String(r.error).split('\n').slice(0, 4).join(' | '), dest });
    console.error(`[${index}] ${r.outcome}: ${String(r.error).split('\n')[0]} (${input.base}: ${input.what.join('; ')}) → ${dest}`);
  }
  rmSync(input.dir, { recursive: true, force: true });
  if (done % 500 === 0) console.error(`fuzz: ${done}/${indices.length} in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${JSON.stringify(results)}`);
}
if (worker) await worker.terminate();
rmSync(work, { recursive: true, force: true });

const summary = {
  seed, from, iterations: indices.length, seconds: Math.round((Date.now() - t0) / 1000), timeoutMs, heapLimitMb: heapMb,
  results, byKind, errorCodes, maxHeapMb: Math.round(maxHeap), meanMs: Math.round(totalMs / Math.max(1, done)),
  slowest: worst.map((w) => ({ id: w.id, ms: Math.round(w.ms) })), failures,
};
writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
console.log(`fuzz: ${summary.iterations} inputs, seed ${seed}: ${results.crash} crashes, ${results.hang} hangs, ${results.oom} out-of-memory, ${results.heapOutlier} heap outliers (${summary.seconds} s); saved under ${out}`);
process.exit(results.crash + results.hang + results.oom > 0 ? 1 : 0);
