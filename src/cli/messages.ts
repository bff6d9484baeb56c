import type { ErrorCode, UkportError } from '../errors.js';

const at = (p: string | undefined): string => (p ? `${p}: ` : '');

/** One line per error code: `ukport: PATH: problem`. */
const MESSAGES: Record<ErrorCode, (path: string | undefined, detail: string) => string> = {
  'usage': (_p, d) => `${d} (see 'ukport --help')`,
  'not-found': (p, d) => `${at(p)}no such file or directory${d ? ` (${d})` : ''}`,
  'unreadable': (p, d) => `${at(p)}cannot read (${d})`,
  'not-elf': (p, d) => `${at(p)}not an ELF file${d ? ` (${d})` : ''}`,
  'truncated-elf': (p, d) => `${at(p)}truncated ELF (${d})`,
  'corrupt-elf': (p, d) => `${at(p)}corrupt ELF (${d})`,
  'empty-file': (p) => `${at(p)}empty file`,
  'too-large': (p, d) => `${at(p)}file too large (${d})`,
  'unsupported-input': (p, d) => `${at(p)}unsupported input (${d})`,
  'bad-table': (p, d) => `${at(p)}invalid coverage table: ${d}`,
  'bad-rule': (p, d) => `${at(p)}invalid rule: ${d}`,
  'bad-policy': (p, d) => `${at(p)}invalid policy: ${d}`,
  'bad-json': (p, d) => `${at(p)}invalid JSON: ${d}`,
  'path-escape': (p, d) => `${at(p)}refusing to write outside the output directory (${d})`,
  'file-exists': (p, d) => `${at(p)}${d}`,
  'symlink-loop': (p, d) => `${at(p)}symlink loop (${d})`,
  'bad-cache': (p, d) => `${at(p)}invalid cache entry (${d})`,
  'bad-image': (p, d) => `${at(p)}invalid container image (${d})`,
  'limit-exceeded': (p, d) => `${at(p)}limit exceeded (${d})`,
};

/**
 * Formats a UkportError as one line without the `ukport: ` prefix. A usage error inside COMMAND points at that
 * command's help (`scan: unknown option '--foo' (see 'ukport scan --help')`).
 */
export function formatError(e: UkportError, command?: string): string {
  const line = e.code === 'usage' && command ? `${e.detail} (see 'ukport ${command} --help')` : MESSAGES[e.code](e.path, e.detail);
  return line.replace(/[\r\n]+/g, ' ');
}
