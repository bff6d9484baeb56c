/** ANSI styling that is a no-op when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const wrap = (on: boolean, code: number, off: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[${off}m` : s);

/** Makes a Style; colour only when `color` is true. */
export function makeStyle(color: boolean): Style {
  return { bold: wrap(color, 1, 22), dim: wrap(color, 2, 22), red: wrap(color, 31, 39), yellow: wrap(color, 33, 39), green: wrap(color, 32, 39), cyan: wrap(color, 36, 39) };
}
