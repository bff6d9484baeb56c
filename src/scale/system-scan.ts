import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Artifact, BinaryInfo, Fact, LibraryEdge, SystemScan } from '../model/index.js';
import { UkportError } from '../errors.js';
import { mergeFacts } from '../extract/merge-facts.js';
import { canonicalEvidenceOrder } from './canonical.js';
import { withLimits } from '../extract/limits.js';
import { loadTables } from '../data/tables.js';
import { pickRelease } from '../plan/releases.js';
import { analyseBinary, newBinaryState, type BinaryResult, type BinarySettings } from './analyse-binary.js';
import { rankBlockers, summariseBinary, verdictContext, type VerdictContext } from './verdicts.js';
import { loadRules } from '../data/rules.js';
import { compileRules } from '../match/compile.js';

/** How a system scan runs: per-binary settings, parallelism, and the release verdicts are given for. */
export interface SystemScanOptions extends BinarySettings {
  /** Worker threads (default: available cores). */
  jobs?: number;
  /** Analyse on this thread instead of workers (tests, or when the compiled worker is not available). */
  inline?: boolean;
  release?: string;
  tablesDir?: string;
  onProgress?: (done: number, total: number, bytes: number, path: string) => void;
}

/** Everything the pipeline needs from a system scan to assemble its Report. */
export interface SystemScanResult {
  binaries: BinaryInfo[];
  edges: LibraryEdge[];
  facts: Fact[];
  bytes: number;
  indirectCalls: number;
  addressTakenFunctions: number;
  scan: SystemScan;
}

const WORKER_FILE = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
const MERGE_EVERY = 64;
const GRACE_MS = 15_000;

/** Default parallelism: one worker per core. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** The release, tables and rules the per-binary verdicts and the blocker ranking are judged with. */
export function scanVerdictContext(options: Pick<SystemScanOptions, 'tablesDir' | 'release' | 'mode'>): VerdictContext | undefined {
  const tables = loadTables(options.tablesDir);
  if (tables.unikraft.length === 0) return undefined;
  return verdictContext(pickRelease(tables.unikraft, options.release), tables, options.mode, compileRules(loadRules()));
}

/** A synthetic result for a binary the worker could not finish (time budget, heap bound, internal error). */
function failed(a: Artifact, reason: 'limit-exceeded' | 'bad-file', message: string, detail: string, ms: number): BinaryResult {
  return {
    path: a.path, edges: [], bytes: 0, indirectCalls: 0, addressTakenFunctions: 0, ms,
    facts: [{ kind: 'unknown', reason, message, evidence: [{ artifact: a.path, extractor: 'scale.worker', detail }] }],
  };
}

/**
 * Analyses many ELF binaries on worker threads, each with its own library closure; library summaries are
 * shared per content hash (in memory per worker, on disk across workers and runs). Results are folded in
 * input order, so the report does not depend on scheduling; facts are merged as they come in and only
 * per-binary rows are kept, so memory does not grow with the buffers of the binaries scanned.
 */
export async function scanBinaries(elfs: Artifact[], options: SystemScanOptions): Promise<SystemScanResult> {
  const t0 = Date.now();
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), elfs.length || 1));
  const ctx = scanVerdictContext(options);
  const settings: BinarySettings = { sysroot: options.sysroot, ...(options.nsswitch ? { nsswitch: options.nsswitch } : {}), mode: options.mode, libc: options.libc, noCache: options.noCache, cacheDir: options.cacheDir, debugSymbols: options.debugSymbols, libcModels: options.libcModels, limits: options.limits };
  const out: SystemScanResult = { binaries: [], edges: [], facts: [], bytes: 0, indirectCalls: 0, addressTakenFunctions: 0, scan: { release: ctx?.table.release ?? '', jobs, seconds: 0, binaries: [], blockers: [] } };
  const edgeKeys = new Set<string>();
  let pending: Fact[] = [];
  const ready = new Map<number, BinaryResult>();
  let next = 0, done = 0;

  const fold = (a: Artifact, r: BinaryResult): void => {
    if (r.error && a.root === a.path) throw new UkportError(r.error.code, r.error.detail, r.error.path);
    if (r.info) out.binaries.push(r.info);
    for (const e of r.edges) {
      const k = `${e.from}\0${e.soname}`;
      if (!edgeKeys.has(k)) { edgeKeys.add(k); out.edges.push(e); }
    }
    pending.push(...r.facts);
    out.bytes += r.bytes;
    out.indirectCalls += r.indirectCalls;
    out.addressTakenFunctions += r.addressTakenFunctions;
    out.scan.binaries.push(summariseBinary(r, ctx));
    if (pending.length > 0 && out.scan.binaries.length % MERGE_EVERY === 0) { out.facts = mergeFacts([...out.facts, ...pending], canonicalEvidenceOrder); pending = []; }
  };
  const accept = (i: number, r: BinaryResult): void => {
    ready.set(i, r);
    done++;
    options.onProgress?.(done, elfs.length, out.bytes + r.bytes, elfs[i].path);
    while (ready.has(next)) { const x = ready.get(next)!; ready.delete(next); fold(elfs[next], x); next++; }
  };

  options.onProgress?.(0, elfs.length, 0, '');
  if (options.inline || !existsSync(WORKER_FILE)) {
    const state = newBinaryState();
    elfs.forEach((a, i) => accept(i, analyseBinary(a, settings, state)));
  } else {
    await runWorkers(elfs, jobs, settings, accept);
  }
  out.facts = mergeFacts([...out.facts, ...pending], canonicalEvidenceOrder);
  // rows by path, so the examples of each blocker do not depend on scheduling or on a split into shards
  out.scan.binaries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  out.scan.blockers = rankBlockers(out.scan.binaries, ctx);
  out.scan.seconds = Math.round((Date.now() - t0) / 100) / 10;
  return out;
}

/** A pool of JOBS workers; a binary over the time budget or the heap bound kills its worker, which is replaced. */
async function runWorkers(elfs: Artifact[], jobs: number, settings: BinarySettings, accept: (i: number, r: BinaryResult) => void): Promise<void> {
  const limits = withLimits(settings.limits);
  const heapMb = jobs <= 2 ? 768 : 512;
  // workers build large graphs one at a time (bounded peak memory); see setBuildGate
  const gate = new SharedArrayBuffer(4);
  const cell = new Int32Array(gate);
  let cursor = 0;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (cursor < elfs.length && failure === undefined) {
        const i = cursor++;
        worker ??= new Worker(WORKER_FILE, { workerData: { settings, gate }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
        const w: Worker = worker;
        const t0 = Date.now();
        const r = await new Promise<BinaryResult>((resolve) => {
          const finish = (x: BinaryResult, kill: boolean): void => {
            clearTimeout(timer); w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit);
            if (kill) {
              // a worker stopped while building a large graph must not keep the others waiting
              Atomics.compareExchange(cell, 0, w.threadId, 0); Atomics.notify(cell, 0);
              void w.terminate(); worker = undefined;
            }
            resolve(x);
          };
          const timer = setTimeout(() => finish(failed(elfs[i], 'limit-exceeded', `time budget of ${limits.timeBudgetMs} ms per binary exceeded; analysis stopped`, 'timeBudgetMs', Date.now() - t0), true), limits.timeBudgetMs + GRACE_MS);
          const onMessage = (m: { id: number; result?: BinaryResult; crash?: string }): void => {
            if (m.id !== i) return;
            finish(m.result ?? failed(elfs[i], 'bad-file', `internal error while analysing: ${(m.crash ?? '').split('\n')[0]}`, 'internal-error', Date.now() - t0), false);
          };
          const onError = (e: Error & { code?: string }): void => {
            const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
            finish(failed(elfs[i], oom ? 'limit-exceeded' : 'bad-file', oom ? `heap bound of ${heapMb} MB per worker exceeded; analysis stopped` : `internal error while analysing: ${e.message}`, oom ? 'heap' : 'internal-error', Date.now() - t0), true);
          };
          const onExit = (): void => finish(failed(elfs[i], 'bad-file', 'analysis worker exited unexpectedly', 'internal-error', Date.now() - t0), true);
          w.on('message', onMessage); w.once('error', onError); w.once('exit', onExit);
          w.postMessage({ id: i, artifact: elfs[i] });
        });
        accept(i, r);
      }
    } catch (e) {
      failure ??= e;
    } finally {
      if (worker) await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  if (failure !== undefined) throw failure;
}
