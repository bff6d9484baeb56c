import type { UnikraftPort, UnikraftTable, VersionPin } from '../model/index.js';
import { isTaggedRelease } from './releases.js';

const CORE_REPO = 'https://github.com/unikraft/unikraft';

/** `v0.17.0` → `0.17.0` (KraftKit matches RELEASE-x tags by the version after RELEASE-). */
function bare(release: string): string {
  return release.replace(/^v/, '');
}

function pinOf(port: UnikraftPort | undefined, name: string, release: string, newest: boolean): VersionPin {
  const repo = port?.repo ?? `https://github.com/unikraft/${name}`;
  const tag = `RELEASE-${bare(release)}`;
  const hit = port?.versions.tags[tag];
  if (hit) return { name, repo, version: bare(release), ref: tag, commit: hit.commit };
  const stable = port?.versions.stable;
  if (!port) return { name, repo, version: 'stable', ref: 'stable', note: `${name} is not in ukport's tables: stable follows the newest Unikraft release` };
  const earlier = Object.entries(port.versions.tags).map(([t, v]) => ({ t, ...v }))
    .filter((x) => isTaggedRelease(x.t.replace(/^RELEASE-/, '')) && compare(x.t.replace(/^RELEASE-/, ''), bare(release)) < 0)
    .sort((a, b) => compare(b.t.replace(/^RELEASE-/, ''), a.t.replace(/^RELEASE-/, '')))[0];
  const known = port.headDate ? ` (ukport's copy of ${name} ends at ${port.headDate})` : '';
  const note = newest
    ? `${name} has no ${tag} tag${known}: stable, the branch that follows the newest release`
    : `${name} has no ${tag} tag${known}${earlier ? `; its newest earlier tag is ${earlier.t} (${earlier.date})` : ''}: stable follows the newest release, so for ${release} check out the ${name} commit of ${release}'s release date`;
  return { name, repo, version: 'stable', ref: 'stable', ...(stable ? { commit: stable.commit } : {}), note };
}

function compare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * Refs for the core and each repository NAMES: the release's own RELEASE tag where the repo has one (KraftKit version
 * `0.17.0`), else `stable` with a note saying what is known (lib-musl and lib-lwip were not tagged for 0.17.0).
 */
export function planPins(table: UnikraftTable, ports: UnikraftPort[], names: string[], newest: boolean): VersionPin[] {
  const core: VersionPin = isTaggedRelease(table.release)
    ? { name: 'unikraft', repo: CORE_REPO, version: bare(table.release), ref: table.provenance.tag, commit: table.provenance.commit }
    : { name: 'unikraft', repo: CORE_REPO, version: table.release, ref: table.provenance.tag, commit: table.provenance.commit };
  const out = [core];
  for (const name of [...new Set(names)].sort()) out.push(pinOf(ports.find((p) => p.name === name), name, table.release, newest));
  return out;
}
