import { Document, isScalar, visit } from 'yaml';

/** A value a generated YAML file can hold. */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

/** Keys written plain; any other key is double-quoted. */
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/**
 * Characters YAML 1.2 does not allow raw (c-printable excludes C0 but tab/LF/CR, DEL, C1 but NEL, surrogates,
 * U+FFFE/FFFF) plus the line breaks YAML 1.1 readers and terminals honour (CR, NEL, U+2028/2029).
 */
const UNSAFE = /[\0-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]/g;

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** A comment line: every line break and control character is shown escaped, so a comment stays one line. */
export function yamlCommentText(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(/\t/g, ' ');
}

/**
 * Writes a mapping as block YAML with the `yaml` package: every string double-quoted (so Kconfig's `y`/`n` never
 * turn into YAML 1.1 booleans and a name never starts a key), keys plain only when they are plain identifiers,
 * comment lines before the document. Control characters inside quoted strings are written as escapes.
 */
export function writeYaml(doc: Record<string, YamlValue>, comments: string[] = []): string {
  const d = new Document(doc);
  visit(d, {
    Pair(_, pair) {
      if (isScalar(pair.key) && !PLAIN_KEY.test(String(pair.key.value))) pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  if (comments.length) d.commentBefore = comments.map((c) => (c ? ` ${yamlCommentText(c)}` : '')).join('\n');
  const text = d.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0, doubleQuotedAsJSON: true });
  // comments are clean and every key or value holding such a character is double-quoted: an escape is valid there
  return text.replace(UNSAFE, (c) => (c === '\n' ? c : escapeChar(c)));
}
