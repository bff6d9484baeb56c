import { parentPort, workerData } from 'node:worker_threads';
import { analyseBinary, newBinaryState, type BinarySettings } from './analyse-binary.js';
import type { Artifact } from '../model/index.js';

/** Worker-thread side of the system scan: analyses one binary per message, keeping libraries between them. */
const settings = (workerData as { settings: BinarySettings }).settings;
const state = newBinaryState((workerData as { maxLibraryBytes?: number }).maxLibraryBytes);
parentPort?.on('message', (job: { id: number; artifact: Artifact }) => {
  try {
    parentPort?.postMessage({ id: job.id, result: analyseBinary(job.artifact, settings, state) });
  } catch (e) {
    parentPort?.postMessage({ id: job.id, crash: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});
