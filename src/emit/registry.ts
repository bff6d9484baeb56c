import type { OutputFormat, Report } from '../model/index.js';
import { emitJson } from './json.js';
import { emitText } from './text.js';

/** Rendering context shared by report emitters. */
export interface EmitContext {
  color: boolean;
  verbose?: boolean;
}

/** A report emitter: pure, Report in, string out. */
export type ReportEmitter = (r: Report, ctx: EmitContext) => string;

const EMITTERS: Partial<Record<OutputFormat, ReportEmitter>> = {
  text: (r, ctx) => emitText(r, ctx),
  json: (r) => emitJson(r),
};

/** The emitter for a format, or undefined when none is registered. */
export function emitterFor(format: OutputFormat): ReportEmitter | undefined {
  return EMITTERS[format];
}
