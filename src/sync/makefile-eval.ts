/**
 * A small evaluator for the Makefile.uk subset Unikraft library ports use: `VAR += words`,
 * `VAR-y` / `VAR-$(CONFIG_X)` (kept when CONFIG_X is set), `ifeq ($(CONFIG_X),y)` / `ifneq` / `ifdef` /
 * `else` / `endif`, backslash continuations and `$(VAR)` references. `$(call …)` and `$(eval …)` are
 * dropped: they are Unikraft's build helpers, not source lists or flags.
 */
export interface MakeEval {
  /** Words of VAR after expansion (`VAR-y` and `VAR` are separate variables, as in make). */
  words(name: string): string[];
}

/** Evaluates TEXT with CONFIG (set symbols → value, usually 'y') and predefined VARS (directories). */
export function evalMakefile(text: string, config: Record<string, string>, vars: Record<string, string> = {}): MakeEval {
  const raw = new Map<string, string[]>();
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const active: boolean[] = [];
  const on = (): boolean => active.every(Boolean);
  const expand = (s: string, depth = 0): string =>
    depth > 8 ? s : s.replace(/\$\(([A-Za-z0-9_-]+)\)/g, (_all, v: string) => {
      if (v.startsWith('CONFIG_')) return config[v] ?? '';
      if (v in vars) return vars[v]!;
      return raw.has(v) ? expand(raw.get(v)!.join(' '), depth + 1) : '';
    });
  for (const full of lines) {
    const line = full.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!line) continue;
    let m = /^(ifeq|ifneq)\s*\(\s*([^,]*?)\s*,\s*([^)]*?)\s*\)$/.exec(line);
    if (m) { const same = expand(m[2]!) === expand(m[3]!); active.push(m[1] === 'ifeq' ? same : !same); continue; }
    m = /^(ifdef|ifndef)\s+(\S+)$/.exec(line);
    if (m) { const set = !!expand(`$(${m[2]})`); active.push(m[1] === 'ifdef' ? set : !set); continue; }
    if (line === 'else') { if (active.length) active[active.length - 1] = !active[active.length - 1]; continue; }
    if (line === 'endif') { active.pop(); continue; }
    if (!on() || line.startsWith('$(')) continue;
    m = /^([A-Za-z0-9_]+(?:-\$\([A-Za-z0-9_]+\)|-[yn])?)\s*(\+=|:=|\?=|=)\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.replace(/-\$\(([A-Za-z0-9_]+)\)$/, (_a, c: string) => `-${config[c] === 'y' ? 'y' : 'n'}`);
    const value = m[3]!.replace(/\$\(call [^)]*\)/g, '').trim();
    const words = value ? value.split(/\s+/) : [];
    if (m[2] === '+=') raw.set(name, [...(raw.get(name) ?? []), ...words]);
    else if (m[2] !== '?=' || !raw.has(name)) raw.set(name, words);
  }
  return { words: (name) => expand((raw.get(name) ?? []).join(' ')).split(/\s+/).filter(Boolean) };
}
