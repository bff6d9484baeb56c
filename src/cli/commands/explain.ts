import { EXIT_OK, type Command, type CommandIo, type OptionValues } from '../command.js';
import { UkportError } from '../../errors.js';
import type { Tables } from '../../model/index.js';
import { loadRules, type ArgCond, type Names, type Rule, type When } from '../../data/rules.js';
import { loadPatches } from '../../data/patches.js';
import { loadTables } from '../../data/tables.js';
import { lookupSyscall, partialSourceText, type SyscallRow } from '../../data/table-lookup.js';

const HELP = `Usage: ukport explain RULE-ID|SYSCALL [--tables DIR]

For a rule: its summary, why it matters on Unikraft, what it matches and the remedy.
For a syscall: which micro-library provides it in each Unikraft release, since when, the libc
ports that wrap it, and the rules that mention it.
`;

const names = (n: Names | undefined): string => (n === undefined ? 'any' : Array.isArray(n) ? n.join('|') : n);

function describeArgs(args: ArgCond[] | undefined): string {
  return (args ?? []).map((a) => ` arg${a.index}${a.is ? ` is ${names(a.is)}` : ''}${a.hasFlag ? ` has ${a.hasFlag}` : ''}${a.lacksFlag ? ` lacks ${a.lacksFlag}` : ''}`).join(',');
}

/** One-line rendering of a `when` tree. */
export function describeWhen(w: When): string {
  if ('all' in w) return w.all.map((x) => ('any' in x ? `(${describeWhen(x)})` : describeWhen(x))).join(' and ');
  if ('any' in w) return w.any.map(describeWhen).join(' or ');
  if ('not' in w) return `not (${describeWhen(w.not)})`;
  if ('syscall' in w) {
    const c = w.syscall;
    return `syscall ${names(c.name)}${c.except ? ` except ${names(c.except)}` : ''}${c.status ? ` with status ${c.status.join('|')}` : ''}${c.class ? ` (${c.class})` : ''}${describeArgs(c.args)}`;
  }
  if ('symbol' in w) {
    const c = w.symbol;
    return `libc call ${names(c.name)}${c.except ? ` except ${names(c.except)}` : ''}${c.missingIn ? ' missing in the chosen libc' : ''}${describeArgs(c.args)}`;
  }
  if ('header' in w) {
    const c = w.header;
    return `header ${c.prefix ? `${c.prefix}*` : names(c.name)}${c.absentIn ? ' absent from the chosen libc' : ''}`;
  }
  if ('library' in w) return `library ${w.library.soname ?? 'any'}${w.library.version ? ` version ${w.library.version}` : ''}${w.library.port ? ` with port ${w.library.port}` : ''}`;
  if ('unknown' in w) return `unresolved ${names(w.unknown.reason)}`;
  if ('string' in w) return `string /${w.string.pattern}/`;
  if ('libc' in w) return `libc ${names(w.libc)}`;
  if ('mode' in w) return `${w.mode} mode`;
  if ('module' in w) return `${w.module.language ?? ''} module ${names(w.module.name)}${w.module.member ? `.${names(w.module.member)}` : ''}${w.module.feature ? ` needing ${names(w.module.feature)}` : ''}${w.module.inPort === false ? ' not built into the port' : ''}`.trim();
  if ('unikraft' in w) return `the release has ${[w.unikraft.library, w.unikraft.kconfig && `CONFIG_${w.unikraft.kconfig}`].filter(Boolean).join(' and ')}`;
  return `${w.coverage.syscall} is ${w.coverage.status.join('|')} in the release`;
}

/** Syscall and function names a rule's `when` names positively. */
function namedIn(w: When): string[] {
  if ('all' in w) return w.all.flatMap(namedIn);
  if ('any' in w) return w.any.flatMap(namedIn);
  if ('syscall' in w || 'symbol' in w) {
    const n = 'syscall' in w ? w.syscall.name : w.symbol.name;
    return n === undefined ? [] : Array.isArray(n) ? n : [n];
  }
  return [];
}

function wrap(text: string, indent = '  ', width = 98): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) { out.push(indent + line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out.join('\n');
}

function explainRule(r: Rule): string {
  const patches = loadPatches();
  const lines = [`${r.id} (${r.severity})`, r.summary, '', 'Why:', wrap(r.why), '', 'Matches:', wrap(describeWhen(r.when)), '', `Message: ${r.message}`, '', 'Remedy:'];
  if (r.remedy.libraries?.length) lines.push(`  libraries: ${r.remedy.libraries.join(', ')}`);
  if (r.remedy.kconfig?.length) lines.push(`  kconfig:   ${r.remedy.kconfig.join(', ')}`);
  if (r.remedy.libc) lines.push(`  libc:      ${r.remedy.libc}`);
  if (r.remedy.patch) lines.push(`  patch:     ${r.remedy.patch} (${patches.get(r.remedy.patch)?.subject ?? 'missing template'}); run 'ukport patch PATH --out DIR'`);
  if (r.remedy.compatStub) lines.push('  stub:      a compat micro-library stub is acceptable');
  if (r.remedy.text) lines.push(wrap(r.remedy.text));
  return `${lines.join('\n')}\n`;
}

function rowText(r: SyscallRow): string {
  const c = r.coverage;
  const partial = partialSourceText(r);
  const mark = partial ? `  [partial: ${partial}]` : '';
  if (!c || c.status === 'missing') return `missing${mark}`;
  const where = c.library ? ` in ${c.library}${c.kconfig ? ` (CONFIG_${c.kconfig.replace(/^CONFIG_/, '')})` : ''}` : '';
  const alt = c.alternatives?.length ? `; also ${c.alternatives.map((x) => x.library).join(', ')}` : '';
  return `${c.status}${where}${c.status === 'stub' && c.stub ? `: ${c.stub}` : ''}${alt}${mark}`;
}

function explainSyscall(name: string, tables: Tables, rules: Rule[]): string | undefined {
  const a = lookupSyscall(tables, name);
  if (!a) return undefined;
  const nrs = Object.entries(a.linux).map(([arch, nr]) => `${arch} ${nr}`).join(', ');
  const lines = [`${name}${nrs ? ` (Linux syscall: ${nrs})` : ''}`];
  const latest = a.rows[a.rows.length - 1];
  if (a.since) {
    const c = a.rows.find((r) => r.release === a.since)?.coverage;
    lines.push(`Unikraft: provided since ${a.since}${c?.library ? ` by ${c.library}` : ''}; ${latest ? `${latest.release}: ${rowText(latest)}` : ''}`);
  } else lines.push(`Unikraft: not provided by the newest release${latest ? ` (${latest.release})` : ''}`);
  lines.push('', 'Per release:');
  // consecutive releases with the same answer share a line
  for (let i = 0; i < a.rows.length;) {
    let j = i;
    while (j + 1 < a.rows.length && rowText(a.rows[j + 1]!) === rowText(a.rows[i]!)) j++;
    const span = i === j ? a.rows[i]!.release : `${a.rows[i]!.release} – ${a.rows[j]!.release}`;
    lines.push(`  ${span.padEnd(20)} ${rowText(a.rows[i]!)}`);
    i = j + 1;
  }
  const partial = a.rows.filter((r) => r.partialBasis);
  if (partial.length) {
    lines.push('', `Partial: ${partial.map((r) => r.release).join(', ')} are not read from their release trees (none is reachable here): each`,
      `entry comes from a release note line, an indexed file at a commit, or is carried over from ${partial[0]!.partialBasis} (syscall-tables/README.md).`);
  }
  if (a.libc.length) lines.push('', `libc: ${a.libc.map((l) => `${l.target} ${l.version}${l.built ? '' : ' (declared, not built)'}`).join(', ')}`);
  if (a.prior) lines.push(`Loupe: ${a.prior.apps} apps, stubbing worked for ${a.prior.stubOk}, faking for ${a.prior.fakeOk}`);
  const related = rules.filter((r) => namedIn(r.when).includes(name));
  if (related.length) lines.push('', 'Rules:', ...related.map((r) => `  ${r.id}: ${r.summary}`));
  return `${lines.join('\n')}\n`;
}

async function runExplain(values: OptionValues, args: string[], io: CommandIo): Promise<number> {
  if (args.length !== 1) throw new UkportError('usage', 'explain: give one RULE-ID or SYSCALL');
  const q = args[0]!;
  const rules = loadRules();
  const rule = rules.find((r) => r.id === q);
  if (rule) { io.stdout(explainRule(rule)); return EXIT_OK; }
  const dir = typeof values['tables'] === 'string' ? values['tables'] : undefined;
  const text = explainSyscall(q, loadTables(dir), rules);
  if (text) { io.stdout(text); return EXIT_OK; }
  const near = rules.map((r) => r.id).filter((id) => id.includes(q) || q.includes(id.split('-')[0]!));
  throw new UkportError('usage', `explain: '${q}' is neither a rule id nor a Linux syscall${near.length ? ` (rules: ${near.slice(0, 5).join(', ')})` : ''}`);
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain a porting rule, or where Unikraft provides a syscall',
  help: HELP,
  options: { tables: { type: 'string' } },
  positionals: true,
  run: runExplain,
};
