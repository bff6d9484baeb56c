import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildFixtures, ROOT } from '../helpers/tools.js';
import { runPipeline } from '../../src/pipeline.js';
import { emitterFor } from '../../src/emit/registry.js';
import { emitReportText } from '../../src/emit/report-text.js';
import { parseBootLog } from '../../src/verify/boot-log.js';
import { compareSyscalls, predictedSyscalls } from '../../src/verify/compare.js';
import { verificationSummary } from '../../src/verify/summary.js';
import type { Report, Verification } from '../../src/model/index.js';
import { sarifValidator } from '../emit/sarif-schema.js';

const reportSchema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8')));
const sarif = sarifValidator();
const PROBE = 'tcp:8080:ping\\n:pong';
const VERIFIED = `verified running on v0.16.3 with probe ${PROBE}`;

/**
 * The report `ukport verify` writes for the project's glibc tcpd (dynamic) on app-elfloader v0.16.3: the real plan of
 * the fixture for that release, and the syscalls of the recorded boot log of the project's own run of it
 * (fixtures/verify/boot-logs, TCG), with the probe's outcome as given.
 */
async function verifiedReport(probeOk: boolean): Promise<Report> {
  const tcpd = join(buildFixtures('verify'), 'tcpd.dyn');
  const report = await runPipeline({ paths: [tcpd], plan: { release: 'v0.16.3' } });
  const log = parseBootLog(readFileSync(join(ROOT, 'fixtures/verify/boot-logs/tcpd-glibc-dyn-elfloader-v0.16.3-tcg.log'), 'latin1'), { mode: 'binary-compat' });
  const v: Verification = {
    outcome: probeOk ? 'verified' : 'probe-failed', summary: '', release: 'v0.16.3', sources: [], buildProblems: [], adjustments: [],
    stages: [{ stage: 'build', ok: true, seconds: 228 }, { stage: 'boot', ok: true, seconds: 14 }, { stage: 'probe', ok: probeOk, seconds: 0 }],
    boot: { accel: 'tcg', command: ['qemu-system-x86_64'], end: probeOk ? 'probe-done' : 'timeout', output: log.output },
    probe: { spec: PROBE, ok: probeOk, detail: probeOk ? "answered with 'pong'" : 'read ECONNRESET' },
    syscalls: compareSyscalls(log, predictedSyscalls(report), report.plan, 'strace'),
  };
  v.summary = verificationSummary(v);
  report.verification = v;
  return report;
}

describe("the verdict carries verify's outcome in every format", () => {
  test('verified: text, report text, json, markdown and sarif say "verified running on v0.16.3 with probe P"', async () => {
    const report = await verifiedReport(true);
    // every syscall the recorded run shows was predicted by today's analysis of the same binary
    expect(report.verification!.syscalls!.unpredicted).toEqual([]);
    const ctx = { color: false, root: ROOT };
    const text = emitterFor('text')!(report, ctx).split('\n');
    const at = text.findIndex((l) => l.startsWith('Verdict:'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(text[at + 1]).toBe(`  ${VERIFIED}`);
    expect(emitReportText(report, ctx)).toContain(`\n  ${VERIFIED}\n`);
    const json = JSON.parse(emitterFor('json')!(report, ctx));
    expect(reportSchema(json) ? [] : reportSchema.errors).toEqual([]);
    expect(json.verdict.verified).toBe(VERIFIED);
    expect(json.verification.outcome).toBe('verified');
    const md = emitterFor('markdown')!(report, ctx);
    // markdown escapes the probe's backslash
    expect(md).toMatch(/\*\*Verdict: [a-z ]+\*\*.*\n\n\*\*verified running on v0\.16\.3 with probe tcp:8080:ping\\\\n:pong\*\*\n/);
    // and its Verification section: stages, the syscalls Unikraft did not provide
    expect(md).toContain('## Verification');
    expect(md).toMatch(/not available: `rseq` `set_robust_list` `set_tid_address`/);
    expect(md).toContain('every syscall seen at run time was predicted');
    const log = JSON.parse(emitterFor('sarif')!(report, ctx));
    expect(sarif(log) ? [] : sarif.errors).toEqual([]);
    expect(log.runs[0].properties.verified).toBe(VERIFIED);
    expect(log.runs[0].properties.verification).toMatchObject({ outcome: 'verified', unpredicted: [], notAvailable: ['rseq', 'set_robust_list', 'set_tid_address'] });
  }, 120_000);

  test('a probe that failed: no format says verified', async () => {
    const report = await verifiedReport(false);
    expect(report.verification!.summary).toMatch(/^booted on v0\.16\.3 but probe .* failed/);
    const ctx = { color: false, root: ROOT };
    for (const format of ['text', 'json', 'markdown', 'sarif'] as const) expect(emitterFor(format)!(report, ctx)).not.toMatch(/verified running/);
    expect(JSON.parse(emitterFor('json')!(report, ctx)).verdict.verified).toBeUndefined();
  }, 120_000);
});
