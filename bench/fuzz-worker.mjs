// Fuzz worker: runs the whole pipeline in-process on one input per message and reports the outcome.
// Anything thrown that is not a UkportError is a crash. Runs under Worker resourceLimits (heap bound).
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';

const { dist } = workerData;
const { runPipeline } = await import(`${dist}/pipeline.js`);
const { UkportError } = await import(`${dist}/errors.js`);
const { emitterFor } = await import(`${dist}/emit/registry.js`);

parentPort.on('message', async (job) => {
  const t0 = performance.now();
  const heap0 = getHeapStatistics().used_heap_size;
  let outcome = 'ok', error, facts = 0, unknowns = 0;
  try {
    const report = await runPipeline({ paths: job.paths, sysroot: job.sysroot, mode: job.mode, libc: job.libc, noCache: !job.cacheDir, cacheDir: job.cacheDir, maxFileBytes: job.maxFileBytes });
    facts = report.facts.length;
    unknowns = report.facts.filter((f) => f.kind === 'unknown').length;
    // emitters are part of the path from input to user: they must not throw on odd facts either
    for (const f of ['json', 'text']) emitterFor(f)(report, { color: false, verbose: true });
  } catch (e) {
    if (e instanceof UkportError) { outcome = 'ukport-error'; error = e.code; if (process.env.FUZZ_DEBUG) console.error(job.id, e.message); }
    else { outcome = 'crash'; error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e); }
  }
  const heap1 = getHeapStatistics().used_heap_size;
  parentPort.postMessage({ id: job.id, outcome, error, facts, unknowns, ms: performance.now() - t0, heapMb: Math.max(heap0, heap1) / 1048576 });
});
parentPort.postMessage({ ready: true });
