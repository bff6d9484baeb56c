/** One requirement: a distribution the app asks for, as a pip requirements line or a PEP 508 string states it. */
export interface Requirement {
  name: string;
  extras: string[];
  /** Version specifiers (`>=10,<11`, `==1.26.27`), or `@ URL` for a direct reference; empty when unconstrained. */
  spec: string;
  /** Environment marker after `;` (`python_version < "3.11"`), when any. */
  marker?: string;
  line: number;
}

/** What a requirements file says: requirements, the files it includes (`-r`) or constrains with (`-c`), and lines it could not read. */
export interface RequirementsFile {
  requirements: Requirement[];
  includes: { file: string; line: number; constraints: boolean }[];
  problems: { line: number; text: string }[];
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/;

/** Parses one PEP 508 requirement string (`Pillow[extra]>=10; python_version>"3.8"`); undefined when it is not one. */
export function parsePep508(text: string, line = 0): Requirement | undefined {
  const [head, ...markerParts] = text.split(';');
  const m = NAME.exec(head!.trim());
  if (!m) return undefined;
  let spec = m[3]!.trim();
  if (spec.startsWith('(') && spec.endsWith(')')) spec = spec.slice(1, -1).trim();
  // what follows the name must be specifiers or a direct reference, not more words
  if (spec && !/^(?:@\s*\S+|(?:[<>=!~]=?|===)\s*[\w.*+!-]+(?:\s*,\s*(?:[<>=!~]=?|===)\s*[\w.*+!-]+)*)$/.test(spec)) return undefined;
  const marker = markerParts.join(';').trim();
  const extras = (m[2] ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  return { name: m[1]!, extras, spec: spec.replace(/\s+/g, ''), ...(marker ? { marker } : {}), line };
}

/** The distribution name of a URL or path requirement (`git+https://…#egg=name`, `…/name-1.0.tar.gz`), when it shows one. */
function nameOfReference(ref: string): string | undefined {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(ref)?.[1];
  if (egg) return egg;
  const file = /([A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*\.(?:whl|tar\.gz|zip)$/.exec(ref)?.[1];
  return file;
}

/**
 * Reads a pip requirements file: one requirement per logical line (`\` continues a line, ` #` starts a comment),
 * `-r`/`--requirement` and `-c`/`--constraint` includes, `-e`/URL requirements named by `#egg=`; per-requirement
 * options (`--hash=…`) are dropped and global options (`--index-url`, `--find-links`) ignored.
 */
export function parseRequirements(text: string): RequirementsFile {
  const out: RequirementsFile = { requirements: [], includes: [], problems: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = lines[i]!;
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = logical.slice(0, -1) + ' ' + lines[++i]!;
    const stripped = logical.replace(/(^|\s)#.*$/, '').trim();
    if (!stripped) continue;
    const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)/.exec(stripped);
    if (include) { out.includes.push({ file: include[2]!, line: start, constraints: include[1]!.startsWith('-c') || include[1] === '--constraint' }); continue; }
    const editable = /^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)/.exec(stripped);
    if (editable) {
      const name = nameOfReference(editable[1]!);
      if (name) out.requirements.push({ name, extras: [], spec: `@${editable[1]!}`, line: start });
      else out.problems.push({ line: start, text: stripped });
      continue;
    }
    if (stripped.startsWith('-')) continue; // a global option
    const body = stripped.replace(/\s--[a-z-]+(?:[=\s]\S+)?/g, '').trim();
    if (/^(?:[a-z+]+:\/\/|\.{0,2}\/)/.test(body)) {
      const name = nameOfReference(body);
      if (name) out.requirements.push({ name, extras: [], spec: `@${body}`, line: start });
      else out.problems.push({ line: start, text: stripped });
      continue;
    }
    const req = parsePep508(body, start);
    if (req) out.requirements.push(req);
    else out.problems.push({ line: start, text: stripped });
  }
  return out;
}
