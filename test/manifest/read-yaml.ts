import { parseDocument } from 'yaml';

/** Parses a generated YAML file with the `yaml` package, strictly: any error or warning (duplicate key, bad escape) throws. */
export function readYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw new Error(problems.map(String).join('; '));
  return doc.toJS();
}
