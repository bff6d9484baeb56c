import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { buildFixtures, ensureBuilt, runCli } from '../helpers/tools.js';
import { makeTar } from './tar-writer.js';

const elf = buildFixtures('elf');

describe('ukport scan IMAGE (built CLI)', () => {
  test('a docker save archive scans with exit 0; a plain tar given by name is exit 2 with one line', () => {
    ensureBuilt();
    const tmp = mkdtempSync(join(tmpdir(), 'ukport-cli-image-'));
    try {
      const layer = makeTar([{ name: 'app/static', data: readFileSync(join(elf, 'plain-static')), mode: 0o755 }]);
      const path = join(tmp, 'img.tar');
      writeFileSync(path, makeTar([
        { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['static:1'], Layers: ['l/layer.tar'] }]) },
        { name: 'c.json', data: JSON.stringify({ config: { Cmd: ['/app/static'] }, rootfs: { type: 'layers', diff_ids: ['sha256:' + createHash('sha256').update(layer).digest('hex')] } }) },
        { name: 'l/layer.tar', data: layer },
      ]));
      const r = runCli(['scan', '-q', '-f', 'json', path], {}, 120_000);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.inputs).toContainEqual({ path, kind: 'container-image', size: readFileSync(path).length, image: 'static:1' });
      expect(report.inputs).toContainEqual(expect.objectContaining({ path: '/app/static', kind: 'elf', role: 'entrypoint', image: 'static:1' }));
      expect(report.binaries.map((b: { path: string }) => b.path)).toEqual(['/app/static']);
      // a program in an image is analysed within the same bounds as one on the host
      const bounded = JSON.parse(runCli(['scan', '-q', '-f', 'json', '--max-functions', '1', path], {}, 120_000).stdout);
      expect(bounded.unknowns).toContainEqual(expect.objectContaining({ reason: 'limit-exceeded', message: expect.stringMatching(/functions exceed the limit of 1/) }));
      const plain = join(tmp, 'plain.tar');
      writeFileSync(plain, layer);
      const bad = runCli(['scan', plain]);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split('\n')).toEqual([`ukport: ${plain}: invalid container image (neither a docker save archive (manifest.json) nor an OCI image layout (oci-layout, index.json))`]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
