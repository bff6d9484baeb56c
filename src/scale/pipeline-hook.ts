import type { Libc, Mode, Report } from '../model/index.js';
import type { AnalysisLimits } from '../extract/limits.js';
import { mergeFacts } from '../extract/merge-facts.js';
import { canonicalEvidenceOrder, canonicalizeReport } from './canonical.js';
import type { SystemScanOptions, SystemScanResult } from './system-scan.js';

/** The pipeline options a system scan reads (a structural slice of PipelineOptions). */
export interface SystemScanRequest {
  sysroot?: string;
  nsswitch?: string;
  mode?: Mode;
  libc?: Libc;
  noCache?: boolean;
  cacheDir?: string;
  debugSymbols?: boolean;
  libcModels?: boolean;
  jobs?: number;
  limits?: Partial<AnalysisLimits>;
  release?: string;
  /** Part of a split scan (src/scale/shard.ts). */
  shard?: { index: number; count: number };
  plan?: { release?: string; tablesDir?: string };
  onProgress?: (done: number, total: number, bytes: number, path: string) => void;
}

/** From this many ELF inputs on, binaries are analysed one closure at a time on worker threads. */
export const SYSTEM_SCAN_MIN_BINARIES = 32;

/** A system scan is used when --jobs or --shard is given or there are many binaries. */
export function useSystemScan(request: SystemScanRequest, elfCount: number): boolean {
  return elfCount > 0 && (request.jobs !== undefined || request.shard !== undefined || elfCount >= SYSTEM_SCAN_MIN_BINARIES);
}

/** Pipeline options → system scan options. */
export function systemScanOptions(request: SystemScanRequest): SystemScanOptions {
  return {
    sysroot: request.sysroot, ...(request.nsswitch ? { nsswitch: request.nsswitch } : {}), mode: request.mode ?? 'binary-compat', libc: request.libc, noCache: request.noCache, cacheDir: request.cacheDir, debugSymbols: request.debugSymbols, libcModels: request.libcModels,
    limits: request.limits, jobs: request.jobs, release: request.release ?? request.plan?.release, tablesDir: request.plan?.tablesDir,
    onProgress: request.onProgress,
  };
}

/** Folds a system scan into the report the pipeline assembled from its other inputs (before planning), in canonical form. */
export function attachSystemScan(report: Report, system: SystemScanResult | undefined): void {
  if (!system) { canonicalizeReport(report); return; }
  report.binaries.push(...system.binaries);
  report.libraryGraph.push(...system.edges);
  report.facts = mergeFacts([...report.facts, ...system.facts], canonicalEvidenceOrder);
  report.stats.bytesRead += system.bytes;
  report.stats.indirectCalls += system.indirectCalls;
  report.stats.addressTakenFunctions += system.addressTakenFunctions;
  report.scan = system.scan;
  canonicalizeReport(report);
}
