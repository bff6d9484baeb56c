import { parentPort, threadId, workerData } from 'node:worker_threads';
import { setBuildGate } from '../extract/libc/graph-cache.js';
import { analyseBinary, newBinaryState, type BinarySettings } from './analyse-binary.js';
import type { Artifact } from '../model/index.js';

/** Worker-thread side of the system scan: analyses one binary per message, keeping libraries between them. */
const settings = (workerData as { settings: BinarySettings }).settings;
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
  } catch (e) {
    parentPort?.postMessage({ id: job.id, crash: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});
