/** An archive a library's Makefile.uk downloads with Unikraft's `fetch` helpers, and where make expects it. */
export interface ArchiveFetch {
  /** addlib name: `libmusl`. */
  lib: string;
  /** File name make writes under `$(BUILD_DIR)/<lib>/`: `musl-1.2.3.tar.gz`. */
  file: string;
  /** The URLs make would download it from. */
  urls: string[];
}

const FETCH_CALL = /\$\(eval\s+\$\(call\s+(fetch|fetch2|fetchas|fetchas2)\s*,((?:[^()]|\([^()]*\))*)\)\s*\)/;

/**
 * The `fetch`/`fetch2`/`fetchas`/`fetchas2` calls of a Makefile.uk under CONFIG (the .config after
 * `make olddefconfig`): conditionals (`ifeq`, `ifneq`, `ifdef`, `ifndef`, `else [if…]`, `endif`) and
 * simple assignments are evaluated the way make would for these files; `$(VAR)` is expanded.
 */
export function archiveFetches(makefileUk: string, config: Record<string, string>): ArchiveFetch[] {
  const vars = new Map<string, string>();
  const expand = (s: string, depth = 0): string =>
    depth > 10 ? s : s.replace(/\$\(([A-Za-z0-9_]+)\)/g, (_a, v: string) => (v.startsWith('CONFIG_') ? config[v] ?? '' : expand(vars.get(v) ?? '', depth + 1)));
  // each open conditional: [this branch active, some branch already taken]
  const stack: { on: boolean; taken: boolean }[] = [];
  const active = () => stack.every((c) => c.on);
  const test = (cond: string): boolean => {
    let m = /^(ifeq|ifneq)\s*\(\s*([^,]*?)\s*,\s*([^)]*?)\s*\)$/.exec(cond);
    if (m) return (expand(m[2]!).trim() === expand(m[3]!).trim()) === (m[1] === 'ifeq');
    m = /^(ifdef|ifndef)\s+(\S+)$/.exec(cond);
    if (m) return (expand(`$(${m[2]})`) !== '') === (m[1] === 'ifdef');
    return false;
  };
  const out: ArchiveFetch[] = [];
  for (const full of makefileUk.replace(/\\\n/g, ' ').split('\n')) {
    const line = full.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!line) continue;
    if (/^(ifeq|ifneq|ifdef|ifndef)\b/.test(line)) { const on = test(line); stack.push({ on, taken: on }); continue; }
    const elseMatch = /^else\s*(.*)$/.exec(line);
    if (elseMatch && stack.length) {
      const top = stack[stack.length - 1]!;
      const on = !top.taken && (elseMatch[1] ? test(elseMatch[1]) : true);
      top.on = on;
      top.taken ||= on;
      continue;
    }
    if (line === 'endif') { stack.pop(); continue; }
    if (!active()) continue;
    const call = FETCH_CALL.exec(line);
    if (call) {
      const args = call[2]!.split(',').map((a) => expand(a).trim());
      const [lib, url, third, fourth] = args;
      if (!lib || !url) continue;
      const urls = call[1]!.endsWith('2') ? [url, third ?? ''].filter(Boolean) : [url];
      const file = call[1] === 'fetchas' ? third : call[1] === 'fetchas2' ? fourth : url.split('/').pop();
      if (file) out.push({ lib, file, urls });
      continue;
    }
    const assign = /^([A-Za-z0-9_]+)\s*(:=|\?=|=)\s*(.*)$/.exec(line);
    if (assign && !(assign[2] === '?=' && vars.has(assign[1]!))) vars.set(assign[1]!, assign[2] === ':=' ? expand(assign[3]!) : assign[3]!);
  }
  return out;
}

/** `CONFIG_X=value` lines of a .config (quotes removed); `# CONFIG_X is not set` lines are left out. */
export function parseDotConfig(text: string): Record<string, string> {
  const config: Record<string, string> = {};
  for (const m of text.matchAll(/^(CONFIG_[A-Za-z0-9_]+)=(.*)$/gm)) config[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  return config;
}
