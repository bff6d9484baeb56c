import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, ensureBuilt } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { readYaml } from '../manifest/read-yaml.js';
import { expectClean, runHostile } from './hostile-run.js';

// Hostile-input corpus, classes 1 (injection into generated files and the terminal) and 2 (writes outside --out).
// Every input is made here; each run must end by itself with exit 0/1/2 within 10 s of CPU (see hostile-run.ts).
const ELF = buildFixtures('elf');
const CONFIG_READER = '#include <stdio.h>\nint main(void) {\n  FILE *f = fopen("/etc/app.conf", "r");\n  return f ? 0 : 1;\n}\n';
let dir: string;
beforeAll(() => { ensureBuilt(); dir = tempDir('ukport-inject-'); });

/** Every file below D (relative path → content), to prove nothing outside --out changed. */
function snapshot(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string): void => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(p, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = e.isSymbolicLink() ? `link` : readFileSync(join(p, e.name), 'latin1');
    }
  };
  walk(d, '');
  return out;
}

describe('class 1: names from the input never become code, keys or headers', () => {
  test('sources named $(shell …) or with newlines: Makefile.uk runs nothing under make -n; Kraftfile keys exact', () => {
    const src = join(dir, 'mk', 'src');
    mkdirSync(src, { recursive: true });
    // make runs in OUT: a command that ran would leave PWNED there
    for (const name of ['x$(shell touch PWNED).c', 'y\nall:;touch PWNED2\n.c', 'good.c']) writeFileSync(join(src, name), CONFIG_READER);
    const out = join(dir, 'mk', 'out');
    const r = runHostile(['manifest', '--legacy', '--out', out, src]);
    expectClean(r, [0]);
    expect(r.stderr).toMatch(/warning: "\.\.\/src\/x\$\(shell touch PWNED\)\.c" is not in Makefile\.uk/);
    const mk = readFileSync(join(out, 'Makefile.uk'), 'utf8');
    expect(mk).toMatch(/_SRCS-y \+= \$\(APPSRC_BASE\)\/\.\.\/src\/good\.c$/m);
    expect(mk).not.toMatch(/shell|touch/);
    // a makefile that expands the source list the way Unikraft's build does, dry-run
    writeFileSync(join(out, 'probe.mk'), 'include Makefile.uk\n$(info $(APPSRC_SRCS-y))\nall: ; @echo $(APPSRC_SRCS-y)\n');
    const make = spawnSync('make', ['-n', '-f', 'probe.mk'], { cwd: out, encoding: 'utf8' });
    expect(make.status).toBe(0);
    expect([existsSync(join(out, 'PWNED')), existsSync(join(out, 'PWNED2'))]).toEqual([false, false]);
    for (const f of ['Kraftfile', 'kraft.yaml']) {
      const keys = Object.keys(readYaml(readFileSync(join(out, f), 'utf8')) as object).sort();
      expect(keys).toEqual(f === 'Kraftfile' ? ['cmd', 'libraries', 'name', 'rootfs', 'spec', 'targets', 'unikraft'] : ['libraries', 'name', 'specification', 'targets', 'unikraft']);
    }
  });

  test('patch: a file name with newlines and escapes stays inside quoted headers; the series still applies', () => {
    const src = join(dir, 'pt', 'src');
    mkdirSync(src, { recursive: true });
    const name = 'a\ndiff --git x y\nSubject: owned\x1b]0;title\x07.c';
    writeFileSync(join(src, name), CONFIG_READER);
    const out = join(dir, 'pt', 'out');
    const r = runHostile(['patch', src, '--out', out]);
    expectClean(r, [0]);
    const [file] = readdirSync(out);
    const text = readFileSync(join(out, file!), 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('diff --git '))).toEqual(['diff --git "a/a\\ndiff --git x y\\nSubject: owned\\033]0;title\\a.c" "b/a\\ndiff --git x y\\nSubject: owned\\033]0;title\\a.c"']);
    expect(text.split('\n').filter((l) => l.startsWith('Subject:'))).toHaveLength(1);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    // git reads the quoted name back as the real file
    execFileSync('git', ['init', '-q'], { cwd: src });
    expect(spawnSync('git', ['apply', '--check', join(out, file!)], { cwd: src, encoding: 'utf8' }).stderr).toBe('');
  });

  test('text output: escape sequences in a DT_NEEDED soname and in a path reach the terminal escaped', () => {
    const d = join(dir, 'tty');
    mkdirSync(d);
    const evil = 'libx\x1b]0;pwned\x07\x1b[2J\x9b31m.so';
    writeFileSync(join(d, 'lib.c'), 'int lib_fn(void) { return 1; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', `-Wl,-soname,${evil}`, '-o', join(d, 'libx.so'), join(d, 'lib.c')]);
    writeFileSync(join(d, 'main.c'), 'int lib_fn(void);\nint main(void) { return lib_fn(); }\n');
    execFileSync('gcc', ['-o', join(d, 'app'), join(d, 'main.c'), join(d, 'libx.so')]);
    writeFileSync(join(d, `p\x1b[31m.c`), CONFIG_READER);
    for (const args of [['scan', d], ['scan', '--format', 'markdown', d], ['plan', d]]) {
      const r = runHostile(args);
      expectClean(r);
      expect(r.stdout + r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    }
    // the ELF reader reads names as bytes (latin1): U+009B passed to gcc as UTF-8 is C2 9B, the 8-bit CSI shown escaped
    expect(runHostile(['scan', d]).stdout).toContain('libx\\x1b]0;pwned\\x07\\x1b[2J\u00c2\\x9b31m.so');
    // JSON keeps the exact bytes (escaped the JSON way)
    const json = JSON.parse(runHostile(['scan', '--format', 'json', d]).stdout) as { binaries: { needed: string[] }[] };
    expect(json.binaries.flatMap((b) => b.needed)).toContain(Buffer.from(evil, 'utf8').toString('latin1'));
  });
});

describe('class 2: nothing is written outside --out', () => {
  test('planted links at the record, at a generated file and at old temp names are never written through', () => {
    const base = join(dir, 'plant');
    const outside = join(base, 'outside');
    const out = join(base, 'out');
    mkdirSync(outside, { recursive: true });
    mkdirSync(out);
    for (const v of ['victim1', 'victim2', 'victim3']) writeFileSync(join(outside, v), 'precious\n');
    symlinkSync(join(outside, 'victim1'), join(out, '.ukport-written.json'));
    for (let pid = 1; pid < 200; pid++) symlinkSync(join(outside, 'victim3'), join(out, `.ukport-written.json.${pid}.tmp`));
    const before = snapshot(outside);
    // the record is a link: it is replaced by a regular file, never written through
    expectClean(runHostile(['manifest', '--out', out, join(ELF, 'hello')]), [0]);
    expect(lstatSync(join(out, '.ukport-written.json')).isFile()).toBe(true);
    expect(snapshot(outside)).toEqual(before);
    // a generated file is a link: refused, one line
    rmSync(join(out, 'Kraftfile'));
    symlinkSync(join(outside, 'victim2'), join(out, 'Kraftfile'));
    const r = runHostile(['manifest', '--out', out, join(ELF, 'hello')]);
    expectClean(r, [2]);
    expect(r.stderr).toMatch(/goes through the symbolic link Kraftfile/);
    expect(snapshot(outside)).toEqual(before);
  });

  test('--out a link or a file: one-line exit 2 for manifest and patch; nothing written', () => {
    const base = join(dir, 'outs');
    const real = join(base, 'real');
    mkdirSync(real, { recursive: true });
    symlinkSync(real, join(base, 'link'));
    writeFileSync(join(base, 'file'), 'keep\n');
    const src = join(base, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'x.c'), CONFIG_READER);
    for (const out of ['link', 'file']) {
      for (const args of [['manifest', '--out', join(base, out), join(ELF, 'hello')], ['patch', src, '--out', join(base, out)]]) {
        const r = runHostile(args);
        expectClean(r, [2]);
        expect(r.stderr).toMatch(out === 'link' ? /symbolic link/ : /not a directory/);
      }
    }
    expect(readdirSync(real)).toEqual([]);
    expect(readFileSync(join(base, 'file'), 'utf8')).toBe('keep\n');
  });

  test('patch never copies a file outside the tree that an in-tree link points to', () => {
    const base = join(dir, 'leak');
    const src = join(base, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(base, 'secret.c'), CONFIG_READER.replace('int main', '/* SECRET-TOKEN-42 */\nint main'));
    symlinkSync(join(base, 'secret.c'), join(src, 'linked.c'));
    writeFileSync(join(src, 'own.c'), CONFIG_READER);
    const out = join(base, 'out');
    const r = runHostile(['patch', src, '--out', out]);
    expectClean(r, [0]);
    const all = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expect(all).toContain('own.c');
    expect(all).not.toContain('SECRET-TOKEN-42');
  });
});
