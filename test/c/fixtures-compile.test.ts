import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readCompileDb } from '../../src/extract/c/compile-db.js';
import { PROJECTS } from './c-helpers.js';

// The fixtures are real C: gcc accepts them (warnings are errors) in every configuration the tests use.
const gcc = (args: string[], cwd = PROJECTS): void => {
  execFileSync('gcc', ['-fsyntax-only', '-Wall', '-Werror', ...args], { cwd, stdio: 'pipe' });
};

describe('C fixture projects compile', () => {
  test('mqtt-broker', () => gcc(['mqtt-broker/broker.c', 'mqtt-broker/net.c']));
  test('keyserver, with and without OpenSSL', () => {
    gcc(['keyserver/keyserver.c']);
    gcc(['-DHAVE_OPENSSL', 'keyserver/keyserver.c']);
  });
  test('epoll-server on Linux and with the select() fallback', () => {
    gcc(['epoll-server/server.c']);
    gcc(['-U__linux__', 'epoll-server/server.c']);
  });
  test('raw-syscalls', () => gcc(['raw-syscalls/raw.c']));
  test('compile-db, with the flags of its compile_commands.json', () => {
    const dir = join(PROJECTS, 'compile-db');
    for (const f of readCompileDb(join(dir, 'compile_commands.json'))) {
      const flags = [
        ...(f.includePaths ?? []).map((p) => `-I${p}`),
        ...Object.entries(f.defines ?? {}).map(([k, v]) => `-D${k}=${v}`),
        ...(f.undefs ?? []).map((u) => `-U${u}`),
      ];
      gcc([...flags, f.path], dir);
    }
    expect(readCompileDb(join(dir, 'compile_commands.json'))).toHaveLength(2);
  });
});
