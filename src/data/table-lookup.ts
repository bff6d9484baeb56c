/** Lists shipped tables with provenance. */
export function listTables(_dir: string): string {
  return '';
}
/** Answers "which micro-library provides X, under which Kconfig, since which release". */
export function showTables(_q: string, _dir: string): string {
  return '';
}
