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
  /** Name (tag or reference) of the container image the file is in. */
  image?: string;
  /** Why an image file is an input: the program the image runs, a script on the way, a library, an app file. */
  role?: 'entrypoint' | 'script' | 'library' | 'app';
}
