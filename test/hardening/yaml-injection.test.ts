import { describe, expect, test } from '@jest/globals';
import { parseDocument } from 'yaml';
import { emitManifest } from '../../src/emit/manifest.js';
import { planPort } from '../../src/plan/plan-port.js';
import { facts, miniTables } from '../plan/mini-tables.js';
import { readYaml } from '../manifest/read-yaml.js';

// Input-derived strings a hostile binary controls: a DT_NEEDED soname and a path string, each carrying YAML that would
// become top-level keys if written raw into a comment or a value; every YAML line break and terminal escapes included.
const PAYLOAD = '\nruntime: "attacker/evil:latest"\nvolumes: ["/:/host"]\r\nrootfs2: 1\rx: 2\u0085y: 3\u2028z: 4\u2029w: 5\x1b]0;title\x07\x9b2J';
const SONAME = `libevil.so.1${PAYLOAD}`;
const PATH = `/etc/evil.conf${PAYLOAD}`;

function manifestFor(mode: 'binary-compat' | 'native') {
  const plan = planPort(facts({ syscalls: ['openat', 'read'], sonames: [[SONAME, '1']], strings: [PATH] }), miniTables(), { arch: 'x86_64', mode });
  return { plan, files: emitManifest({ name: `app${PAYLOAD}`, plan, generator: 'ukport (test)', cmd: [`-c${PAYLOAD}`, 'y', 'no'] }, { legacy: true }) };
}

describe('hostile names never become YAML keys (parsed with the yaml package)', () => {
  test.each(['binary-compat', 'native'] as const)('Kraftfile and kraft.yaml in %s mode hold exactly the intended keys', (mode) => {
    const { plan, files } = manifestFor(mode);
    const kraftfile = readYaml(files.get('Kraftfile')!) as Record<string, unknown>;
    // binary-compat: the soname is in the rootfs note, and app-elfloader builds without a libc (no libraries here);
    // native: the libc is an external library
    expect(!!plan.rootfs).toBe(mode === 'binary-compat');
    const expected = ['spec', 'name', ...(mode === 'binary-compat' ? ['template', 'rootfs'] : ['libraries']), 'unikraft', 'targets', 'cmd'];
    expect(Object.keys(kraftfile).sort()).toEqual(expected.sort());
    // the command line is carried exactly, hostile bytes included, and y/no stay strings
    expect(kraftfile.cmd).toEqual([`-c${PAYLOAD}`, 'y', 'no']);
    expect(kraftfile.name).toMatch(/^[a-z0-9-]+$/);
    const legacy = readYaml(files.get('kraft.yaml')!) as Record<string, unknown>;
    expect(Object.keys(legacy).filter((k) => !['specification', 'name', 'unikraft', 'targets', 'libraries'].includes(k))).toEqual([]);
    for (const text of [files.get('Kraftfile')!, files.get('kraft.yaml')!]) {
      // no raw control character or YAML 1.1 line break anywhere in the file; the payload sits in comments, one line each
      expect(text).not.toMatch(/[\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]/);
      const comments = parseDocument(text).commentBefore ?? '';
      if (mode === 'binary-compat') expect(comments).toContain('libevil.so.1\\x0aruntime: "attacker/evil:latest"\\x0avolumes');
      for (const line of text.split('\n')) expect(line).not.toMatch(/^(runtime|volumes|rootfs2|x|y|z|w):/);
    }
  });
});
