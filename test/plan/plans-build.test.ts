import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Mode, Plan, Report, UnikraftTable } from '../../src/model/index.js';
import { buildFixtures, ROOT } from '../helpers/tools.js';
import { runPipeline } from '../../src/pipeline.js';
import { planReport } from '../../src/plan/plan-report.js';
import { loadTables } from '../../src/data/tables.js';

// Plans for the project's fixtures and for system programs, at v0.17.0 (exact) and the newest shipped release,
// in both modes: every Kconfig line names a symbol of the release (or of a repository it uses), the configuration
// resolves as planned on every target, and no two planned libraries exclude each other.
const tables = loadTables();
const releases = [...new Set(['v0.17.0', tables.unikraft.filter((t) => /^v\d+(\.\d+)*$/.test(t.release)).at(-1)!.release])];
const SYSTEM = ['/usr/sbin/nginx', '/usr/bin/redis-server', '/usr/bin/sqlite3', '/usr/bin/ls'].filter((p) => existsSync(p));

/** Every symbol the release's tables or the ports' Config.uk files define (read straight from the tables). */
function defined(table: UnikraftTable): Set<string> {
  return new Set([
    ...Object.keys(table.kconfig ?? {}), ...Object.values(table.libraries).flatMap((l) => [l.kconfig, ...(l.options ?? [])]),
    ...(tables.ports ?? []).flatMap((p) => Object.keys(p.kconfig)), ...tables.externalLibs.map((p) => p.kconfig),
  ].filter(Boolean));
}

/** Pairs of planned libraries one of which `depends on !other` (a top-level negated conjunct of its Config.uk entry). */
function exclusive(plan: Plan, table: UnikraftTable): string[] {
  const libs = plan.libraries.filter((l) => l.kconfig);
  const deps = (sym: string) => (table.kconfig?.[sym]?.dependsOn ?? []).flatMap((d) => d.split('&&').map((c) => c.trim().replace(/^\((.*)\)$/, '$1')));
  const out: string[] = [];
  for (const a of libs) for (const b of libs) if (a !== b && deps(a.kconfig).includes(`!${b.kconfig}`)) out.push(`${a.name} excludes ${b.name}`);
  return out;
}

function check(report: Report, mode: Mode): void {
  for (const release of releases) {
    const table = tables.unikraft.find((t) => t.release === release)!;
    const plan = planReport(report, tables, { release, mode });
    const known = defined(table);
    const lines = [...plan.kconfig, ...(plan.targets ?? []).flatMap((t) => t.kconfig)];
    const where = `${report.inputs[0]?.path} ${mode} ${release}`;
    expect({ where, unknown: lines.map((l) => l.slice(7, l.indexOf('='))).filter((s) => !known.has(s)) }).toEqual({ where, unknown: [] });
    // a port's Config.uk written for another release may select symbols this one lacks: that is a version note, not the plan's
    expect({ where, problems: (plan.kconfigProblems ?? []).filter((p) => p.kind !== 'undefined-select') }).toEqual({ where, problems: [] });
    expect({ where, exclusive: exclusive(plan, table) }).toEqual({ where, exclusive: [] });
    if (mode === 'binary-compat') {
      expect(plan.libraries.some((l) => l.name === 'musl' || l.name === 'newlib' || l.name === 'app-elfloader')).toBe(false);
      expect(plan.application?.name).toBe('app-elfloader');
    }
  }
}

describe('plans that build', () => {
  const syscalls = buildFixtures('syscalls');
  const programs = ['echo_server.dyn', 'file_copy.dyn', 'threads.dyn', 'signals.static', 'echo_server.musl', 'nss_lookup.dyn'].map((p) => join(syscalls, p));
  test.each(programs.map((p) => [p.split('/').pop()!, p]))('fixture %s in both modes', async (_n, path) => {
    for (const mode of ['binary-compat', 'native'] as const) check(await runPipeline({ paths: [path], mode }), mode);
  }, 120_000);

  test.each(['epoll-echo.c', 'plain.c'])('C source %s (native)', async (name) => {
    check(await runPipeline({ paths: [join(ROOT, 'fixtures', 'plan-apps', name)] }), 'native');
  }, 60_000);

  (SYSTEM.length ? test : test.skip).each(SYSTEM.map((p) => [p]))('system program %s in both modes', async (path) => {
    for (const mode of ['binary-compat', 'native'] as const) check(await runPipeline({ paths: [path], mode }), mode);
  }, 300_000);
});
