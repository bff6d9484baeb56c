import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mallocTunedEnv } from '../../src/cli/malloc-tuning.js';

describe('malloc tuning of scan runs', () => {
  test('scan on Linux runs again with a trim threshold; other commands, other systems and a set variable do not', () => {
    expect(mallocTunedEnv(['scan', '/usr/bin'], { PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', MALLOC_TRIM_THRESHOLD_: '1048576' });
    expect(mallocTunedEnv(['plan', 'x'], {}, 'linux')).toBeUndefined();
    expect(mallocTunedEnv(['scan', 'x'], {}, 'darwin')).toBeUndefined();
    expect(mallocTunedEnv(['scan', 'x'], { MALLOC_TRIM_THRESHOLD_: '0' }, 'linux')).toBeUndefined();
    expect(mallocTunedEnv(['scan', 'x'], { UKPORT_NO_MALLOC_TUNING: '1' }, 'linux')).toBeUndefined();
  });

  test('the second run keeps output and exit code: a usage error still exits 2 with one line on stderr', () => {
    const cli = new URL('../../dist/cli.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [cli, 'scan', '/nonexistent-ukport-path'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
