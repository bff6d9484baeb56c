import { emitCompatLib } from './compat-lib.js';
import { emitConfigUk } from './config-uk.js';
import { defconfigName, emitDefconfig } from './defconfig.js';
import { emitDockerfile, keepFile, stagedPath } from './dockerfile.js';
import { emitKraftYaml } from './kraft-yaml.js';
import { emitKraftfile } from './kraftfile.js';
import { emitAppMakefile, emitMakefileUk } from './makefile-uk.js';
import type { ManifestApp } from './manifest-app.js';
import { emitRuntimeDockerfile, emitRuntimeKraftfile } from './runtime-manifest.js';

/** A file of the image to copy from the scanned system: staged path → source path (the CLI reads and writes it). */
export type StagedCopies = Map<string, string>;

/**
 * Every build file for the app: relative path → content (the CLI writes them), and for a binary-compat image the
 * files to copy under rootfs/ for its Dockerfile.
 */
export function emitManifest(app: ManifestApp, options: { legacy?: boolean } = {}): Map<string, string> {
  return emitManifestWithCopies(app, options).files;
}

/** emitManifest, plus the staged copies of the image's files. */
export function emitManifestWithCopies(app: ManifestApp, options: { legacy?: boolean } = {}): { files: Map<string, string>; copies: StagedCopies } {
  const files = new Map<string, string>([
    ['Kraftfile', emitKraftfile(app)],
    ['Config.uk', emitConfigUk(app)],
    ['Makefile.uk', emitMakefileUk(app)],
    ['Makefile', emitAppMakefile(app)],
    ['defconfig', emitDefconfig(app)],
  ]);
  for (const t of app.plan.targets ?? []) files.set(`defconfigs/${defconfigName(t)}`, emitDefconfig(app, t));
  if (options.legacy) files.set('kraft.yaml', emitKraftYaml(app));
  // an interpreted app under binary compatibility: the catalog's runtime image and a rootfs Dockerfile
  // (the runtime image is a prebuilt kernel: no Config.uk, Makefile or defconfig of the app's own)
  if (app.plan.runtime) {
    return { files: new Map([['Kraftfile', emitRuntimeKraftfile(app, app.plan.runtime)], ['Dockerfile', emitRuntimeDockerfile(app.plan.runtime, app.generator)]]), copies: new Map() };
  }
  for (const [p, c] of emitCompatLib(app)) files.set(p, c);
  const copies: StagedCopies = new Map();
  const image = app.plan.image;
  if (image) {
    files.set('Dockerfile', emitDockerfile(app, image));
    for (const f of image.files) copies.set(stagedPath(f.path), f.source);
    for (const g of image.generated) files.set(stagedPath(g.path), g.content);
    for (const d of image.directories) files.set(stagedPath(keepFile(d)), '');
  }
  return { files, copies };
}
