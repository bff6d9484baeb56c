import { emitCompatLib } from './compat-lib.js';
import { emitConfigUk } from './config-uk.js';
import { emitDefconfig } from './defconfig.js';
import { emitKraftYaml } from './kraft-yaml.js';
import { emitKraftfile } from './kraftfile.js';
import { emitAppMakefile, emitMakefileUk } from './makefile-uk.js';
import type { ManifestApp } from './manifest-app.js';

/** Every build file for the app: relative path → content (the CLI writes them). */
export function emitManifest(app: ManifestApp, options: { legacy?: boolean } = {}): Map<string, string> {
  const files = new Map<string, string>([
    ['Kraftfile', emitKraftfile(app)],
    ['Config.uk', emitConfigUk(app)],
    ['Makefile.uk', emitMakefileUk(app)],
    ['Makefile', emitAppMakefile(app)],
    ['defconfig', emitDefconfig(app)],
  ]);
  if (options.legacy) files.set('kraft.yaml', emitKraftYaml(app));
  for (const [p, c] of emitCompatLib(app)) files.set(p, c);
  return files;
}
