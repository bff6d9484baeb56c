import type { ErrorCode, UkportError } from '../errors.js';

/** One line per error code: `ukport: PATH: problem`. */
const MESSAGES: Record<ErrorCode, (path: string | undefined, detail: string) => string> = {
  'usage': (_p, d) => `${d} (see 'ukport --help')`,
  'not-found': (p, d) => `${p}: no such file or directory${d ? ` (${d})` : ''}`,
  'unreadable': (p, d) => `${p}: cannot read (${d})`,
  'not-elf': (p, d) => `${p}: not an ELF file${d ? ` (${d})` : ''}`,
  'truncated-elf': (p, d) => `${p}: truncated ELF (${d})`,
  'corrupt-elf': (p, d) => `${p}: corrupt ELF (${d})`,
  'empty-file': (p) => `${p}: empty file`,
  'too-large': (p, d) => `${p}: file too large (${d})`,
  'unsupported-input': (p, d) => `${p}: unsupported input (${d})`,
  'bad-table': (p, d) => `${p}: invalid coverage table: ${d}`,
  'bad-rule': (p, d) => `${p}: invalid rule: ${d}`,
  'bad-policy': (p, d) => `${p}: invalid policy: ${d}`,
  'bad-json': (p, d) => `${p}: invalid JSON: ${d}`,
  'path-escape': (p, d) => `${p}: refusing to write outside the output directory (${d})`,
  'file-exists': (p, d) => `${p}: ${d}`,
  'symlink-loop': (p, d) => `${p}: symlink loop (${d})`,
  'bad-cache': (p, d) => `${p}: invalid cache entry (${d})`,
  'bad-image': (p, d) => `${p}: invalid container image (${d})`,
  'limit-exceeded': (p, d) => `${p}: limit exceeded (${d})`,
};

/** Formats a UkportError as one line without the `ukport: ` prefix. */
export function formatError(e: UkportError): string {
  const line = MESSAGES[e.code](e.path, e.detail);
  return line.replace(/[\r\n]+/g, ' ');
}
