import type { UnknownFact } from '../model/index.js';

/** Resource bounds of one analysed binary; exceeding one yields an `unknown` (limit-exceeded), never a silent truncation. */
export interface AnalysisLimits {
  /** Executable bytes decoded per module (each byte is decoded once, so this bounds instructions). */
  maxCodeBytes: number;
  /** Functions per module. */
  maxFunctions: number;
  /** Depth of call chains followed from the program's roots. */
  maxChainDepth: number;
  /** Wall-clock budget per analysed binary, in milliseconds. */
  timeBudgetMs: number;
}

/** Sane defaults: far above any real program (libc: 1.4 MB of code, ~3k functions, chains < 100 deep). */
export const DEFAULT_LIMITS: AnalysisLimits = {
  maxCodeBytes: 256 * 1024 * 1024,
  maxFunctions: 2_000_000,
  maxChainDepth: 2_000,
  timeBudgetMs: 300_000,
};

/** DEFAULT_LIMITS with the given overrides (undefined keeps the default). */
export function withLimits(partial: Partial<AnalysisLimits> = {}): AnalysisLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(out) as (keyof AnalysisLimits)[]) if (partial[k] !== undefined) out[k] = partial[k]!;
  return out;
}

/** The `unknown` recording that LIMIT stopped the analysis of ARTIFACT. */
export function limitFact(artifact: string, limit: keyof AnalysisLimits | 'maxFileBytes', message: string, extractor = 'limits'): UnknownFact {
  return { kind: 'unknown', reason: 'limit-exceeded', message, evidence: [{ artifact, extractor, detail: limit }] };
}

/** Whether E is V8's stack overflow: a hostile input nested deeper than a recursive parser or walk can follow. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack size/i.test(e.message);
}

/** The `unknown` for a file nested too deeply to analyse (the scan goes on without it). */
export function tooDeepFact(artifact: string, extractor: string): UnknownFact {
  return { kind: 'unknown', reason: 'limit-exceeded', message: 'nested too deeply to analyse (the parser ran out of stack); file not analysed', evidence: [{ artifact, extractor, detail: 'nesting-depth' }] };
}
