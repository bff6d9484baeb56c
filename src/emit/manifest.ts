import { emitCompatLib } from './compat-lib.js';
import { emitConfigUk } from './config-uk.js';
import { emitDefconfig } from './defconfig.js';
import { emitKraftYaml } from './kraft-yaml.js';
import { emitKraftfile } from './kraftfile.js';
import { emitAppMakefile, emitMakefileUk } from './makefile-uk.js';
import type { ManifestApp } from './manifest-app.js';
import { emitRuntimeDockerfile, emitRuntimeKraftfile } from './runtime-manifest.js';

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
  // an interpreted app under binary compatibility: the catalog's runtime image and a rootfs Dockerfile
  // (the runtime image is a prebuilt kernel: no Config.uk, Makefile or defconfig of the app's own)
  if (app.plan.runtime) {
    return new Map([['Kraftfile', emitRuntimeKraftfile(app, app.plan.runtime)], ['Dockerfile', emitRuntimeDockerfile(app.plan.runtime, app.generator)]]);
  }
  for (const [p, c] of emitCompatLib(app)) files.set(p, c);
  return files;
}
