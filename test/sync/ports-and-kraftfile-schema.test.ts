import { describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { syncPort } from '../../src/sync/unikraft-ports.js';
import { syncKraftfileSchema } from '../../src/sync/kraftfile-schema.js';
import { loadTables } from '../../src/data/tables.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { kraftfileSchema, kraftfileValidator } from '../manifest/kraftfile-schemas.js';

const FIX = new URL('../../fixtures/', import.meta.url).pathname;

describe('tables sync --port', () => {
  test('an application repository has no switch; its Kconfig is read with choices and every default', () => {
    const p = syncPort(join(FIX, 'unikraft-extra', 'app-elfloader'));
    expect(p).toMatchObject({ name: 'app-elfloader', role: 'application', repo: 'https://github.com/unikraft/app-elfloader' });
    expect(p.switch).toBeUndefined();
    expect(p.kconfig.APPELFLOADER_DEPENDENCIES).toMatchObject({ select: ['LIBSYSCALL_SHIM'], imply: ['LIBPOSIX_PROCESS'], default: 'y', library: 'app-elfloader' });
    // a directory inside another repository (this one) has no commit or refs of its own
    expect(p.versions).toEqual({ tags: {} });
    expect(p.provenance.commit).toBe('unknown');
  });

  test('an application port lists the programs its main-function options build, only when its Config.uk has them', () => {
    const dir = join(tempDir('ukport-port-'), 'lib-nginx');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Config.uk'), 'menuconfig LIBNGINX\n\tbool "nginx"\n\tselect LIBMUSL\nif LIBNGINX\nconfig LIBNGINX_MAIN_FUNCTION\n\tbool "Provide main function"\n\tdefault n\nendif\n');
    const p = syncPort(dir);
    expect(p).toMatchObject({ name: 'lib-nginx', role: 'app-port', switch: 'LIBNGINX' });
    expect(p.programs?.map((x) => [x.program, x.kconfig])).toEqual([['nginx', ['LIBNGINX', 'LIBNGINX_MAIN_FUNCTION']]]);
    expect(p.kconfig.LIBNGINX_MAIN_FUNCTION?.dependsOn).toEqual(['LIBNGINX']);
    writeFileSync(join(dir, 'Config.uk'), 'menuconfig LIBNGINX\n\tbool "nginx"\n');
    expect(syncPort(dir).programs).toBeUndefined();
  });

  test('the shipped table names each repository at a commit, with its RELEASE tags and branches', () => {
    const ports = loadTables().ports ?? [];
    expect(ports.map((p) => p.name)).toEqual(expect.arrayContaining(['app-elfloader', 'lib-libelf', 'lib-lwip', 'lib-musl', 'lib-nginx', 'lib-redis', 'lib-sqlite']));
    for (const p of ports) expect(p.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
    const musl = ports.find((p) => p.name === 'lib-musl')!;
    expect(musl.switch).toBe('LIBMUSL');
    expect(musl.kconfig.LIBMUSL?.select).toContain('HAVE_LIBC');
    // no lib-musl release was tagged for 0.17.0 (the brief's fact, and the mirror's tag list)
    expect(musl.versions.tags['RELEASE-0.17.0']).toBeUndefined();
    expect(musl.versions.tags['RELEASE-0.16.3']?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(ports.find((p) => p.name === 'lib-redis')!.programs?.map((x) => x.program)).toEqual(['redis-server', 'redis-cli']);
  });
});

describe('tables sync --kraftfile-schema', () => {
  test('a draft-04 schema: ids dropped so that ajv compiles it, the rest kept', () => {
    const file = join(tempDir('ukport-kschema-'), 'v0.6.json');
    writeFileSync(file, JSON.stringify({
      $schema: 'http://json-schema.org/draft-04/schema#', id: 'kraft-spec.json', type: 'object',
      properties: { name: { type: 'string' }, id: { type: 'string' } },
      definitions: { target: { id: '#/definitions/target', type: ['string', 'object'] } },
    }));
    const t = syncKraftfileSchema(file);
    expect(t).toMatchObject({ spec: 'v0.6', dialect: 'draft-04', path: 'v0.6.json' });
    // a property named id stays: only id keywords go
    expect(t.schema).toEqual({ type: 'object', properties: { name: { type: 'string' }, id: { type: 'string' } }, definitions: { target: { type: ['string', 'object'] } } });
    expect(t.converted).toEqual(['removed $schema (draft-04) and 2 id labels; no $ref used them']);
    expect(new Ajv({ strict: false }).compile(t.schema)({ name: 'x' })).toBe(true);
  });

  test('the shipped schemas: from kraftkit (v0.6) and unikraft-cloud/x (v0.7), at a commit; each rejects what its spec does', () => {
    const v6 = kraftfileSchema('v0.6');
    const v7 = kraftfileSchema('v0.7');
    expect([v6.provenance.repo, v6.path, v6.dialect]).toEqual(['https://github.com/unikraft/kraftkit', 'schema/v0.6.json', 'draft-04']);
    expect([v7.provenance.repo, v7.path, v7.dialect]).toEqual(['https://github.com/unikraft-cloud/x', 'kraftfile/schema.json', 'draft-2020-12']);
    for (const t of [v6, v7]) expect(t.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
    const ok = { spec: 'v0.7', name: 'app', runtime: 'base:latest', rootfs: './Dockerfile', cmd: ['/app'] };
    expect(kraftfileValidator('v0.7')(ok)).toBe(true);
    expect(kraftfileValidator('v0.7')({ ...ok, spec: 'v0.6' })).toBe(false);
    expect(kraftfileValidator('v0.7')({ ...ok, specification: 'v0.7' })).toBe(false);
    expect(kraftfileValidator('v0.7')({ ...ok, cmd: 3 })).toBe(false);
    expect(kraftfileValidator('v0.7')({ ...ok, libraries: { lwip: { kconfig: { CONFIG_LWIP_TCP: {} } } } })).toBe(false);
    // KraftKit's v0.6 file keys its patternProperties as "/^name$/" strings, which match no key: it checks very little
    expect(kraftfileValidator('v0.6')({ ...ok, spec: 'v0.6', cmd: 3 })).toBe(true);
    expect(kraftfileValidator('v0.6')('not a mapping')).toBe(false);
  });
});
