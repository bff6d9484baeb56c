import type { Log, Result } from 'sarif';
import type { Migration } from '../data/config-migration.js';
import type { OutputFormat, Severity } from '../model/vocab.js';
import { TOOL_VERSION } from '../version.js';

/** Version of schema/kconfig-migration.schema.json. */
export const MIGRATION_SCHEMA_VERSION = '1.0.0';

const partialNote = (m: Migration): string =>
  m.partial ? `${m.target} is a partial table (built from release notes and indexed files, not its release tree): an option it does not list may still exist` : '';

function text(m: Migration): string {
  const out = m.items.map((i) => `${i.file}:${i.line}: ${i.severity}: ${i.message}`);
  const counts = ['error', 'warning', 'note'].map((s) => `${m.items.filter((i) => i.severity === s).length} ${s}`).join(', ');
  out.push(`ukport check: ${m.files.map((f) => `${f.path} (${f.options} options${f.release ? `, written for ${f.release}` : ''})`).join(', ')} against Unikraft ${m.target}: ${counts}`);
  if (m.partial) out.push(`note: ${partialNote(m)}`);
  return out.join('\n') + '\n';
}

function markdown(m: Migration): string {
  const rows = m.items.map((i) => `| \`${i.file}:${i.line}\` | ${i.severity} | \`${i.symbol}\` | ${i.kind} | ${i.to ? `\`${i.to}\`` : ''} | ${i.message.replace(/\|/g, '\\|')} |`);
  return [`# Kconfig migration to Unikraft ${m.target}`, '', ...(m.partial ? [`> ${partialNote(m)}`, ''] : []),
    '| where | severity | option | change | replacement | detail |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', note: 'note' };

function sarif(m: Migration): string {
  const rules = [...new Set(m.items.map((i) => `kconfig-${i.kind}`))].map((id) => ({ id, shortDescription: { text: `Kconfig option ${id.slice(8).replace('-', ' ')} in Unikraft ${m.target}` } }));
  const log: Log = {
    version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'ukport', version: TOOL_VERSION, informationUri: 'https://github.com/unikraft/ukport', rules } },
      results: m.items.map((i) => ({
        ruleId: `kconfig-${i.kind}`, level: LEVEL[i.severity], message: { text: i.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(i.file.replace(/^\.\//, '')) }, region: { startLine: i.line } } }],
        ...(m.partial ? { properties: { partialTable: m.target } } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** The migration in one output format; JSON validates against schema/kconfig-migration.schema.json. */
export function emitMigration(m: Migration, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify({ schemaVersion: MIGRATION_SCHEMA_VERSION, tool: { name: 'ukport', version: TOOL_VERSION }, ...m }, null, 2) + '\n';
  if (format === 'markdown') return markdown(m);
  if (format === 'sarif') return sarif(m);
  return text(m);
}
