import type { ArtifactKind } from './vocab.js';

/** One input file found by the walker. `path` is as the user would recognise it. */
export interface Artifact {
  path: string;
  kind: ArtifactKind;
  size: number;
  /** Root the file was found under (a CLI argument, a sysroot or an image). */
  root?: string;
  /** Container image layer digest the file came from. */
  layer?: string;
}
