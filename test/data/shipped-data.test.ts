import { describe, expect, test } from '@jest/globals';
import { cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_TABLES_DIR, isShippedData, readJson, validateTable } from '../../src/data/validate.js';
import { DEFAULT_RULES_DIR } from '../../src/data/rules.js';
import { DEFAULT_PATCHES_DIR } from '../../src/data/patches.js';
import { loadTables } from '../../src/data/tables.js';
import { tempDir } from '../helpers/temp-dirs.js';

// ukport trusts its own data at run time (no schema compile on every start); this is where it is checked.
const SCHEMAS: [string, string][] = [
  ['linux', 'linux-syscalls'], ['unikraft', 'unikraft'], ['libc', 'libc'], ['libc-summaries', 'libc-summary'],
];

function jsonIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

describe('shipped data validates against its schemas', () => {
  test('every coverage table', () => {
    let checked = 0;
    for (const [sub, schema] of SCHEMAS) {
      for (const file of jsonIn(join(DEFAULT_TABLES_DIR, sub))) {
        expect(() => validateTable(join(DEFAULT_TABLES_DIR, `${schema}.schema.json`), readJson(file), file, true)).not.toThrow();
        checked++;
      }
    }
    for (const name of ['external-libs', 'loupe-priors', 'unikraft-ports']) {
      const file = join(DEFAULT_TABLES_DIR, `${name}.json`);
      expect(() => validateTable(join(DEFAULT_TABLES_DIR, `${name}.schema.json`), readJson(file), file, true)).not.toThrow();
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  test('a release table is named after its release (the lazy loader takes the name from the file)', () => {
    for (const file of jsonIn(join(DEFAULT_TABLES_DIR, 'unikraft'))) {
      expect((readJson(file) as { release: string }).release).toBe(basename(file, '.json'));
    }
    const t = loadTables().unikraft.at(-1)!;
    expect(Object.keys(t.syscalls).length).toBeGreaterThan(100);
    expect({ ...t }.release).toBe(t.release);
  });

  test('every rule and patch template', () => {
    const rules = jsonIn(DEFAULT_RULES_DIR).filter((f) => !f.endsWith('.schema.json'));
    for (const file of rules) expect(() => validateTable(join(DEFAULT_RULES_DIR, 'rule.schema.json'), readJson(file), file, true)).not.toThrow();
    const patches = readdirSync(DEFAULT_PATCHES_DIR).filter((d) => statSync(join(DEFAULT_PATCHES_DIR, d)).isDirectory());
    for (const d of patches) {
      const file = join(DEFAULT_PATCHES_DIR, d, 'meta.json');
      expect(() => validateTable(join(DEFAULT_PATCHES_DIR, 'patch.schema.json'), readJson(file), file, true)).not.toThrow();
    }
    expect(rules.length).toBeGreaterThan(10);
    expect(patches.length).toBeGreaterThan(2);
  });

  test('the schemas do reject a broken table (so the checks above can fail)', () => {
    const file = join(DEFAULT_TABLES_DIR, 'unikraft', 'v0.17.0.json');
    const broken = { ...(readJson(file) as object), syscalls: { read: { status: 'maybe' } } };
    expect(() => validateTable(join(DEFAULT_TABLES_DIR, 'unikraft.schema.json'), broken, file, true)).toThrow(/invalid|must/);
  });
});

describe('only shipped data is trusted', () => {
  test('tables in a directory the user names are validated at load', () => {
    expect(isShippedData(join(DEFAULT_TABLES_DIR, 'unikraft', 'v0.17.0.json'))).toBe(true);
    const dir = tempDir('ukport-usertables-');
    cpSync(DEFAULT_TABLES_DIR, dir, { recursive: true });
    expect(isShippedData(join(dir, 'unikraft', 'v0.17.0.json'))).toBe(false);
    writeFileSync(join(dir, 'unikraft', 'v0.17.0.json'), JSON.stringify({ release: 'v0.17.0', syscalls: 'none' }));
    expect(() => loadTables(dir)).toThrow(expect.objectContaining({ code: 'bad-table' }));
  });
});
