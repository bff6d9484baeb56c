import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, ensureBuilt, ROOT } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

// Start-up cost is what a command loads. Speed itself is measured by `npm run bench` (bench/startup.bench.mjs);
// this guards the lazy loading so code added later cannot quietly pull the compiler or the TUI into every run.
const PRELOAD = join(ROOT, 'test', 'helpers', 'module-trace', 'preload.mjs');
const HEAVY = { 'ts-morph': /node_modules\/(ts-morph|@ts-morph)\//, typescript: /node_modules\/typescript\//, ink: /node_modules\/ink\//, react: /node_modules\/react\//, 'web-tree-sitter': /node_modules\/web-tree-sitter\//, ajv: /node_modules\/ajv\//, 'iced-x86': /node_modules\/iced-x86\// };
type Heavy = keyof typeof HEAVY;

/** Runs the built CLI with the module trace and returns which heavy packages it loaded. */
function loads(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; heavy: Heavy[]; stderr: string } {
  const trace = join(tempDir('ukport-trace-'), 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', PRELOAD, join(ROOT, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8', env: { ...process.env, UKPORT_MODULE_TRACE: trace, ...env }, timeout: 60_000,
  });
  let lines: string[] = [];
  try { lines = readFileSync(trace, 'utf8').split('\n'); } catch { /* nothing loaded */ }
  const heavy = (Object.keys(HEAVY) as Heavy[]).filter((k) => lines.some((l) => HEAVY[k].test(l)));
  return { status: r.status, heavy, stderr: r.stderr };
}

beforeAll(() => ensureBuilt());

describe('commands load what they use, when they use it', () => {
  const elf = buildFixtures('syscalls');
  test('--version and --help load none of the heavy packages', () => {
    expect(loads(['--version'])).toMatchObject({ status: 0, heavy: [] });
    expect(loads(['--help'])).toMatchObject({ status: 0, heavy: [] });
    expect(loads(['scan', '--help'])).toMatchObject({ status: 0, heavy: [] });
  });
  test('an ELF scan loads the disassembler but not the TypeScript compiler, the TUI, tree-sitter or ajv', () => {
    // an empty cache: the programs are analysed (a warm re-scan reuses them and loads none of it, below)
    const cold = { XDG_CACHE_HOME: tempDir('ukport-cold-cache-') };
    expect(loads(['scan', join(elf, 'file_copy.musl')], cold)).toMatchObject({ status: 0, heavy: ['iced-x86'] });
    const tls = join(buildFixtures('rule-apps'), 'keyserver-tls');
    expect(loads(['scan', '--format', 'json', tls], cold)).toMatchObject({ status: 0, heavy: ['iced-x86'] });
    // warm: the programs cache holds the analysed programs, nothing heavy loads
    expect(loads(['scan', '--format', 'json', tls], cold)).toMatchObject({ status: 0, heavy: [] });
  });
  test('the trace does see them where they are needed (C: tree-sitter, JS: ts-morph, a policy: ajv)', () => {
    expect(loads(['scan', join(ROOT, 'fixtures', 'example', 'kvserver.c')]).heavy).toContain('web-tree-sitter');
    const js = loads(['scan', join(ROOT, 'fixtures', 'node-app', 'src')]);
    expect(js.heavy).toContain('ts-morph');
    expect(js.heavy).not.toContain('ink');
    const policy = join(tempDir('ukport-policy-'), 'policy.json');
    writeFileSync(policy, JSON.stringify({ failOn: 'error', allow: { stub: ['sendfile'] } }));
    expect(loads(['check', '--policy', policy, join(elf, 'file_copy.musl')]).heavy).toContain('ajv');
  });
});

describe('the command list', () => {
  test('each entry loads its command, and the help summary is the command\'s own', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect([entry.name, entry.summary]).toEqual([command.name, command.summary]);
    }
  });
});
