import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, ensureBuilt, runCli } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';

const dir = buildFixtures('hostile');
const expectations: Record<string, 'error' | 'any'> = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8'));
const names = Object.keys(expectations).sort();

// Files that still parse are analysed in full (libc included): share one cache so only the first pays for it.
const cacheHome = tempDir('ukport-hostile-cache-');

beforeAll(() => ensureBuilt());

describe('hostile ELF named on the command line', () => {
  test.each(names)('%s: one clear line and exit 2, or a valid report; never a crash or hang', (name) => {
    // Broken headers fail before any analysis; a hang guard, not a speed test.
    const r = runCli(['scan', '--format', 'json', join(dir, name)], { XDG_CACHE_HOME: cacheHome }, expectations[name] === 'error' ? 10_000 : 120_000);
    expect(r.signal).toBeNull();
    if (expectations[name] === 'error' || r.status !== 0) {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^ukport: ${join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\S`));
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    } else {
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
  });
});

describe('hostile ELF inside a walked directory', () => {
  test('each broken file becomes an unknown with its reason and the scan goes on', () => {
    const r = runCli(['scan', '--format', 'json', dir], { XDG_CACHE_HOME: cacheHome }, 120_000);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    const bad = new Set(report.unknowns.filter((u: { reason: string }) => u.reason === 'bad-file').map((u: { evidence: { artifact: string }[] }) => u.evidence[0].artifact));
    const analysed = new Set(report.binaries.map((b: { path: string }) => b.path));
    for (const name of names) {
      const p = join(dir, name);
      // Files that are not ELF (empty, text) are skipped and counted, not reported as broken.
      if (name === 'empty.elf' || name === 'text-with-elf-suffix.elf') continue;
      if (expectations[name] === 'error') expect([name, bad.has(p)]).toEqual([name, true]);
      else expect([name, bad.has(p) || analysed.has(p)]).toEqual([name, true]);
    }
    expect(report.stats.filesSkipped).toBeGreaterThanOrEqual(2);
  });
});
