import { describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { isConfigFile, migrateConfig, readConfigFile } from '../../src/data/config-migration.js';
import { loadTables } from '../../src/data/tables.js';
import { pickRelease } from '../../src/plan/releases.js';
import { ROOT, runCli } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';

const CONFIGS = join(ROOT, 'fixtures', 'unikraft-releases', 'configs');
const KRAFTFILE = join(CONFIGS, 'Kraftfile');
const DEFCONFIG = join(CONFIGS, 'defconfig');
const tables = loadTables();
const at = (release?: string) => pickRelease(tables.unikraft, release);

describe('check on an old Kraftfile / defconfig: what the target release renamed, removed or deprecated', () => {
  test('reads Kraftfile kconfig maps and lists (unikraft and libraries) and defconfig lines, with lines', () => {
    expect(isConfigFile(KRAFTFILE) && isConfigFile(DEFCONFIG)).toBe(true);
    expect(isConfigFile(join(ROOT, 'fixtures', 'example', 'kvserver.c'))).toBe(false);
    const k = readConfigFile(KRAFTFILE);
    expect(k.release).toBe('v0.18.0');
    expect(k.symbols.map((s) => `${s.name}:${s.line}`)).toEqual(['LIBPOSIX_PROCESS:7', 'LIBPOSIX_PROCESS_PIDS:8', 'LIBPOSIX_PROCESS_CLONE:9',
      'LIBUKSIGNAL:10', 'LIBVFSCORE:11', 'APPELFLOADER_ARCH_PRCTL:16', 'MYAPP_FEATURE:17']); // LIBPOSIX_SOCKET is 'n'
    expect(readConfigFile(DEFCONFIG).symbols.map((s) => s.name)).toEqual(['LIBPOSIX_PROCESS', 'LIBPOSIX_PROCESS_VFORK', 'LIBPOSIX_PROCESS_INIT_PIDS', 'LIBPOSIX_FDIO']);
  });

  test('against v0.21.0 (the default): every rename from the release notes, removals and deprecations with their sources', () => {
    const m = migrateConfig([readConfigFile(KRAFTFILE), readConfigFile(DEFCONFIG)], tables, at());
    expect(m.target).toBe('v0.21.0');
    expect(m.partial).toBe(true);
    const rows = m.items.map((i) => `${i.file.split('/').pop()}:${i.line} ${i.severity} ${i.kind} ${i.symbol}${i.to ? ` -> ${i.to}` : ''}${i.release ? ` @${i.release}` : ''}`);
    expect(rows).toEqual([
      'Kraftfile:8 error renamed CONFIG_LIBPOSIX_PROCESS_PIDS -> CONFIG_LIBPOSIX_PROCESS_MULTITHREADING @v0.19.0',
      'Kraftfile:9 error renamed CONFIG_LIBPOSIX_PROCESS_CLONE -> CONFIG_LIBPOSIX_PROCESS_MULTITHREADING @v0.19.0',
      'Kraftfile:10 warning removed CONFIG_LIBUKSIGNAL @v0.19.0',
      'Kraftfile:11 warning deprecated-library CONFIG_LIBVFSCORE @v0.21.0',
      'Kraftfile:16 error renamed CONFIG_APPELFLOADER_ARCH_PRCTL -> CONFIG_LIBPOSIX_PROCESS_ARCH_PRCTL @v0.20.0',
      'Kraftfile:17 note unknown CONFIG_MYAPP_FEATURE',
      'defconfig:3 error renamed CONFIG_LIBPOSIX_PROCESS_VFORK -> CONFIG_LIBPOSIX_PROCESS_MULTIPROCESS @v0.19.0',
      'defconfig:4 warning removed CONFIG_LIBPOSIX_PROCESS_INIT_PIDS @v0.19.0',
    ]);
    // renames come from the release notes' own sentences (table data), not from a list in the code
    const arch = m.items.find((i) => i.symbol === 'CONFIG_APPELFLOADER_ARCH_PRCTL')!;
    expect(arch.source).toMatchObject({ kind: 'release-note', release: 'v0.20.0', path: 'content/releases/v0.20.0.mdx' });
    expect(arch.source!.kind === 'release-note' && arch.source!.text).toMatch(/should now use `CONFIG_LIBPOSIX_PROCESS_ARCH_PRCTL`/);
    expect(m.items.find((i) => i.symbol === 'CONFIG_LIBPOSIX_PROCESS_INIT_PIDS')!.message).toMatch(/deprecated in v0\.19\.0 \(content\/releases\/v0\.19\.0\.mdx:\d+\)/);
  });

  test('against v0.18.0 the same file is current: nothing renamed or removed', () => {
    const m = migrateConfig([readConfigFile(KRAFTFILE)], tables, at('v0.18.0'));
    expect(m.partial).toBe(false);
    expect(m.items.filter((i) => i.severity !== 'note')).toEqual([]);
  });

  test('a real old configuration: exactly the renames unikraft/catalog later made to it', () => {
    const facts = JSON.parse(readFileSync(join(CONFIGS, 'catalog-base-kraftfile.json'), 'utf8')) as { options: string[]; renamedLater: { from: string; to: string }[] };
    const dir = tempDir('ukport-catalog-');
    const file = join(dir, 'defconfig');
    writeFileSync(file, facts.options.map((o) => `${o}=y`).join('\n') + '\n');
    const m = migrateConfig([readConfigFile(file)], tables, at());
    expect(m.items.filter((i) => i.kind === 'renamed').map((i) => ({ from: i.symbol, to: i.to }))).toEqual(
      [...facts.renamedLater].sort((a, b) => a.from.localeCompare(b.from)).map(({ from, to }) => ({ from, to })));
  });

  test('CLI: exit 1 on a rename, 0 when only warnings and --fail-on error; JSON validates against its schema', () => {
    const text = runCli(['check', KRAFTFILE]);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/Kraftfile:9: error: CONFIG_LIBPOSIX_PROCESS_CLONE is replaced by CONFIG_LIBPOSIX_PROCESS_MULTITHREADING since v0\.19\.0/);
    expect(text.stdout).toMatch(/v0\.21\.0 is a partial table/);
    expect(runCli(['check', '--unikraft', 'v0.18.0', KRAFTFILE]).status).toBe(0);
    const json = runCli(['check', '--format', 'json', DEFCONFIG]);
    expect(json.status).toBe(1);
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'kconfig-migration.schema.json'), 'utf8')));
    const doc = JSON.parse(json.stdout);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.items.map((i: { symbol: string }) => i.symbol)).toEqual(['CONFIG_LIBPOSIX_PROCESS_VFORK', 'CONFIG_LIBPOSIX_PROCESS_INIT_PIDS']);
    const sarif = JSON.parse(runCli(['check', '--format', 'sarif', DEFCONFIG]).stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual(['kconfig-renamed error', 'kconfig-removed warning']);
    expect(runCli(['check', '--format', 'markdown', DEFCONFIG]).stdout).toMatch(/\| `CONFIG_LIBPOSIX_PROCESS_VFORK` \| renamed \| `CONFIG_LIBPOSIX_PROCESS_MULTIPROCESS` \|/);
    expect(runCli(['check', '--unikraft', 'v9.9.9', DEFCONFIG]).status).toBe(2);
  });
});
