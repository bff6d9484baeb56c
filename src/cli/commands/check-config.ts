import type { CommandIo } from '../command.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../command.js';
import { SEVERITIES, type OutputFormat, type Severity } from '../../model/vocab.js';
import { isConfigFile, migrateConfig, readConfigFile } from '../../data/config-migration.js';
import { loadTables } from '../../data/tables.js';
import { pickRelease } from '../../plan/releases.js';
import { emitMigration } from '../../emit/migration.js';

/** Whether `check` was given Unikraft configurations (Kraftfile, kraft.yaml, defconfig, .config) only. */
export function allConfigFiles(paths: string[]): boolean {
  return paths.length > 0 && paths.every(isConfigFile);
}

/**
 * `ukport check [--unikraft TAG] Kraftfile|defconfig|.config`: the options the target release (default the
 * newest) renamed, removed or deprecated, with what replaces them. Fails (exit 1) on items at or above FAIL-ON:
 * a renamed option is an error (Kconfig ignores the old name, the feature is lost), a removed or deprecated one
 * a warning.
 */
export function checkConfigs(paths: string[], release: string | undefined, failOn: Severity, format: OutputFormat, io: CommandIo, tablesDir?: string): number {
  const tables = loadTables(tablesDir);
  const target = pickRelease(tables.unikraft, release);
  const migration = migrateConfig(paths.map(readConfigFile), tables, target);
  io.stdout(emitMigration(migration, format));
  const worst = (s: Severity): number => SEVERITIES.indexOf(s);
  const failing = migration.items.filter((i) => worst(i.severity) <= worst(failOn));
  if (format !== 'text') io.stderr(`ukport check: ${failing.length} failing (fail-on ${failOn}) against Unikraft ${target.release}\n`);
  return failing.length ? EXIT_GATE_FAILED : EXIT_OK;
}
