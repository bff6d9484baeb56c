import type { ExternalLibPort, KconfigEntry, UnikraftPort, UnikraftTable } from '../model/index.js';

/** Every Kconfig symbol a build can see: the release's Config.uk files plus the repositories it pulls in. */
export interface KconfigWorld {
  entries: Map<string, KconfigEntry>;
  /** Where each symbol was read: `unikraft v0.17.0`, `lib-musl RELEASE-0.16.3`. */
  origin: Map<string, string>;
  /** The release table is partial (v0.19+ built from release notes and indexed files): some symbols are missing. */
  partial?: boolean;
}

/** Libraries that are applications (app-elfloader): their Config.uk exists only when they are the application. */
export function isApplicationLibrary(name: string | undefined): boolean {
  return !!name && name.startsWith('app-');
}

/**
 * The Kconfig world of one build: TABLE's symbols (library switches without a Config.uk entry come from the library
 * records), then PORTS' symbols the release does not define (a port's choice and extra defaults fill gaps of the same
 * symbol). Applications' symbols (app-elfloader's) are included only with WITH_APPLICATION.
 */
export function kconfigWorld(table: UnikraftTable, ports: UnikraftPort[], options: { withApplication?: string; externalLibs?: ExternalLibPort[] } = {}): KconfigWorld {
  const entries = new Map<string, KconfigEntry>();
  const origin = new Map<string, string>();
  const wanted = (lib: string | undefined) => !isApplicationLibrary(lib) || lib === options.withApplication;
  for (const [sym, e] of Object.entries(table.kconfig ?? {})) {
    if (!wanted(e.library)) continue;
    entries.set(sym, e);
    origin.set(sym, `unikraft ${table.release}`);
  }
  for (const lib of Object.values(table.libraries)) {
    if (!lib.kconfig || entries.has(lib.kconfig) || !wanted(lib.name)) continue;
    entries.set(lib.kconfig, { library: lib.name, type: 'bool', prompt: lib.title ?? lib.name, select: lib.select, imply: lib.imply, dependsOn: lib.dependsOn, ...(lib.default ? { default: lib.default } : {}) });
    origin.set(lib.kconfig, `unikraft ${table.release}`);
  }
  for (const port of ports) {
    if (port.role === 'application' && port.name !== options.withApplication) continue;
    for (const [sym, e] of Object.entries(port.kconfig)) {
      const have = entries.get(sym);
      if (!have) {
        entries.set(sym, e);
        origin.set(sym, `${port.name} ${port.provenance.tag}`);
      } else if ((e.choice && !have.choice) || (e.defaults && !have.defaults)) {
        entries.set(sym, { ...have, ...(e.choice && !have.choice ? { choice: e.choice } : {}), ...(e.defaults && !have.defaults && e.default === have.default ? { defaults: e.defaults } : {}) });
      }
    }
  }
  // library ports known by their soname (external-libs.json, read from each port's Config.uk): their switch only
  for (const p of options.externalLibs ?? []) {
    if (entries.has(p.kconfig)) continue;
    entries.set(p.kconfig, { library: p.port, type: 'bool', prompt: p.port, select: [], imply: [], dependsOn: [] });
    origin.set(p.kconfig, `${p.port} ${p.provenance?.tag ?? ''}`.trim());
  }
  return { entries, origin, ...(table.partial ? { partial: true } : {}) };
}
