import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT, runCli } from '../helpers/tools.js';

beforeAll(() => ensureBuilt());

// What an experienced command-line user expects (issue 21): these run the built CLI.
describe('arguments', () => {
  test('bare `ukport` is a usage error: the help on stderr, nothing on stdout, exit 2', () => {
    const r = runCli([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: ukport <command> \[options\] PATH\.\.\.$/m);
    expect(r.stderr).toMatch(/^\s+scan\s+/m);
  });
  test('`ukport --help` and `ukport help scan` print to stdout and exit 0', () => {
    expect(runCli(['--help'])).toMatchObject({ status: 0, stderr: '' });
    const h = runCli(['help', 'scan']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^Usage: ukport scan/);
  });
  test('an unknown option: one line, quotes balanced, a hint, the command\'s help named', () => {
    const r = runCli(['scan', '--bogus', '/usr/bin/true']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("ukport: scan: unknown option '--bogus'; a PATH that starts with '-' goes after '--' (see 'ukport scan --help')\n");
    expect((r.stderr.match(/'/g) ?? []).length % 2).toBe(0);
    expect(runCli(['scan', '--fromat', 'json', '/usr/bin/true']).stderr).toBe("ukport: scan: unknown option '--fromat'; did you mean '--format'? (see 'ukport scan --help')\n");
  });
  test('a missing or unexpected option value, an unknown command', () => {
    expect(runCli(['scan', '/usr/bin/true', '--format']).stderr).toBe("ukport: scan: option '--format' needs a value (see 'ukport scan --help')\n");
    expect(runCli(['scan', '--quiet=yes', '/usr/bin/true']).stderr).toBe("ukport: scan: option '--quiet' takes no value (see 'ukport scan --help')\n");
    const r = runCli(['scna', '/usr/bin/true']);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe("ukport: unknown command 'scna'; did you mean 'scan'? (see 'ukport --help')\n");
  });
  test('an option before the command is a usage error, not a crash', () => {
    expect(runCli(['--bogus'])).toMatchObject({ status: 2, stdout: '', stderr: "ukport: expected a command before '--bogus' (see 'ukport --help')\n" });
  });
});

describe('running the installed command', () => {
  // npx links a local package's bin into its own cache once, and only if the bin file exists then; each test
  // gets a new npm cache so that no earlier run on this machine decides the result.
  const npx = (cwd: string, cache: string) => spawnSync('npx', ['--no-install', 'ukport', '--version'], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' },
  });
  test('`npx ukport` in the checkout runs the package\'s bin, as the README says', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ukport-npx-'));
    try {
      const r = npx(ROOT, cache);
      expect([r.status, r.stdout]).toEqual([0, `ukport ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`]);
    } finally { rmSync(cache, { recursive: true, force: true }); }
  });
  test('`npx ukport` before the first build says to build (exit 2), and works once dist/ exists', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ukport-npx-'));
    const checkout = mkdtempSync(join(tmpdir(), 'ukport-checkout-'));
    try {
      copyFileSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
      mkdirSync(join(checkout, 'bin'));
      copyFileSync(join(ROOT, 'bin', 'ukport.js'), join(checkout, 'bin', 'ukport.js'));
      const before = npx(checkout, cache);
      expect([before.status, before.stdout, before.stderr.trim().split('\n').pop()]).toEqual([2, '', "ukport: not built yet: run 'npm run build' (or 'npm start') in the checkout first"]);
      // the stand-in for dist/cli.js prints the arguments it was given
      mkdirSync(join(checkout, 'dist'));
      writeFileSync(join(checkout, 'dist', 'cli.js'), 'console.log(process.argv.slice(2).join(" "));\n');
      const after = npx(checkout, cache);
      expect([after.status, after.stdout]).toEqual([0, '--version\n']);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
