import type { Finding } from '../model/index.js';
import type { PatchTemplate } from '../data/patches.js';
import { callArgs, callSpan, codeOnly, ensureInclude, failedCall, fill, underUnikraftConditional, type PatchSite } from './patch-sites.js';
import type { EditedFile } from './unified-diff.js';

const OPEN_LIKE = 'fopen|freopen|open|open64|openat|creat|access|stat|lstat|opendir|readlink|realpath';
const UNIX = ['AF_UNIX', 'AF_LOCAL', 'PF_UNIX', 'PF_LOCAL'];
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\>-]/g, '\\$&');

/** Evidence positions of the finding's facts in files we have the text of. */
function positions(finding: Finding, sources: ReadonlyMap<string, string>, pick: (f: Finding['facts'][number]) => string | null) {
  const out: { file: string; line: number; column: number; name: string; fact: Finding['facts'][number] }[] = [];
  for (const fact of finding.facts) {
    const name = pick(fact);
    if (name === null) continue;
    for (const ev of fact.evidence) {
      const loc = ev.location;
      if (loc && sources.has(loc.file)) out.push({ file: loc.file, line: loc.line, column: loc.column, name, fact });
    }
  }
  return out;
}

function guardCall(t: PatchTemplate, finding: Finding, sources: ReadonlyMap<string, string>): PatchSite[] {
  const calls = t.calls ?? [];
  return positions(finding, sources, (f) => (f.kind === 'symbol' && f.role === 'call' && calls.includes(f.name) ? f.name : null)).map((p) => ({
    template: t, ruleId: finding.ruleId, file: p.file, line: p.line, name: p.name, values: {},
    apply(f: EditedFile): boolean {
      const i = p.line - 1;
      const text = f.lines[i];
      if (text === undefined || f.isReplaced(i) || underUnikraftConditional(f.lines, i)) return false;
      const span = callSpan(text, p.name, p.column - 1);
      if (!span) return false;
      f.replace(i, fill(t.template, { replaced: failedCall(text, span, p.name), original: text, rule: finding.ruleId, name: p.name }).split('\n'));
      for (const h of t.includes ?? []) ensureInclude(f, h);
      return true;
    },
  }));
}

/** Every line using one of DECLARES must be a single-line call of one of them: returns those calls, or null. */
function declaredCalls(f: EditedFile, skip: number, declares: readonly string[]): { index: number; span: [number, number]; name: string }[] | null {
  const re = new RegExp(`\\b(${declares.map((d) => (d.endsWith('*') ? `${escape(d.slice(0, -1))}\\w*` : escape(d))).join('|')})\\b`, 'g');
  const out: { index: number; span: [number, number]; name: string }[] = [];
  for (let i = 0; i < f.lines.length; i++) {
    if (i === skip) continue;
    const code = codeOnly(f.lines[i]!);
    const hits = [...code.matchAll(re)];
    if (hits.length === 0) continue;
    if (/^\s*#/.test(code) || f.isReplaced(i)) return null;
    const call = hits.map((h) => ({ name: h[1]!, span: callSpan(f.lines[i]!, h[1]!, h.index) })).find((c) => c.span && c.span[0] === hits[0]!.index);
    if (!call?.span || hits.some((h) => h.index! < call.span![0] || h.index! >= call.span![1])) return null;
    out.push({ index: i, span: call.span, name: call.name });
  }
  return out;
}

function guardHeader(t: PatchTemplate, finding: Finding, sources: ReadonlyMap<string, string>): PatchSite[] {
  return positions(finding, sources, (f) => (f.kind === 'header' && t.headers?.[f.name] ? f.name : null)).map((p) => ({
    template: t, ruleId: finding.ruleId, file: p.file, line: p.line, name: p.name, values: { header: p.name },
    apply(f: EditedFile): boolean {
      const i = p.line - 1;
      const text = f.lines[i];
      const spec = t.headers![p.name]!;
      if (text === undefined || f.isReplaced(i) || underUnikraftConditional(f.lines, i)) return false;
      if (!new RegExp(`^\\s*#\\s*include\\s*<${escape(p.name)}>`).test(text)) return false;
      if (spec.replaceWith) {
        f.replace(i, [text.replace(`<${p.name}>`, `<${spec.replaceWith}>`)]);
        return true;
      }
      // guard only when every use is a call we can turn into an error return
      const uses = declaredCalls(f, i, spec.declares ?? []);
      if (!uses || !t.callTemplate) return false;
      f.replace(i, fill(t.template, { original: text }).split('\n'));
      for (const u of uses) {
        const line = f.lines[u.index]!;
        f.replace(u.index, fill(t.callTemplate, { replaced: failedCall(line, u.span, u.name), original: line, rule: finding.ruleId, header: p.name }).split('\n'));
      }
      if (uses.length) for (const h of t.includes ?? []) ensureInclude(f, h);
      return true;
    },
  }));
}

function envName(path: string): string {
  const base = path.split('/').pop() ?? path;
  return `${base.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase()}_PATH`;
}

function pathOverride(t: PatchTemplate, finding: Finding, sources: ReadonlyMap<string, string>): PatchSite[] {
  return positions(finding, sources, (f) => (f.kind === 'string' ? f.value : null)).map((p) => {
    const env = envName(p.name);
    return {
      template: t, ruleId: finding.ruleId, file: p.file, line: p.line, name: p.name, values: { env },
      apply(f: EditedFile): boolean {
        const i = p.line - 1;
        const text = f.lines[i];
        const literal = `"${p.name}"`;
        if (text === undefined || f.isReplaced(i) || !text.includes(literal) || /\bgetenv\b/.test(text)) return false;
        const define = new RegExp(`^\\s*#\\s*define\\s+(\\w+)\\s+${escape(literal)}\\s*$`).exec(text);
        if (define) {
          // the macro may only be used as a path argument, where an expression is fine
          const use = new RegExp(`\\b${define[1]}\\b`);
          const asArg = new RegExp(`\\b(${OPEN_LIKE})\\s*\\([^;]*\\b${define[1]}\\b`);
          if (f.lines.some((l, j) => j !== i && use.test(codeOnly(l)) && !asArg.test(l))) return false;
        } else if (!new RegExp(`\\b(${OPEN_LIKE})\\s*\\(\\s*${escape(literal)}`).test(text)) return false;
        f.replace(i, [text.replace(literal, fill(t.template, { env, literal }))]);
        for (const h of t.includes ?? []) ensureInclude(f, h);
        return true;
      },
    };
  });
}

const READ_END_BAD = new Set(['write', 'send', 'sendto', 'sendmsg', 'recv', 'recvfrom', 'recvmsg', 'shutdown', 'setsockopt', 'getsockopt', 'getpeername', 'getsockname']);

/** The fd pair is only a wake-up channel: [1] written, [0] read or polled, nothing socket-specific. */
function wakeupOnly(lines: readonly string[], skip: number, name: string): boolean {
  const re = new RegExp(`${/^\w/.test(name) ? '\\b' : ''}${escape(name)}\\b(\\s*\\[\\s*([012])\\s*\\])?`, 'g');
  let reads = 0;
  let writes = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i === skip) continue;
    const code = codeOnly(lines[i]!);
    for (const m of code.matchAll(re)) {
      if (m[2] === undefined) return false;
      // the declaration `int fds[2];`
      if (m[2] === '2') { if (!/\bint\b/.test(code)) return false; continue; }
      const callee = /(\w+)\s*\(\s*$/.exec(code.slice(0, m.index))?.[1];
      if (m[2] === '1') {
        if (callee === 'write') writes++;
        else if (callee !== 'close' && callee !== 'fcntl') return false;
      } else if (callee === 'read') reads++;
      else if (callee !== undefined && READ_END_BAD.has(callee)) return false;
    }
  }
  return reads > 0 && writes > 0;
}

function socketpairPipe(t: PatchTemplate, finding: Finding, sources: ReadonlyMap<string, string>): PatchSite[] {
  const sites = positions(finding, sources, (f) => (f.kind === 'symbol' && f.name === 'socketpair' && f.role === 'call' && UNIX.includes(f.args?.[0] ?? '') ? 'socketpair' : null));
  return sites.flatMap((p) => {
    const text = sources.get(p.file)!.split('\n')[p.line - 1] ?? '';
    const span = callSpan(text, 'socketpair', p.column - 1);
    const fds = span ? callArgs(text, span)[3] : undefined;
    if (!span || !fds || !/^[A-Za-z_][\w.>-]*$/.test(fds)) return [];
    return [{
      template: t, ruleId: finding.ruleId, file: p.file, line: p.line, name: fds, values: {},
      apply(f: EditedFile): boolean {
        const i = p.line - 1;
        if (f.lines[i] !== text || f.isReplaced(i) || underUnikraftConditional(f.lines, i) || !wakeupOnly(f.lines, i, fds)) return false;
        const replaced = text.slice(0, span[0]) + `pipe(${fds})` + text.slice(span[1]);
        f.replace(i, fill(t.template, { replaced, original: text, rule: finding.ruleId, name: fds }).split('\n'));
        for (const h of t.includes ?? []) ensureInclude(f, h);
        return true;
      },
    }];
  });
}

/** Candidate sites of a finding's patch template; each still checks the text when applied. */
export function findPatchSites(t: PatchTemplate, finding: Finding, sources: ReadonlyMap<string, string>): PatchSite[] {
  switch (t.kind) {
    case 'guard-call': return guardCall(t, finding, sources);
    case 'guard-header': return guardHeader(t, finding, sources);
    case 'path-override': return pathOverride(t, finding, sources);
    case 'socketpair-pipe': return socketpairPipe(t, finding, sources);
  }
}
