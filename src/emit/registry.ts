import type { OutputFormat, Report } from '../model/index.js';
import { emitJson } from './json.js';
import { emitText } from './text.js';
import { emitMarkdown } from './markdown.js';
import { emitSarif } from './sarif.js';
import type { RuleDoc } from '../match/problems.js';

/** Rendering context shared by report emitters. */
export interface EmitContext {
  color: boolean;
  verbose?: boolean;
  /** Help text of the rules that produced findings (SARIF rules, Markdown remedies). */
  rules?: ReadonlyMap<string, RuleDoc>;
  /** Prefix that turns `file#Lline` into a link, e.g. `https://github.com/o/r/blob/<sha>/` (Markdown). */
  linkBase?: string;
  /** Directory that paths under it are made relative to (SARIF URIs must be repository-relative for code scanning). */
  root?: string;
  /** Problems the gate accepted (policy or baseline), by problem id, with the justification (SARIF suppressions). */
  suppressions?: ReadonlyMap<string, string>;
}

/** A report emitter: pure, Report in, string out. */
export type ReportEmitter = (r: Report, ctx: EmitContext) => string;

const EMITTERS: Partial<Record<OutputFormat, ReportEmitter>> = {
  text: (r, ctx) => emitText(r, ctx),
  json: (r) => emitJson(r),
  markdown: (r, ctx) => emitMarkdown(r, ctx),
  sarif: (r, ctx) => emitSarif(r, ctx),
};

/** The emitter for a format, or undefined when none is registered. */
export function emitterFor(format: OutputFormat): ReportEmitter | undefined {
  return EMITTERS[format];
}
