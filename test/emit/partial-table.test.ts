import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildFixtures, ROOT, runCli } from '../helpers/tools.js';

// A report that rests on a partial release table says so in every format; one on an exact table does not.
const BIN = join(buildFixtures('syscalls'), 'file_copy.dyn');
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));

describe('outputs on a partial table (the default v0.21.0) say so', () => {
  test('json: partialTable lists the syscalls resting on release-note/indexed entries with their sources; valid', () => {
    const r = runCli(['plan', '--format', 'json', BIN]);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.plan.release).toBe('v0.21.0');
    expect(doc.partialTable).toMatchObject({ release: 'v0.21.0', basis: 'v0.18.0' });
    const brk = doc.partialTable.evidenced.find((e: { name: string }) => e.name === 'brk');
    expect(brk.source).toMatch(/^lib\/posix-process\/Makefile\.uk@[0-9a-f]{12}; content\/releases\/v0\.21\.0\.mdx:\d+$/);
    expect(doc.partialTable.carriedOver).toBeGreaterThan(0);
    expect(doc.plan.partial).toEqual(doc.partialTable);
  });

  test('text, markdown and sarif carry the same line; an exact release (--unikraft v0.17.0) has none', () => {
    expect(runCli(['plan', BIN]).stdout).toMatch(/partial: Unikraft v0\.21\.0 is a partial table .*rest on such entries \(.*brk/);
    expect(runCli(['scan', '--format', 'markdown', BIN]).stdout).toMatch(/> \*\*Partial table:\*\* Unikraft v0\.21\.0 is a partial table/);
    const sarif = JSON.parse(runCli(['scan', '--format', 'sarif', BIN]).stdout);
    expect(sarif.runs[0].properties.partialTable).toMatchObject({ release: 'v0.21.0', basis: 'v0.18.0', note: expect.stringMatching(/partial table/) });
    const exact = JSON.parse(runCli(['plan', '--format', 'json', '--unikraft', 'v0.17.0', BIN]).stdout);
    expect(exact.partialTable).toBeUndefined();
    expect(runCli(['plan', '--unikraft', 'v0.18.0', BIN]).stdout).not.toMatch(/partial/);
  });
});
