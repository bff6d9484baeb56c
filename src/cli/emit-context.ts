import type { CommandIo } from './command.js';
import type { EmitContext } from '../emit/registry.js';
import { loadRuleDocs } from './rule-docs.js';

/** Blob URL prefix of the checked-out commit when running in GitHub Actions (Markdown evidence links). */
export function githubLinkBase(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  return server && repo && sha ? `${server}/${repo}/blob/${sha}/` : undefined;
}

/** The context report formats get from the CLI: colour, rule help, paths relative to the working directory, links. */
export function emitContextFor(io: CommandIo, verbose: boolean): EmitContext {
  const linkBase = githubLinkBase(io.env);
  return { color: io.color, verbose, rules: loadRuleDocs(), root: io.cwd, ...(linkBase ? { linkBase } : {}) };
}
