/** Parsed YAML-subset value. */
export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

interface Line { indent: number; text: string; no: number }

/**
 * Reads the YAML subset ukport writes (src/emit/yaml-subset.ts): `#` comment lines, 2-space block indentation,
 * `key: <json scalar>`, `key:` + nested block, `key: []` / `{}`, `- <json scalar>` and `- key: …` sequence items.
 * Anything else throws, so a writer bug cannot slip through as a lenient parse.
 */
export function readYamlSubset(text: string): Value {
  const lines: Line[] = text.split('\n').map((raw, i) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim(), no: i + 1 }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  let pos = 0;
  const scalar = (s: string, no: number): Value => {
    if (s === '[]') return [];
    if (s === '{}') return {};
    try { return JSON.parse(s) as Value; } catch { throw new Error(`line ${no}: not a JSON scalar: ${s}`); }
  };
  const keyOf = (s: string, no: number): [string, string] => {
    const m = /^("(?:[^"\\]|\\.)*"|[A-Za-z0-9_][A-Za-z0-9_./-]*):(?: (.*))?$/.exec(s);
    if (!m) throw new Error(`line ${no}: expected key: value, got ${s}`);
    return [m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!, m[2] ?? ''];
  };
  const block = (indent: number): Value => {
    const first = lines[pos];
    if (!first || first.indent !== indent) throw new Error(`line ${first?.no ?? 'EOF'}: expected a block at indent ${indent}`);
    if (first.text.startsWith('- ') || first.text === '-') {
      const out: Value[] = [];
      while (pos < lines.length && lines[pos]!.indent === indent && lines[pos]!.text.startsWith('- ')) {
        const l = lines[pos]!;
        const rest = l.text.slice(2);
        if (/^("|-?\d|\[|\{|true|false|null)/.test(rest)) { out.push(scalar(rest, l.no)); pos++; continue; }
        // `- key: …` opens a mapping whose keys sit at indent + 2
        lines[pos] = { indent: indent + 2, text: rest, no: l.no };
        out.push(block(indent + 2));
      }
      return out;
    }
    const out: { [k: string]: Value } = {};
    while (pos < lines.length && lines[pos]!.indent === indent && !lines[pos]!.text.startsWith('- ')) {
      const l = lines[pos++]!;
      const [k, v] = keyOf(l.text, l.no);
      if (k in out) throw new Error(`line ${l.no}: duplicate key ${k}`);
      if (v !== '') out[k] = scalar(v, l.no);
      else out[k] = block(lines[pos]?.indent ?? -1);
    }
    if (pos < lines.length && lines[pos]!.indent > indent) throw new Error(`line ${lines[pos]!.no}: unexpected indentation`);
    return out;
  };
  const doc = block(0);
  if (pos !== lines.length) throw new Error(`line ${lines[pos]!.no}: trailing content`);
  return doc;
}
