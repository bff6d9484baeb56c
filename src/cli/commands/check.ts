import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command, CommandIo, OptionValues } from '../command.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../command.js';
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, readPlanOptions } from './plan.js';
import type { PipelineOptions } from '../../pipeline.js';
import { runPipeline } from '../analyse.js';
import { emitterFor, type EmitContext } from '../../emit/registry.js';
import { UkportError } from '../../errors.js';
import { isOneOf, SEVERITIES, type Report, type Severity } from '../../model/index.js';
import { loadPolicy, type Policy } from '../../data/policy.js';
import { evaluateGate, formatViolation, makeBaseline, type Baseline, type GateResult } from '../../match/gate.js';
import { emitContextFor } from '../emit-context.js';
import { allConfigFiles, checkConfigs } from './check-config.js';
import { plural } from '../../emit/units.js';
import { gateOutcome } from '../gate-outcome.js';
import { checkPolicyReferences } from '../policy-checks.js';

function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UkportError('not-found', 'baseline file', file);
    if (code) throw new UkportError('unreadable', (e as Error).message, file);
    throw new UkportError('bad-json', (e as Error).message, file);
  }
  const b = data as Partial<Baseline>;
  if (b?.ukportBaseline !== 1 || !Array.isArray(b.problems) || !b.problems.every((p) => typeof p?.id === 'string')) {
    throw new UkportError('unsupported-input', 'not a ukport baseline (write one with `ukport check --write-baseline FILE`)', file);
  }
  return b as Baseline;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UkportError(code === 'ENOENT' ? 'not-found' : 'unreadable', `cannot write the baseline (${code ?? (e as Error).message})`, file);
  }
}

/** The gate's lines: one per failing problem (with --verbose also the others, marked), then one summary line. */
export function formatGate(result: GateResult, verbose = false): string {
  const lines = result.failing.map((p) => `FAIL ${formatViolation(p)}`);
  if (verbose) {
    lines.push(...result.below.map((p) => `below ${formatViolation(p)}`));
    lines.push(...result.baselined.map((p) => `baseline ${formatViolation(p)}`));
    lines.push(...result.allowed.map((a) => `allowed ${formatViolation(a.problem)} [${a.reason}]`));
  }
  const parts = [`${result.failing.length} failing (fail-on ${result.failOn})`];
  if (result.below.length) parts.push(`${result.below.length} below threshold`);
  if (result.baselined.length) parts.push(`${result.baselined.length} in baseline`);
  if (result.allowed.length) parts.push(`${result.allowed.length} allowed by policy`);
  lines.push(`ukport check: ${result.ok ? 'passed' : 'FAILED'}: ${parts.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** Settings of one check run after option and file validation. */
export interface CheckSettings {
  policy: Policy;
  failOn: Severity;
  baseline?: Baseline;
  writeBaseline?: string;
  /** The files as given, for the report's gate section. */
  policyFile?: string;
  baselineFile?: string;
}

/** Reads --policy, --baseline, --fail-on; every problem is a usage or input error (exit 2). */
export function readCheckSettings(values: OptionValues): CheckSettings {
  const policyFile = values.policy as string | undefined;
  const policy = policyFile ? loadPolicy(policyFile) : {};
  if (policyFile) checkPolicyReferences(policy, policyFile, values.tables as string | undefined);
  const failOn = (values['fail-on'] as string | undefined) ?? policy.failOn ?? 'error';
  if (!isOneOf(SEVERITIES, failOn)) throw new UkportError('usage', `--fail-on must be one of ${SEVERITIES.join(', ')}, got '${failOn}'`);
  const baselineFile = values.baseline as string | undefined;
  return {
    policy, failOn, baseline: baselineFile ? readBaseline(baselineFile) : undefined, writeBaseline: values['write-baseline'] as string | undefined,
    ...(policyFile ? { policyFile } : {}), ...(baselineFile ? { baselineFile } : {}),
  };
}

/** Gates one report: prints the report format (non-text) and the gate lines, writes a baseline if asked; returns the exit code. */
export function checkReport(report: Report, settings: CheckSettings, format: string, ctx: EmitContext, io: CommandIo): number {
  const result = evaluateGate(report, settings.policy, { failOn: settings.failOn, baseline: settings.baseline });
  if (settings.writeBaseline) {
    const baseline = makeBaseline(result);
    writeAtomically(settings.writeBaseline, JSON.stringify(baseline, null, 2) + '\n');
    io.stderr(`ukport check: wrote ${settings.writeBaseline} with ${plural(baseline.problems.length, 'problem')}\n`);
    return EXIT_OK;
  }
  const gate = formatGate(result, ctx.verbose);
  report.gate = gateOutcome(result, { policy: settings.policyFile, baseline: settings.baselineFile }, gate.trimEnd().split('\n').pop()!);
  if (format === 'text') io.stdout(gate);
  else {
    const emit = emitterFor(format as 'json');
    if (!emit) throw new UkportError('usage', `--format ${format} is not available`);
    const suppressions = new Map([...result.allowed.map((a) => [a.problem.id, a.reason] as const), ...result.baselined.map((p) => [p.id, 'in the baseline'] as const)]);
    io.stdout(emit(report, { ...ctx, suppressions }));
    io.stderr(gate);
  }
  return result.ok ? EXIT_OK : EXIT_GATE_FAILED;
}

/** Builds the check command; tests pass their own analyser instead of the pipeline. */
export function makeCheckCommand(analyse: (o: PipelineOptions) => Promise<Report> = runPipeline): Command {
  return {
    name: 'check',
    summary: 'gate for CI: fail (exit 1) when the app needs what the target cannot serve',
    help: `Usage: ukport check [options] PATH...

Scans like \`ukport scan\`, then applies the gate: every finding, uncovered need and unresolved fact at or
above --fail-on fails it, unless the policy allows it or the baseline already lists it. Prints one line
per failing problem (stdout for text, stderr with other formats) in a fixed order.
Exit codes: 0 the gate holds, 1 it fails, 2 usage or input error (bad policy, unreadable input).

Given only Unikraft configurations (Kraftfile, kraft.yaml, defconfig, .config), it checks them against
the target release instead: every option that release renamed (with its replacement), removed or
deprecated, each with the release note or source that says so (errors: renamed options, whose old
name Kconfig ignores; warnings: removed or deprecated options and libraries).

Options:
      --policy FILE          policy JSON (schema/policy.schema.json): target release/arch/libc, syscalls allowed
                             to be stubbed or faked, rules to ignore with a reason
      --baseline FILE        only problems not in this baseline fail
      --write-baseline FILE  write the current problems as a baseline and exit 0
      --unikraft TAG         target release (default: the policy's, else the newest shipped table)
      --fail-on SEVERITY     error (default), warning or note
                             (with --verbose the problems that did not fail are listed too)
${PLAN_OPTIONS_HELP}
--unikraft and --arch override the policy's target. With --format json the report has a \`gate\` section
(result, failing problems, what the baseline and the policy let pass); SARIF carries it as the invocation.
`,
    options: { ...PLAN_OPTIONS, policy: { type: 'string' }, baseline: { type: 'string' }, 'write-baseline': { type: 'string' }, 'fail-on': { type: 'string' } },
    positionals: true,
    async run(values, paths, io) {
      const settings = readPlanOptions(values, paths, io);
      const check = readCheckSettings(values);
      const asked = settings.pipeline.plan ?? {};
      // the policy's target is the default; --unikraft/--arch/--libc/--mode on the command line win (for the gate too)
      const target = { ...check.policy.target, ...(asked.release ? { release: asked.release } : {}), ...(asked.arch ? { arch: asked.arch } : {}) };
      check.policy = { ...check.policy, target };
      if (allConfigFiles(paths)) return checkConfigs(paths, target.release, check.failOn, settings.format, io, values.tables as string | undefined);
      const libc = settings.pipeline.libc ?? target.libc;
      const mode = (values.mode ? settings.pipeline.mode : target.mode) ?? (libc ? 'native' : undefined);
      const pipeline: PipelineOptions = { ...settings.pipeline, libc, ...(mode ? { mode } : {}), plan: { ...asked, release: target.release, arch: target.arch, libc } };
      const report = await analyse(pipeline);
      return checkReport(report, check, settings.format, emitContextFor(io, settings.verbose), io);
    },
  };
}

export const checkCommand: Command = makeCheckCommand();
