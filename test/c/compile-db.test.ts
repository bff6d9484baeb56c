import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCompileFlags, readCompileDb, splitCommand } from '../../src/extract/c/compile-db.js';
import { extractCSources } from '../../src/extract/c/extract-c-sources.js';
import { findCSources } from '../../src/extract/c/find-c-sources.js';
import { UkportError } from '../../src/errors.js';
import { PROJECTS, lineOf, muslFunctions, symbol } from './c-helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

const dir = join(PROJECTS, 'compile-db');

describe('compile_commands.json', () => {
  test('command lines split like sh, with escaped quotes', () => {
    expect(splitCommand(`cc -c -DX="\\"a b\\"" 'q r' a\\ b`)).toEqual(['cc', '-c', '-DX="a b"', 'q r', 'a b']);
  });

  test('flags: -I/-isystem resolved against the directory, later -D/-U win', () => {
    expect(parseCompileFlags(['-Iinc', '-isystem', '/sys/inc', '-DA', '-DB=2', '-UA', '-U', 'C', '-D', 'C=3'], '/p')).toEqual({
      includePaths: ['/p/inc'], systemIncludePaths: ['/sys/inc'], defines: { B: '2', C: '3' }, undefs: ['A'],
    });
  });

  test('the fixture database lists both files with their flags', () => {
    const files = readCompileDb(join(dir, 'compile_commands.json'));
    expect(files).toEqual([
      { path: join(dir, 'app.c'), includePaths: [join(dir, 'include')], systemIncludePaths: [], defines: { USE_EPOLL: '1', LOG_LEVEL: '2' }, undefs: ['VERBOSE'] },
      { path: join(dir, 'util.c'), includePaths: [join(dir, 'include')], systemIncludePaths: [], defines: { LOG_TO_FILE: '"/var/log/demo.log"' }, undefs: [] },
    ]);
  });

  test('a directory with a database is scanned with its flags: -D decides #ifdef, dead branches are dropped', async () => {
    const set = findCSources([dir]);
    expect(set.compileDb).toBe(join(dir, 'compile_commands.json'));
    expect(set.files.map((f) => f.path.split('/').pop())).toEqual(['app.c', 'util.c', 'app.h']);
    const { facts } = await extractCSources(set.files, { libcFunctions: muslFunctions() });
    const app = join(dir, 'app.c');
    // -DUSE_EPOLL: epoll_create1 kept without a condition, poll() (the #else) dropped
    const [ep] = symbol(facts, 'epoll_create1');
    expect(ep.evidence).toEqual([{ artifact: app, extractor: 'c.call', location: { file: app, line: lineOf(app, 'epoll_create1('), column: 11, function: 'wait_input' } }]);
    expect(symbol(facts, 'poll')).toEqual([]);
    // -DVERBOSE then -UVERBOSE: the fprintf under #ifdef VERBOSE is dropped (util.c's fprintf stays)
    expect(symbol(facts, 'fprintf').flatMap((f) => f.evidence).map((e) => e.location?.file)).toEqual([join(dir, 'util.c')]);
    // -DLOG_LEVEL=2 decides `#if LOG_LEVEL > 1`
    expect(symbol(facts, 'openlog')[0].evidence[0]).not.toHaveProperty('condition');
    // HAVE_SPLICE is not decided: kept, with its condition
    expect(symbol(facts, 'splice')[0].evidence[0].condition).toBe('defined(HAVE_SPLICE)');
    // -I include resolves "app.h"; the -D value of LOG_TO_FILE is the path fopen opens
    const h = facts.find((f) => f.kind === 'header' && f.name === 'app.h');
    expect(h?.kind === 'header' && h.resolved).toBe(join(dir, 'include/app.h'));
    const log = facts.find((f) => f.kind === 'string' && f.value === '/var/log/demo.log');
    expect(log?.evidence[0].location?.line).toBe(lineOf(join(dir, 'util.c'), 'fopen(LOG_TO_FILE'));
  });

  test('bad databases are UkportError bad-json', () => {
    const tmp = tempDir('ukport-cdb-');
    writeFileSync(join(tmp, 'compile_commands.json'), '{"not": "an array"}');
    expect(() => readCompileDb(join(tmp, 'compile_commands.json'))).toThrow(UkportError);
    writeFileSync(join(tmp, 'compile_commands.json'), '[{"file": "a.c"}]');
    expect(() => readCompileDb(join(tmp, 'compile_commands.json'))).toThrow(/entry 0/);
    writeFileSync(join(tmp, 'compile_commands.json'), '[');
    try { readCompileDb(join(tmp, 'compile_commands.json')); } catch (e) { expect((e as UkportError).code).toBe('bad-json'); }
  });
});
