import { parentPort, threadId, workerData } from 'node:worker_threads';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setBuildGate } from '../extract/libc/graph-cache.js';
import { analyseBinary, newBinaryState, type BinarySettings } from './analyse-binary.js';
import type { Artifact } from '../model/index.js';

/** Worker-thread side of the system scan: analyses one binary per message, keeping libraries between them. */
const settings = (workerData as { settings: BinarySettings }).settings;
const EXTERNAL_GC_BYTES = 128 * 1024 * 1024;
let externalKept = 0;
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
// one large graph build at a time across workers: the cell holds the builder's thread id, 0 when free
const cell = new Int32Array((workerData as { gate: SharedArrayBuffer }).gate);
setBuildGate({
  enter() { while (Atomics.compareExchange(cell, 0, 0, threadId) !== 0) Atomics.wait(cell, 0, Atomics.load(cell, 0), 500); },
  leave() { Atomics.compareExchange(cell, 0, threadId, 0); Atomics.notify(cell, 0); },
});
const state = newBinaryState((workerData as { maxLibraryBytes?: number }).maxLibraryBytes);
parentPort?.on('message', (job: { id: number; artifact: Artifact }) => {
  try {
    parentPort?.postMessage({ id: job.id, result: analyseBinary(job.artifact, settings, state) });
    // file contents and logs are external memory, which the collector weighs late: collect once much has piled
    // up since the last collection (what stays, such as the libraries kept in memory, is the new baseline)
    if (getHeapStatistics().external_memory > externalKept + EXTERNAL_GC_BYTES) {
      collect();
      externalKept = getHeapStatistics().external_memory;
    }
  } catch (e) {
    parentPort?.postMessage({ id: job.id, crash: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});
