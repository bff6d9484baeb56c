import { posix } from 'node:path';
import type { Finding } from '../model/index.js';
import type { PatchTemplate } from '../data/patches.js';
import { findPatchSites } from './patch-finders.js';
import { fill, type PatchSite } from './patch-sites.js';
import { diffHunks, EditedFile } from './unified-diff.js';
import { escapeControls } from './terminal-safe.js';

/** What the patch-set emitter needs: findings with source evidence and the texts of those sources. */
export interface PatchSetInput {
  findings: readonly Finding[];
  /** Source texts keyed by the path used in the facts' evidence. */
  sources: ReadonlyMap<string, string>;
  /** Directory the diff paths are relative to; files outside it are never patched. */
  root: string;
  templates: ReadonlyMap<string, PatchTemplate>;
  /** Rule id → one-line summary, cited in each commit message. */
  summaries: ReadonlyMap<string, string>;
  version: string;
}

/** A patch of the series before numbering. */
interface Commit {
  site: PatchSite;
  path: string;
  hunks: string[];
  /** The site's line in the file as the patch finds it (after the earlier patches). */
  line: number;
}

/** `Guard fork() in net.c` → `guard-fork-in-net-c` (git format-patch style, at most 52 chars). */
function slug(subject: string): string {
  return subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 52).replace(/-+$/, '');
}

/** Path of FILE relative to ROOT with / separators, or null when it is outside ROOT. */
function relativeTo(root: string, file: string): string | null {
  const rel = posix.relative(posix.normalize(root.replace(/\\/g, '/')), posix.normalize(file.replace(/\\/g, '/')));
  return rel === '' || rel.startsWith('..') || posix.isAbsolute(rel) ? null : rel;
}

/**
 * A path as git writes it in `diff --git`, `---` and `+++` lines: quoted with C escapes when it holds a control
 * character, a quote, a backslash or a non-ASCII byte (core.quotePath), so a newline in a file name cannot start a
 * header of its own.
 */
export function gitQuotePath(path: string): string {
  if (!/[\0-\x1f"\\\x7f-\uffff]/.test(path)) return path;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
  let out = '';
  for (const b of Buffer.from(path, 'utf8')) out += named[b] ?? (b < 0x20 || b >= 0x7f ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b));
  return `"${out}"`;
}

function formatPatch(c: Commit, n: number, total: number, input: PatchSetInput): string {
  // what fills the subject and the message comes from the scanned tree: one line each, controls shown escaped
  const raw = { ...c.site.values, name: c.site.name, file: c.path, line: String(c.line), rule: c.site.ruleId, summary: input.summaries.get(c.site.ruleId) ?? c.site.ruleId };
  const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, escapeControls(v)]));
  const subject = fill(c.site.template.subject, values);
  const body = fill(c.site.template.explanation, values);
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: ukport <ukport@localhost>',
    'Date: Thu, 1 Jan 1970 00:00:00 +0000',
    `Subject: [PATCH ${n}/${total}] ${subject}`,
    '',
    body,
    '',
    `Rule: ${c.site.ruleId} (see \`ukport explain ${c.site.ruleId}\`)`,
    `Template: patches/${c.site.template.id}`,
    '---',
    '',
    `diff --git ${gitQuotePath(`a/${c.path}`)} ${gitQuotePath(`b/${c.path}`)}`,
    `--- ${gitQuotePath(`a/${c.path}`)}`,
    `+++ ${gitQuotePath(`b/${c.path}`)}`,
    c.hunks.join('').replace(/\n$/, ''),
    '-- ',
    `ukport ${input.version}`,
    '',
  ].join('\n');
}

/**
 * Turns findings whose remedy names a patch template into a git format-patch series
 * (`0001-<slug>.patch` → content). Each patch applies on top of the previous ones; a site whose
 * text does not match the template's pattern (multi-line call, other uses of a header, an fd pair
 * used as a socket, already guarded) gets no patch.
 */
export function emitPatchSet(input: PatchSetInput): Map<string, string> {
  const sites: PatchSite[] = [];
  const seen = new Set<string>();
  for (const f of input.findings) {
    const t = f.remedy.patch ? input.templates.get(f.remedy.patch) : undefined;
    if (!t || !t.rules.includes(f.ruleId)) continue;
    for (const s of findPatchSites(t, f, input.sources)) {
      const key = `${t.id}\0${s.file}\0${s.line}\0${s.name}`;
      if (!seen.has(key)) { seen.add(key); sites.push(s); }
    }
  }
  sites.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.template.id.localeCompare(b.template.id)));
  const state = new Map<string, EditedFile>();
  const commits: Commit[] = [];
  for (const site of sites) {
    const path = relativeTo(input.root, site.file);
    const text = input.sources.get(site.file);
    // a file without a final newline would need "\ No newline" markers: left alone
    if (path === null || text === undefined || !text.endsWith('\n')) continue;
    const before = state.get(site.file) ?? new EditedFile(text);
    const after = before.clone();
    if (!site.apply(after)) continue;
    const hunks = diffHunks(before, after);
    if (hunks.length === 0) continue;
    state.set(site.file, after);
    commits.push({ site, path, hunks, line: before.renderedLine(site.line - 1) });
  }
  const out = new Map<string, string>();
  commits.forEach((c, i) => {
    const text = formatPatch(c, i + 1, commits.length, input);
    const subject = /^Subject: \[PATCH [^\]]*\] (.*)$/m.exec(text)![1]!;
    out.set(`${String(i + 1).padStart(4, '0')}-${slug(subject)}.patch`, text);
  });
  return out;
}
