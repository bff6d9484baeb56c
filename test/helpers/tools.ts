import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where fixture areas are built (fixtures/Makefile). */
export const FIXTURE_BUILD = join(ROOT, 'fixtures', 'build');

/** Builds one fixture area (cheap when up to date) and returns its output directory. */
export function buildFixtures(area: string): string {
  execFileSync('make', ['-s', '-C', join(ROOT, 'fixtures'), area], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(FIXTURE_BUILD, area);
}

/** Runs a tool with the C locale and returns stdout. */
export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024 });
}

/** Whether a command exists on PATH. */
export function hasTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Runs the built CLI (dist/cli.js) and returns status, stdout and stderr. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Builds dist/ once if it is missing (jest runs sources; e2e tests need the CLI). */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) execFileSync('npx', ['tsc', '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
}
