/** One `config` / `menuconfig` entry of a Kconfig file. */
export interface KconfigSymbol {
  name: string;
  /** bool | tristate | string | int | hex, when declared. */
  type?: string;
  prompt?: string;
  menuconfig: boolean;
  /** Selected symbols; `cond` is the `if` expression when the select is conditional. */
  select: KconfigRef[];
  imply: KconfigRef[];
  /** `depends on` expressions, including those inherited from enclosing `if` / `menu` blocks. */
  dependsOn: string[];
  defaults: { value: string; cond?: string }[];
  /** Name of the enclosing `choice` (its prompt), when inside one. */
  choice?: string;
  line: number;
}

/** A reference to a symbol with an optional `if` condition. */
export interface KconfigRef {
  symbol: string;
  cond?: string;
}

/** The parse of one Kconfig text. */
export interface KconfigFile {
  symbols: KconfigSymbol[];
  /** `source "…"` / `osource` / `rsource` paths, verbatim. */
  sources: string[];
}

const TYPES = new Set(['bool', 'tristate', 'string', 'int', 'hex', 'def_bool', 'def_tristate']);

/** Splits `X if COND` into the value and its condition. */
function splitIf(raw: string): { value: string; cond?: string } {
  const s = raw.replace(/\s+/g, ' ');
  const m = /^(.*?)\s+if\s+(.+)$/.exec(s);
  return m ? { value: m[1]!.trim(), cond: m[2]!.trim() } : { value: s.trim() };
}

/** A quoted string at the start of S (Kconfig prompts), and the rest. */
function readQuoted(s: string): { text: string; rest: string } | undefined {
  const q = s[0];
  if (q !== '"' && q !== "'") return undefined;
  let i = 1;
  let out = '';
  for (; i < s.length && s[i] !== q; i++) {
    if (s[i] === '\\' && i + 1 < s.length) i++;
    out += s[i];
  }
  return { text: out, rest: s.slice(i + 1).trim() };
}

function stripComment(line: string): string {
  // '#' starts a comment outside quotes
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function indentWidth(raw: string): number {
  let w = 0;
  for (const c of raw) {
    if (c === ' ') w++;
    else if (c === '\t') w = (Math.floor(w / 8) + 1) * 8;
    else break;
  }
  return w;
}

/** Parses Kconfig text (the Config.uk dialect Unikraft uses): entries, attributes, if/menu/choice nesting, help blocks. */
export function parseKconfig(text: string): KconfigFile {
  const rawLines = text.split(/\r?\n/);
  const symbols: KconfigSymbol[] = [];
  const sources: string[] = [];
  // block stack: every open if/menu/choice contributes its dependency to the entries inside it
  const stack: { kind: 'if' | 'menu' | 'choice'; deps: string[]; name?: string }[] = [];
  let current: KconfigSymbol | undefined;
  let block: { kind: 'menu' | 'choice'; deps: string[]; name?: string } | undefined;
  const inherited = (): string[] => stack.flatMap((b) => b.deps);

  for (let i = 0; i < rawLines.length; i++) {
    let raw = rawLines[i]!;
    const lineNo = i + 1;
    while (raw.endsWith('\\') && i + 1 < rawLines.length) raw = raw.slice(0, -1) + ' ' + rawLines[++i]!;
    const line = stripComment(raw).trim();
    if (!line) continue;
    const sp = line.search(/\s/);
    const kw = sp < 0 ? line : line.slice(0, sp);
    const arg = sp < 0 ? '' : line.slice(sp + 1).trim();

    if (kw === 'help' || kw === '---help---') {
      // help text: every following line indented deeper than the first help line (or blank)
      const base = indentWidth(raw);
      let helpIndent = -1;
      while (i + 1 < rawLines.length) {
        const next = rawLines[i + 1]!;
        if (next.trim() === '') { i++; continue; }
        const w = indentWidth(next);
        if (helpIndent < 0) helpIndent = w;
        if (w <= base || w < helpIndent) break;
        i++;
      }
      continue;
    }
    switch (kw) {
      case 'config':
      case 'menuconfig': {
        current = { name: arg, menuconfig: kw === 'menuconfig', select: [], imply: [], dependsOn: inherited(), defaults: [], line: lineNo };
        const ch = [...stack].reverse().find((b) => b.kind === 'choice');
        if (ch) current.choice = ch.name;
        block = undefined;
        symbols.push(current);
        continue;
      }
      case 'if':
        stack.push({ kind: 'if', deps: [arg] });
        current = undefined;
        continue;
      case 'menu':
      case 'choice': {
        const q = readQuoted(arg);
        block = { kind: kw, deps: [], name: q?.text ?? (arg || undefined) };
        stack.push(block);
        current = undefined;
        continue;
      }
      case 'endif':
      case 'endmenu':
      case 'endchoice': {
        const want = kw.slice(3);
        const idx = stack.map((b) => b.kind as string).lastIndexOf(want);
        if (idx >= 0) stack.splice(idx);
        current = undefined;
        block = undefined;
        continue;
      }
      case 'source':
      case 'osource':
      case 'rsource':
      case 'orsource': {
        const q = readQuoted(arg);
        sources.push(q ? q.text : arg);
        continue;
      }
      case 'comment':
      case 'mainmenu':
        current = undefined;
        block = undefined;
        continue;
    }
    if (kw === 'depends' && arg.startsWith('on')) {
      const expr = arg.slice(2).trim().replace(/\s+/g, ' ');
      if (current) current.dependsOn.push(expr);
      else if (block) block.deps.push(expr);
      continue;
    }
    if (!current) {
      // a choice is named by its prompt
      if (kw === 'prompt' && block) block.name = readQuoted(arg)?.text ?? block.name;
      continue;
    }
    if (TYPES.has(kw)) {
      current.type = kw.replace(/^def_/, '');
      const q = readQuoted(arg);
      if (q) current.prompt ??= q.text;
      else if (kw.startsWith('def_') && arg) current.defaults.push(splitIf(arg));
    } else if (kw === 'prompt') {
      const q = readQuoted(arg);
      if (q) current.prompt = q.text;
    } else if (kw === 'select' || kw === 'imply') {
      const { value, cond } = splitIf(arg);
      (kw === 'select' ? current.select : current.imply).push(cond ? { symbol: value, cond } : { symbol: value });
    } else if (kw === 'default') {
      const d = splitIf(arg);
      const q = readQuoted(d.value);
      current.defaults.push({ value: q ? q.text : d.value, ...(d.cond ? { cond: d.cond } : {}) });
    }
  }
  return { symbols, sources };
}

/** Symbol names an expression mentions (`A && (B || !C)` → A, B, C); literals y/n/m are skipped. */
export function symbolsOf(expr: string): string[] {
  const out = new Set<string>();
  for (const m of expr.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (!['y', 'n', 'm'].includes(m[0])) out.add(m[0]);
  return [...out];
}
