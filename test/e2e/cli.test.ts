import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildFixtures, ensureBuilt, ROOT, runCli } from '../helpers/tools.js';

const elfDir = buildFixtures('elf');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

beforeAll(() => ensureBuilt());

describe('conventions', () => {
  test('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`ukport ${pkg.version}\n`);
  });
  test('--help lists the commands; scan --help documents the options', () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/^\s+scan\s+/m);
    expect(top.stdout).toMatch(/Exit codes: 0 ok, 1 gate failed, 2 usage or input error/);
    const scan = runCli(['scan', '--help']);
    expect(scan.status).toBe(0);
    expect(scan.stdout).toMatch(/Usage: ukport scan/);
    for (const opt of ['--format', '--sysroot', '--mode', '--libc', '--no-cache']) expect(scan.stdout).toContain(opt);
  });
  test('usage errors exit 2 with one line on stderr', () => {
    for (const args of [['frobnicate'], ['scan'], ['scan', '--format', 'yaml', '/usr/bin/ls'], ['scan', '--bogus', '/usr/bin/ls'], ['scan', '/nonexistent/file']]) {
      const r = runCli(args);
      expect([args.join(' '), r.status]).toEqual([args.join(' '), 2]);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ukport: /);
    }
  });
  test('no colour when stdout is not a terminal or NO_COLOR is set', () => {
    const r = runCli(['scan', join(elfDir, 'hello')], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stderr).toBe('');
  });
});

describe('scan --format json', () => {
  test('validates against the published schema and names dlopen as an unknown', () => {
    const r = runCli(['scan', '--format', 'json', '--no-cache', join(elfDir, 'hello')]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    expect(report.binaries[0]).toMatchObject({ path: join(elfDir, 'hello'), needed: ['libgreet.so.2', 'libc.so.6'], runpath: ['$ORIGIN'] });
    expect(report.unknowns.map((u: { reason: string }) => u.reason)).toEqual(expect.arrayContaining(['dlopen', 'dlsym']));
    const greet = report.libraryGraph.find((e: { soname: string }) => e.soname === 'libgreet.so.2');
    expect(greet).toEqual({ from: join(elfDir, 'hello'), soname: 'libgreet.so.2', resolved: join(elfDir, 'libgreet.so.2'), via: 'runpath' });
  });
  test('a directory walk analyses every ELF once and counts the rest as skipped', () => {
    const r = runCli(['scan', '--format', 'json', '--no-cache', elfDir]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    // libgreet.so is a symlink to libgreet.so.2: the same file is analysed once.
    expect(report.binaries.map((b: { path: string }) => b.path.split('/').pop()).sort())
      .toEqual(['hello', 'libgreet.so.2', 'plain-aarch64', 'plain-aarch64-static', 'plain-arm32-machine', 'plain-nopie', 'plain-pie', 'plain-rpath', 'plain-static', 'plain-stripped']);
  });
});
