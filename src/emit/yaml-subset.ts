/** A value the YAML subset can hold. */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

function scalar(v: string | number | boolean): string {
  return JSON.stringify(v);
}

function isScalar(v: YamlValue): v is string | number | boolean {
  return typeof v !== 'object';
}

function block(v: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (isScalar(item) || (Array.isArray(item) && item.length === 0)) return [`${pad}- ${isScalar(item) ? scalar(item) : '[]'}`];
      const lines = block(item, indent + 2);
      return [`${pad}- ${lines[0]!.trimStart()}`, ...lines.slice(1)];
    });
  }
  return Object.entries(v as Record<string, YamlValue>).flatMap(([k, val]) => {
    if (isScalar(val)) return [`${pad}${key(k)}: ${scalar(val)}`];
    if (Array.isArray(val) && val.length === 0) return [`${pad}${key(k)}: []`];
    if (!Array.isArray(val) && Object.keys(val).length === 0) return [`${pad}${key(k)}: {}`];
    return [`${pad}${key(k)}:`, ...block(val, indent + 2)];
  });
}

/**
 * Writes a mapping as block YAML in a small subset: 2-space indentation, plain keys, every scalar a JSON scalar
 * (strings always double-quoted, so Kconfig's `y`/`n` never turn into YAML 1.1 booleans), block sequences,
 * `[]`/`{}` for empty collections and `#` comment lines. Every document it writes is also valid YAML 1.2.
 */
export function writeYaml(doc: Record<string, YamlValue>, comments: string[] = []): string {
  return [...comments.map((c) => (c ? `# ${c}` : '#')), ...block(doc, 0)].join('\n') + '\n';
}
