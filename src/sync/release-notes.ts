import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UkportError } from '../errors.js';
import { readGitInfo } from './git-provenance.js';

/** One line of a release document that says something about the release. */
export interface NoteLine {
  /** 1-based line number in the document. */
  line: number;
  text: string;
  /** Libraries the line cites: `lib/posix-process`, `libposix-fdio`, `[app-elfloader]`, `lib/{ukfile, posix-socket}`. */
  libraries: string[];
  /** Lower-case words of the line (backticks and punctuation dropped), for name and keyword matching. */
  words: string[];
  /** Names the line spells as code: backticked (`vfork`, `signalfd`/`signalfd4`) or called (`brk()`, `clone(2)`). */
  named: string[];
  /** The section heading the line sits under (`New Features`, `Bug Fixes & Improvements`, `COMPATIBILITY NOTICE`). */
  section: string;
}

/** A Kconfig option a release renamed, merged, replaced or deprecated, as its release notes say. */
export interface KconfigChangeNote {
  kind: 'renamed' | 'deprecated';
  /** Old symbols (without CONFIG_). */
  from: string[];
  /** What replaces them, when anything does. */
  to?: string;
  line: number;
  text: string;
}

/** One release's document: `content/releases/vX.Y.Z.mdx` of unikraft/docs, or a blog post about one release. */
export interface ReleaseNote {
  /** `v0.19.0`. */
  release: string;
  /** Release date from the front matter (YYYY-MM-DD). */
  date: string;
  /** Full release commit id from the front matter (release notes only). */
  commit?: string;
  codename?: string;
  /** Path inside the docs repository. */
  path: string;
  lines: NoteLine[];
  kconfigChanges: KconfigChangeNote[];
}

/** The docs checkout the notes came from. */
export interface ReleaseNotes {
  repo: string;
  commit: string;
  notes: ReleaseNote[];
  /** Blog posts that describe one release's feature in detail (front matter names the release). */
  posts: ReleaseNote[];
}

const DOCS_REPO = 'https://github.com/unikraft/docs';

function frontMatter(text: string): { fields: Record<string, string>; bodyStart: number } {
  const lines = text.split(/\r?\n/);
  const fields: Record<string, string> = {};
  if (lines[0]?.trim() !== '---') return { fields, bodyStart: 0 };
  let i = 1;
  for (; i < lines.length && lines[i]!.trim() !== '---'; i++) {
    const m = /^([A-Za-z]+):\s*(.*)$/.exec(lines[i]!);
    if (m) fields[m[1]!] = m[2]!.replace(/^["']|["']$/g, '').trim();
  }
  return { fields, bodyStart: i + 1 };
}

/** Library names a line cites: `lib/posix-process` → posix-process, `libposix-fdio` → posix-fdio,
 *  `lib/{ukfile, posix-socket}` → both, `[app-elfloader]` → app-elfloader, `[lib-lwip]` → lwip,
 *  `drivers/virtio/fs` as written; a bare backticked name (`posix-vfs`) counts when it looks like a library. */
export function citedLibraries(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const tok = m[1]!.replace(/:$/, '').trim();
    const bracket = /^\[([a-z0-9-]+)\]$/.exec(tok);
    if (bracket) {
      out.add(bracket[1]!.replace(/^lib-/, ''));
      continue;
    }
    const group = /^(lib|drivers|plat|arch)\/\{([^}]+)\}$/.exec(tok);
    if (group) {
      for (const g of group[2]!.split(',')) out.add(libraryName(`${group[1]}/${g.trim()}`));
      continue;
    }
    if (/^(lib|drivers|plat|arch)\/[a-z0-9_/-]+$/.test(tok)) out.add(libraryName(tok));
    else if (/^lib[a-z][a-z0-9_-]*$/.test(tok) && !/^libc?$/.test(tok)) out.add(tok.slice(3).replace(/^syscall-shim$/, 'syscall_shim'));
    else if (/^(posix|uk|vfs)[a-z0-9_-]*$/.test(tok) || /^app-[a-z0-9-]+$/.test(tok)) out.add(tok);
  }
  return [...out];
}

/** Table library name of a tree path: lib/posix-vfs → posix-vfs; other tops keep their path. */
function libraryName(path: string): string {
  const p = path.replace(/\/+$/, '').replace(/\/\*$/, '');
  return p.startsWith('lib/') ? p.slice(4).replace(/^syscall-shim$/, 'syscall_shim') : p;
}

/** Code-spelled names of a line: backticked tokens split on `&`, `,` and spaces (paths such as `lib/x` are no names),
 *  and `name()` / `name(2)` calls. */
function namedTokens(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    for (const t of m[1]!.split(/[\s&,]+/)) {
      const n = /^([a-z_][a-z0-9_]*)(?:\(\d?\))?$/.exec(t.trim());
      if (n) out.add(n[1]!);
    }
  }
  for (const m of text.matchAll(/\b([a-z_][a-z0-9_]*)\(\d?\)/g)) out.add(m[1]!);
  return [...out];
}

const CONFIG = /`?CONFIG_([A-Z0-9_]+)`?/g;

/** Kconfig renames and deprecations the notes spell out (v0.19.0's breaking changes, v0.20.0's compatibility notice). */
function kconfigChanges(line: number, text: string): KconfigChangeNote[] {
  const syms = [...text.matchAll(CONFIG)].map((m) => m[1]!);
  if (syms.length === 0) return [];
  const lower = text.toLowerCase();
  // "X and Y are merged into a single option, Z" / "X is replaced by Z" / "using X should now use Z"
  const renamed = /merged into|replaced by|renamed to|should now use|superseded by/.exec(lower);
  if (renamed && syms.length >= 2) return [{ kind: 'renamed', from: syms.slice(0, -1), to: syms[syms.length - 1]!, line, text }];
  if (/deprecated|removed/.test(lower)) return [{ kind: 'deprecated', from: syms, line, text }];
  return [];
}

/** Parses one release document. */
export function parseReleaseNote(text: string, path: string, release?: string): ReleaseNote | undefined {
  const { fields, bodyStart } = frontMatter(text);
  const version = release ?? (fields['version'] ? `v${fields['version']}` : undefined);
  if (!version) return undefined;
  const date = fields['releaseDate'] ?? fields['publishedDate'] ?? '';
  const note: ReleaseNote = { release: version, date, path, lines: [], kconfigChanges: [] };
  if (fields['commit'] && /^[0-9a-f]{40}$/.test(fields['commit'])) note.commit = fields['commit'];
  if (fields['codename']) note.codename = fields['codename'];
  const lines = text.split(/\r?\n/);
  let section = '';
  for (let i = bodyStart; i < lines.length; i++) {
    const raw = lines[i]!;
    const heading = /^#+\s*(.*)$/.exec(raw) ?? /<Warning title="([^"]+)"/.exec(raw) ?? /\*\*([A-Z ]+NOTICE):?\*\*/.exec(raw);
    if (heading) section = heading[1]!.replace(/[^\w &'-]/g, '').trim();
    const body = raw.replace(/^\s*(?:[-*]|\d+\.)\s+/, '').trim();
    if (!body || body.startsWith('<') || body === '---') continue;
    note.kconfigChanges.push(...kconfigChanges(i + 1, body));
    const libraries = citedLibraries(body);
    const plain = body.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const words = plain.toLowerCase().split(/[^a-z0-9_]+/).filter(Boolean);
    note.lines.push({ line: i + 1, text: body, libraries, words, named: namedTokens(plain), section });
  }
  return note;
}

/** A blog post about one release names it in its front matter's title or description (`Unikraft releases
 *  v0.20.0`, `introduced in Unikraft 0.19.0`); its `lib*` tags are the libraries its lines speak of. */
function postRelease(text: string, releases: Set<string>): { release: string; tags: string[] } | undefined {
  const end = text.indexOf('\n---', 4);
  const head = end > 0 ? text.slice(0, end) : '';
  const m = /(?:releases|introduced in Unikraft)\s+v?(\d+\.\d+\.\d+)/i.exec(head);
  if (!m || !releases.has(`v${m[1]}`)) return undefined;
  const tags = [...head.matchAll(/^-\s*lib([a-z][a-z0-9-]*)\s*$/gm)].map((t) => t[1]!);
  return { release: `v${m[1]}`, tags };
}

/** Reads `content/releases/v*.mdx` (and blog posts about one release) from a unikraft/docs checkout. */
export function readReleaseNotes(docs: string): ReleaseNotes {
  const dir = join(docs, 'content', 'releases');
  if (!existsSync(dir)) throw new UkportError('unsupported-input', 'no content/releases: not a unikraft/docs checkout', docs);
  const notes: ReleaseNote[] = [];
  for (const f of readdirSync(dir).filter((n) => /^v\d+\.\d+\.\d+\.mdx$/.test(n)).sort()) {
    const n = parseReleaseNote(readFileSync(join(dir, f), 'utf8'), `content/releases/${f}`);
    if (n) notes.push(n);
  }
  const releases = new Set(notes.map((n) => n.release));
  const posts: ReleaseNote[] = [];
  const blog = join(docs, 'content', 'blog');
  if (existsSync(blog)) {
    for (const f of readdirSync(blog).filter((n) => n.endsWith('.mdx')).sort()) {
      const text = readFileSync(join(blog, f), 'utf8');
      const about = postRelease(text, releases);
      const post = about ? parseReleaseNote(text, `content/blog/${f}`, about.release) : undefined;
      if (!post) continue;
      // a line that cites no library speaks of the post's subject libraries (its tags)
      for (const l of post.lines) if (l.libraries.length === 0) l.libraries = about!.tags;
      posts.push(post);
    }
  }
  const info = readGitInfo(docs);
  return { repo: DOCS_REPO, commit: info?.commit ?? 'unknown', notes, posts };
}

/** The release whose notes name COMMIT as its release commit. */
export function releaseOfCommit(notes: ReleaseNotes, commit: string): ReleaseNote | undefined {
  return notes.notes.find((n) => n.commit === commit);
}
