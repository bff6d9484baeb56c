/** Closed set of error codes; cli/messages.ts has one message per code. */
export const ERROR_CODES = [
  'usage', 'not-found', 'unreadable', 'not-elf', 'truncated-elf', 'corrupt-elf', 'empty-file',
  'too-large', 'unsupported-input', 'bad-table', 'bad-rule', 'bad-policy', 'bad-json',
  'path-escape', 'file-exists', 'symlink-loop', 'bad-cache', 'bad-image', 'limit-exceeded',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The only error type ukport throws on purpose. `path` is the input at fault, `detail` the reason. */
export class UkportError extends Error {
  readonly code: ErrorCode;
  readonly path?: string;
  readonly detail: string;
  constructor(code: ErrorCode, detail: string, path?: string) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'UkportError';
    this.code = code;
    this.path = path;
    this.detail = detail;
  }
}

export function isUkportError(e: unknown): e is UkportError {
  return e instanceof UkportError;
}
