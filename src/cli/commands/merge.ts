import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { Command, CommandIo, OptionValues } from '../command.js';
import { EXIT_OK } from '../command.js';
import { UkportError } from '../../errors.js';
import { isOneOf, OUTPUT_FORMATS } from '../../model/index.js';
import { ajvClass, readJson } from '../../data/validate.js';
import type { ReportDto } from '../../emit/json.js';
import { emitterFor } from '../../emit/registry.js';
import { emitContextFor } from '../emit-context.js';

const REPORT_SCHEMA = fileURLToPath(new URL('../../../schema/report.schema.json', import.meta.url));
let validate: ValidateFunction | undefined;

/** Reads one shard's JSON report; what is not a valid ukport report is an input error naming the file. */
function readShard(file: string): { file: string; dto: ReportDto } {
  const data = readJson(file);
  validate ??= new (ajvClass())({ allErrors: false, strict: false }).compile(readJson(REPORT_SCHEMA) as object);
  if (!validate(data)) {
    const err = validate.errors?.[0];
    throw new UkportError('unsupported-input', `not a ukport JSON report of this version (${err?.instancePath || '$'} ${err?.message ?? 'invalid'})`, file);
  }
  return { file, dto: data as ReportDto };
}

async function runMerge(values: OptionValues, files: string[], io: CommandIo): Promise<number> {
  if (files.length === 0) throw new UkportError('usage', 'merge: give the JSON reports of every shard');
  const format = (values.format as string | undefined) ?? 'text';
  if (!isOneOf(OUTPUT_FORMATS, format)) throw new UkportError('usage', `--format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${format}'`);
  const parts = files.map(readShard);
  const [{ joinShards }, { concludeReport }] = await Promise.all([import('../../scale/merge-reports.js'), import('../../pipeline.js')]);
  const report = await concludeReport(joinShards(parts), { libc: parts[0]!.dto.libc ?? undefined, release: parts[0]!.dto.scan?.release || undefined });
  // findings and verdicts are worked out again here: with other tables they would not be the shards' answers
  if (JSON.stringify(report.tables) !== JSON.stringify(parts[0]!.dto.tables)) {
    throw new UkportError('unsupported-input', 'made with other coverage tables than this ukport has (merge with the ukport version and --tables the shards used)', parts[0]!.file);
  }
  io.stdout(emitterFor(format)!(report, emitContextFor(io, Boolean(values.verbose))));
  return EXIT_OK;
}

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'join the JSON reports of a scan split with --shard into the report of one run',
  help: `Usage: ukport merge [--format FMT] SHARD.json...

Joins the reports of \`ukport scan --shard I/N --format json\` (every I from 1 to N, each made with the same
paths, options and ukport version) into the report one \`ukport scan --jobs\` run over the same inputs gives:
the same binaries, rows, facts and findings, and the same ranking of the syscalls to implement next. A
missing, repeated or foreign shard is an error (exit 2). See docs/sharding.md.

Options:
  -f, --format FMT   text (default), json, sarif or markdown
  -v, --verbose      list every row in text output
`,
  options: { format: { type: 'string', short: 'f' }, verbose: { type: 'boolean', short: 'v' } },
  positionals: true,
  run: runMerge,
};
