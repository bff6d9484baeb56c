import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { ROOT, ensureBuilt, runCli } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';

const EPOLL_C = join(ROOT, 'fixtures', 'plan-apps', 'epoll-echo.c');
const PLAIN_C = join(ROOT, 'fixtures', 'plan-apps', 'plain.c');

beforeAll(() => ensureBuilt());

describe('ukport plan', () => {
  test('text output names the release, libc and libraries', () => {
    const r = runCli(['plan', PLAIN_C]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Porting plan: Unikraft v\d+\.\d+\.\d+, x86_64, native mode, libc musl$/m);
    expect(r.stdout).toMatch(/^ {2}libcs that cover the app: musl, newlib$/m);
    expect(r.stdout).toMatch(/^ {2}vfscore \[needs, CONFIG_LIBVFSCORE\] {2}because rootfs/m);
  });

  test('--format json puts the plan in the report, valid against report.schema.json', () => {
    const r = runCli(['plan', '--format', 'json', '--arch', 'arm64', EPOLL_C]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { plan: { libc: string; arch: string; libraries: { name: string }[] } };
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.plan.libc).toBe('musl');
    expect(doc.plan.arch).toBe('aarch64');
    expect(doc.plan.libraries[0]!.name).toBe('musl');
  });

  test('usage errors exit 2 with one line', () => {
    const bad = runCli(['plan', '--unikraft', 'v9.9', EPOLL_C]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^ukport: --unikraft v9.9: no table for that release \(shipped: v0\.4, .*v0\.17\.0[,)][^\n]*\n$/);
    expect(runCli(['plan', '--arch', 'mips', EPOLL_C]).status).toBe(2);
  });
});

describe('ukport manifest', () => {
  test('writes the files, keeps them on a re-run, refuses to replace an edited one without --force', () => {
    const out = join(tempDir('ukport-manifest-'), 'app');
    const first = runCli(['manifest', '--out', out, '--legacy', '--unikraft', 'v0.15.0', '--cmd=-p 8080', EPOLL_C]);
    expect(first.status).toBe(0);
    expect(first.stdout.split('\n').filter((l) => l.startsWith('wrote ')).map((l) => l.split('/').pop())).toEqual(
      expect.arrayContaining(['Config.uk', 'Kraftfile', 'Makefile.uk', 'defconfig', 'kraft.yaml']));
    const kraftfile = readFileSync(join(out, 'Kraftfile'), 'utf8');
    expect(kraftfile).toMatch(/^name: "epoll-echo"$/m);
    expect(kraftfile).toMatch(/^ {2}version: "0.15.0"$/m);
    expect(kraftfile).toMatch(/^cmd:\n {2}- "-p"\n {2}- "8080"$/m);
    expect(readFileSync(join(out, 'Makefile.uk'), 'utf8')).toMatch(/APPEPOLL_ECHO_SRCS-y \+= \$\(APPEPOLL_ECHO_BASE\)\/.*epoll-echo\.c/);
    const again = runCli(['manifest', '--out', out, '--legacy', '--unikraft', 'v0.15.0', '--cmd=-p 8080', EPOLL_C]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/^wrote /m);
    writeFileSync(join(out, 'Config.uk'), readFileSync(join(out, 'Config.uk'), 'utf8') + '\tselect LIBUKDEBUG_PRINTK\n');
    const refused = runCli(['manifest', '--out', out, '--unikraft', 'v0.16.0', EPOLL_C]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Config\.uk; use --force/);
    expect(readFileSync(join(out, 'Kraftfile'), 'utf8')).toBe(kraftfile);
    const forced = runCli(['manifest', '--out', out, '--unikraft', 'v0.16.0', '--force', EPOLL_C]);
    expect(forced.status).toBe(0);
    expect(readFileSync(join(out, 'Kraftfile'), 'utf8')).toMatch(/^ {2}version: "0.16.0"$/m);
  });

  test('--out is required', () => {
    const r = runCli(['manifest', EPOLL_C]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out DIR is required/);
  });
});
