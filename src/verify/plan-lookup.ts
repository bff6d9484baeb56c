import type { Plan, UnikraftTable } from '../model/index.js';
import type { PlanLookup } from './build-errors.js';

/**
 * Answers the build-failure mapper from the plan and the release table: which plan entry a missing
 * function or syscall is, what the plan said about it, which Unikraft library provides it, and which
 * planned library a failing source path belongs to.
 */
export function planLookup(plan: Plan | undefined, table: UnikraftTable | undefined, libraryDirs: Map<string, string>): PlanLookup {
  return {
    need(name) {
      const u = plan?.uncovered.find((x) => x.name === name && (x.kind === 'function' || x.kind === 'syscall'));
      if (u) return { planEntry: `${u.kind}:${u.name}`, planStatus: u.status };
      const cov = table?.syscalls[name];
      if (cov && cov.status !== 'missing' && cov.library && plan?.libraries.some((l) => l.name === cov.library || l.name === `lib${cov.library}`)) {
        return { planEntry: `syscall:${name}`, planStatus: `covered by ${cov.library}` };
      }
      return undefined;
    },
    provider(name) {
      const bare = name.replace(/^uk_syscall_[er]_/, '');
      const cov = table?.syscalls[bare];
      if (cov?.library && cov.status !== 'missing') return `${cov.library}${cov.kconfig ? ` (CONFIG_${cov.kconfig})` : ''}`;
      const fn = table?.functions?.[name];
      return fn ? `${fn.library} (CONFIG_${fn.kconfig})` : undefined;
    },
    libraryOfPath(path) {
      let best: string | undefined;
      let bestLength = 0;
      for (const [name, dir] of libraryDirs) if ((path.startsWith(dir + '/') || path === `${dir}.o`) && dir.length > bestLength) { best = name; bestLength = dir.length; }
      return best?.replace(/ \(build\)$/, '');
    },
  };
}
