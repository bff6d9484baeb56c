import type { Report } from '../model/index.js';
import type { PipelineOptions } from '../pipeline.js';

/** Runs the pipeline, loading it (and the disassembler it needs) only when a command analyses: `--help` stays instant. */
export async function runPipeline(options: PipelineOptions): Promise<Report> {
  return (await import('../pipeline.js')).runPipeline(options);
}
