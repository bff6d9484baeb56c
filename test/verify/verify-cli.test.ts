import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { ROOT, ensureBuilt, runCli } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { readSourceTree } from '../../src/verify/sources.js';

ensureBuilt();
const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const hello = join(ROOT, 'fixtures/verify/apps/hello.c');

/**
 * A sources directory whose "unikraft" tree is a two-rule Makefile (olddefconfig keeps the seed; the build
 * prints a recorded failure): enough for verify's own stages before and around make. lib-musl's fetch line is lib-musl
 * RELEASE-0.16.3's Makefile.uk lines 67-70.
 */
function fakeSources(): string {
  const dir = tempDir('ukport-verify-src-');
  mkdirSync(join(dir, 'unikraft'), { recursive: true });
  writeFileSync(join(dir, 'unikraft/version.mk'), 'UK_VERSION = 0\nUK_SUBVERSION = 17\nUK_EXTRAVERSION = 0\n');
  // the build replays the link failure recorded from a real v0.17.0 build (fixtures/verify/build-logs)
  const recorded = join(ROOT, 'fixtures/verify/build-logs/hello-musl-0.16.3-on-v0.17.0.log');
  writeFileSync(join(dir, 'unikraft/Makefile'), `olddefconfig:\n\t@echo configured $(C)\nall:\n\t@cat ${recorded}; exit 2\n.DEFAULT_GOAL := all\n`);
  mkdirSync(join(dir, 'libs/lib-musl'), { recursive: true });
  writeFileSync(join(dir, 'libs/lib-musl/Makefile.uk'), 'LIBMUSL_VERSION=1.2.3\nLIBMUSL_URL=https://www.musl-libc.org/releases/musl-$(LIBMUSL_VERSION).tar.gz\n$(eval $(call fetch,libmusl,$(LIBMUSL_URL)))\n');
  return dir;
}

describe('ukport verify (CLI)', () => {
  test('--help names the stages, the sources layout and the probe syntax', () => {
    const r = runCli(['verify', '--help']);
    expect(r.status).toBe(0);
    for (const s of ['olddefconfig', '--sources DIR', 'tcp:PORT[:SEND:EXPECT]', '--offline', 'archives/', '.unikraft/unikraft']) expect(r.stdout).toContain(s);
  });

  test('usage errors: one line, exit 2', () => {
    const src = fakeSources();
    const cases: [string[], RegExp][] = [
      [['verify', hello], /--sources DIR and --out DIR are required/],
      [['verify', '--sources', src, '--out', tempDir('o-'), '--probe', 'udp:53', hello], /--probe must be tcp:PORT/],
      [['verify', '--sources', join(src, 'nope'), '--out', tempDir('o-'), hello], /sources directory not found/],
      [['verify', '--sources', src, '--out', tempDir('o-'), '--unikraft', 'v0.16.3', hello], /the sources are Unikraft v0.17.0/],
      [['verify', '--sources', src, '--out', tempDir('o-'), '--format', 'xml', hello], /--format must be one of text, json, markdown, sarif/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('--offline stops before the build and names the missing archive, where to put it and its URL; the JSON validates', () => {
    const src = fakeSources();
    const out = tempDir('ukport-verify-out-');
    const r = runCli(['verify', '--sources', src, '--out', out, '--offline', '--mode', 'native', '--libc', 'musl', '--format', 'json', hello], {}, 120_000);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(validate(report)).toBe(true);
    const v = report.verification;
    expect(v.release).toBe('v0.17.0');
    expect(v.outcome).toBe('build-failed');
    expect(v.buildProblems).toEqual([{ kind: 'missing-archive', symbol: 'musl-1.2.3.tar.gz',
      message: `musl-1.2.3.tar.gz (libmusl) is not in ${src}/archives/: put it there (from https://www.musl-libc.org/releases/musl-1.2.3.tar.gz), or run without --offline to let make fetch it` }]);
    expect(report.plan.release).toBe('v0.17.0'); // planned for the tree's release
    expect(readFileSync(join(out, 'manifest/defconfig'), 'utf8')).toMatch(/^CONFIG_LIBMUSL=y$/m);
    expect(readFileSync(join(out, '.config'), 'utf8')).toMatch(/^CONFIG_LIBSYSCALL_SHIM_DEBUG=y$/m);
  });

  test('with the archive in archives/, it is staged where Unikraft fetch looks, and a failed build is mapped', () => {
    const src = fakeSources();
    mkdirSync(join(src, 'archives'));
    writeFileSync(join(src, 'archives/musl-1.2.3.tar.gz'), 'not really');
    const out = tempDir('ukport-verify-out-');
    const r = runCli(['verify', '--sources', src, '--out', out, '--offline', '--mode', 'native', '--libc', 'musl', hello], {}, 120_000);
    expect(r.status).toBe(1);
    expect(readFileSync(join(out, 'build/libmusl/musl-1.2.3.tar.gz'), 'utf8')).toBe('not really');
    expect(r.stdout).toMatch(/Unikraft v0.17.0 build failed: undefined-reference getrandom/);
    expect(r.stdout).toContain("undefined-reference getrandom (provided by ukrandom (CONFIG_LIBUKRANDOM))"); // the plan of hello.c has no getrandom: no plan entry
  });

  test('--format markdown is the report with the verdict, which does not say verified when the build failed', () => {
    const src = fakeSources();
    const r = runCli(['verify', '--sources', src, '--out', tempDir('ukport-verify-out-'), '--offline', '--mode', 'native', '--libc', 'musl', '--format', 'markdown', hello], {}, 120_000);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^# ukport porting report\n\n\*\*Verdict: /);
    expect(r.stdout).not.toMatch(/verified running/);
  });

  test('sources in KraftKit\'s layout are found too', () => {
    const dir = tempDir('ukport-kraftkit-');
    mkdirSync(join(dir, '.unikraft/unikraft'), { recursive: true });
    mkdirSync(join(dir, '.unikraft/libs/musl'), { recursive: true });
    writeFileSync(join(dir, '.unikraft/unikraft/version.mk'), 'UK_VERSION = 0\nUK_SUBVERSION = 16\nUK_EXTRAVERSION = 3\n');
    const tree = readSourceTree(dir);
    expect(tree.release).toBe('v0.16.3');
    expect(tree.find('lib', 'lib-musl')).toBe(join(dir, '.unikraft/libs/musl'));
    expect(tree.find('app', 'app-elfloader')).toBeUndefined();
  });
});
