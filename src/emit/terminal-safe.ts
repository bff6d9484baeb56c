/**
 * Characters input must never bring to a terminal or into a one-line field: C0 controls (ESC starts window-title,
 * screen-clear and colour sequences; CR and LF start fake lines), DEL, C1 controls (0x9b is an 8-bit CSI), the
 * Unicode line separators and the bidirectional overrides that reorder what is shown.
 */
const UNSAFE = /[\0-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE = new RegExp(UNSAFE.source);

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** A string from input made safe for one line of a terminal or a header: every control character shown as an escape. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** A copy of VALUE (a report, a plan) whose every string has its control characters escaped, for text renderers. */
export function withEscapedStrings<T>(value: T): T {
  const seen = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') return HAS_UNSAFE.test(v) ? escapeControls(v) : v;
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const x of v) out.push(copy(x));
      return out;
    }
    if (v instanceof Map || v instanceof Set) return v;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, x] of Object.entries(v)) out[k] = copy(x);
    return out;
  };
  return copy(value) as T;
}

/**
 * The last line of defence on stdout/stderr: control characters are escaped as `\uXXXX` (valid inside JSON strings
 * too, where C1 characters are the only ones JSON.stringify leaves raw), except newline, tab, and the sequences
 * ukport itself writes (SGR colours `ESC[…m`, the progress line's `\r ESC[K`).
 */
export function terminalSafeStream(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m|\r\x1b\[K|[\0-\x08\x0b-\x1f\x7f-\x9f]/g, (m) => (m.length > 1 ? m : `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
