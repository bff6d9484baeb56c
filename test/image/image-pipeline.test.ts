import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ModuleFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { buildFixtures, ROOT } from '../helpers/tools.js';
import { makeTar } from './tar-writer.js';
import { Ajv } from 'ajv';
import { toReportDto } from '../../src/emit/json.js';

const reportSchema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));

const elf = buildFixtures('elf');
const py = join(buildFixtures('python-app'), 'app');
const sha = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

describe('a Python service in a docker save archive, through the pipeline', () => {
  test('entrypoint script → interpreter, app sources and extension module scanned inside the image with layers', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ukport-image-py-'));
    try {
      const base = makeTar([
        // a stand-in interpreter: any ELF named python3 is what the kernel would run
        { name: 'usr/bin/python3', data: readFileSync(join(elf, 'plain-pie')), mode: 0o755 },
        { name: 'usr/bin/env', data: readFileSync(join(elf, 'plain-static')), mode: 0o755 },
        { name: 'usr/lib/x86_64-linux-gnu/libc.so.6', data: readFileSync(realpathSync('/lib/x86_64-linux-gnu/libc.so.6')) },
        { name: 'usr/lib/x86_64-linux-gnu/libz.so.1', data: readFileSync(realpathSync('/lib/x86_64-linux-gnu/libz.so.1')) },
        { name: 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: readFileSync(realpathSync('/lib64/ld-linux-x86-64.so.2')) },
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
        { name: 'lib64/ld-linux-x86-64.so.2', type: 'symlink', linkname: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
      ]);
      const app = makeTar([
        { name: 'srv/service.py', data: readFileSync(join(py, 'service.py')), mode: 0o755 },
        { name: 'srv/db.py', data: readFileSync(join(py, 'db.py')) },
        { name: 'srv/zlibext.so', data: readFileSync(join(py, 'zlibext.so')) },
      ]);
      const gz = gzipSync(app);
      const cfg = JSON.stringify({ config: { Entrypoint: ['/srv/service.py'], Env: ['PATH=/usr/bin'], WorkingDir: '/srv' }, rootfs: { diff_ids: [sha(base), sha(app)] } });
      const path = join(tmp, 'svc.tar');
      writeFileSync(path, makeTar([
        { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['svc:1'], Layers: ['l1/layer.tar', 'l2/layer.tar.gz'] }]) },
        { name: 'c.json', data: cfg },
        { name: 'l1/layer.tar', data: base },
        { name: 'l2/layer.tar.gz', data: gz },
      ]));
      const report = await runPipeline({ paths: [path] });
      const byPath = new Map(report.inputs.map((a) => [a.path, a]));
      expect(byPath.get(path)).toMatchObject({ kind: 'container-image', image: 'svc:1' });
      expect(byPath.get('/srv/service.py')).toMatchObject({ role: 'script', layer: sha(app), image: 'svc:1' });
      expect(byPath.get('/usr/bin/python3')).toMatchObject({ role: 'entrypoint', kind: 'elf', layer: sha(base) });
      expect(byPath.get('/srv/zlibext.so')).toMatchObject({ role: 'app', kind: 'elf', layer: sha(app) });
      expect(byPath.get('/srv/db.py')).toMatchObject({ role: 'app', kind: 'python', layer: sha(app) });
      expect(report.libraryGraph).toContainEqual({ from: '/srv/zlibext.so', soname: 'libz.so.1', resolved: '/usr/lib/x86_64-linux-gnu/libz.so.1', via: 'default' });
      const mods = report.facts.filter((f): f is ModuleFact => f.kind === 'module');
      expect(mods.map((m) => m.name).sort()).toEqual(['importlib', 'os', 'select', 'signal', 'sqlite3', 'ssl', 'subprocess', 'sys', 'zlibext']);
      const sub = mods.find((m) => m.name === 'subprocess')!;
      expect(sub.evidence[0]).toMatchObject({ artifact: '/srv/service.py', location: { line: 4 }, layer: sha(app) });
      expect(mods.find((m) => m.name === 'zlibext')!.evidence[0]).toMatchObject({ artifact: '/srv/zlibext.so', layer: sha(app) });
      // the published JSON carries image, role, layers and the module details, and matches its schema
      const dto = JSON.parse(JSON.stringify(toReportDto(report)));
      expect(reportSchema(dto) ? [] : reportSchema.errors).toEqual([]);
      expect(dto.inputs.find((a: { path: string }) => a.path === '/srv/zlibext.so')).toEqual({ path: '/srv/zlibext.so', kind: 'elf', size: readFileSync(join(py, 'zlibext.so')).length, layer: sha(app), image: 'svc:1', role: 'app' });
      expect(dto.modules.find((m: { name: string }) => m.name === 'sqlite3')).toMatchObject({ extension: '_sqlite3', inPort: true, portKconfig: ['CONFIG_LIBPYTHON3_EXTENSION_SQLITE'], features: ['sqlite'] });
      // no host path leaks into the report: every evidence artifact is inside the image (or the image itself)
      const artifacts = new Set(report.facts.flatMap((f) => f.evidence.map((e) => e.artifact)));
      expect([...artifacts].filter((a) => a.startsWith('/') && a.startsWith(tmp) && a !== path)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
