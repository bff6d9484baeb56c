import { describe, expect, test } from '@jest/globals';
import { parsePep508, parseRequirements } from '../../src/extract/python/requirements.js';
import { readDistMetadata, readPipfileLock, readPoetryLock, readPyproject, readRecord, readTopLevel } from '../../src/extract/python/manifests.js';

const reqs = (text: string) => parseRequirements(text).requirements.map((r) => `${r.name}[${r.extras.join(',')}]${r.spec}${r.marker ? `;${r.marker}` : ''}@${r.line}`);

describe('requirements files', () => {
  test('specifiers, extras, markers, hashes, continuations, comments, includes, URLs', () => {
    const r = parseRequirements([
      '# comment',                                             // 1
      'Pillow[tiff,webp] >=9.4, <11 ; python_version >= "3.8"  # inline', // 2
      'boto3==1.26.27 \\',                                     // 3
      '    --hash=sha256:abcd',                                // 4
      '-r base.txt',                                           // 5
      '--requirement=more/extra.txt',                          // 6
      '-c constraints.txt',                                    // 7
      '--index-url https://example.invalid/simple',            // 8
      '-e git+https://example.invalid/x/mylib.git#egg=mylib',  // 9
      'https://example.invalid/pkgs/foo_bar-1.2.0.tar.gz',     // 10
      'requests (>=2.31)',                                     // 11
      'not a requirement at all',                              // 12
      'numpy',                                                 // 13
    ].join('\n'));
    expect(r.requirements.map((q) => `${q.name}[${q.extras.join(',')}]${q.spec}${q.marker ? `;${q.marker}` : ''}@${q.line}`)).toEqual([
      'Pillow[tiff,webp]>=9.4,<11;python_version >= "3.8"@2', 'boto3[]==1.26.27@3', 'mylib[]@git+https://example.invalid/x/mylib.git#egg=mylib@9',
      'foo_bar[]@https://example.invalid/pkgs/foo_bar-1.2.0.tar.gz@10', 'requests[]>=2.31@11', 'numpy[]@13',
    ]);
    expect(r.includes).toEqual([{ file: 'base.txt', line: 5, constraints: false }, { file: 'more/extra.txt', line: 6, constraints: false }, { file: 'constraints.txt', line: 7, constraints: true }]);
    expect(r.problems).toEqual([{ line: 12, text: 'not a requirement at all' }]);
  });
  test('PEP 508 strings as pyproject.toml holds them', () => {
    expect(parsePep508('requests[socks] (>=2.31); python_version >= \'3.8\'')).toMatchObject({ name: 'requests', extras: ['socks'], spec: '>=2.31', marker: "python_version >= '3.8'" });
    expect(parsePep508('name @ https://example.invalid/n.whl')).toMatchObject({ name: 'name', spec: '@https://example.invalid/n.whl' });
    expect(parsePep508('two words')).toBeUndefined();
  });
  test('garbage never throws: binary, huge lines, lone continuation', () => {
    const junk = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    expect(() => parseRequirements(junk)).not.toThrow();
    expect(() => parseRequirements('x'.repeat(1_000_000) + '\\')).not.toThrow();
    expect(reqs('\\')).toEqual([]);
  });
});

describe('pyproject.toml, lock files, installed metadata', () => {
  test('PEP 621 dependencies and extras groups, Poetry dependencies (python skipped), lines found', () => {
    const text = ['[project]', 'name = "x"', 'dependencies = ["Pillow>=10", "boto3~=1.26"]', '[project.optional-dependencies]', 'yaml = ["PyYAML>=6"]',
      '[tool.poetry.dependencies]', 'python = "^3.10"', 'numpy = { version = "^1.25", extras = ["blas"] }', 'flask = "*"'].join('\n');
    const r = readPyproject(text);
    expect(r.problem).toBeUndefined();
    expect(r.dependencies.map((d) => `${d.name}${d.spec}[${d.extras.join(',')}]@${d.line}`)).toEqual(['Pillow>=10[]@3', 'boto3~=1.26[]@3', 'PyYAML>=6[]@5', 'numpy^1.25[blas]@8', 'flask[]@9']);
  });
  test('malformed TOML and JSON give a problem, not an exception', () => {
    expect(readPyproject('[project\ndependencies = [').problem).toMatch(/^not valid TOML/);
    expect(readPoetryLock('[[package]\nname=').problem).toMatch(/^not valid TOML/);
    expect(readPipfileLock('{"default": ').problem).toMatch(/^not valid JSON/);
    expect(readPipfileLock('[]').problem).toBe('no "default" section');
    expect(readPyproject('[project]\ndependencies = ["ok>=1", "bad bad"]').problem).toBe('not PEP 508 requirements: bad bad');
  });
  test('poetry.lock leaves dev packages out; Pipfile.lock reads default only', () => {
    const lock = readPoetryLock('[[package]]\nname = "pillow"\nversion = "10.0.0"\n\n[[package]]\nname = "pytest"\nversion = "7.4.0"\ncategory = "dev"\n');
    expect(lock.dependencies.map((d) => `${d.name}=${d.version}`)).toEqual(['pillow=10.0.0']);
    const pl = readPipfileLock(JSON.stringify({ default: { boto3: { version: '==1.26.27' } }, develop: { black: { version: '==23.7.0' } } }));
    expect(pl.dependencies.map((d) => `${d.name}=${d.version}:${d.locked}`)).toEqual(['boto3=1.26.27:true']);
  });
  test('METADATA / PKG-INFO headers, RECORD rows (quoted paths, sizes), top_level.txt', () => {
    expect(readDistMetadata('Metadata-Version: 2.1\nName: Pillow\nVersion: 9.4.0\n\nName: not-this\n')).toEqual({ name: 'Pillow', version: '9.4.0' });
    expect(readRecord('yaml/__init__.py,sha256=x,12309\n"odd,name.py",sha256=y,5\nPyYAML-6.0.dist-info/RECORD,,\n')).toEqual([
      { path: 'yaml/__init__.py', size: 12309 }, { path: 'odd,name.py', size: 5 }, { path: 'PyYAML-6.0.dist-info/RECORD' }]);
    expect(readTopLevel('PIL\n\n_yaml\n../evil\n')).toEqual(['PIL', '_yaml']);
  });
});
