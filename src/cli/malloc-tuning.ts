/**
 * glibc keeps memory that worker threads free in per-thread arenas and raises its mmap threshold after the first
 * large free, so a whole-system scan's file buffers and graph columns pile up as resident memory nobody uses
 * (measured on /usr/bin + /usr/sbin, --jobs 2: peak RSS 1.58-1.65 GB, 1.41 GB with a 1 MiB trim threshold, same
 * speed). The tunable is read from the environment at process start only, so `scan` runs itself once more with
 * it set. Returns the environment for that second run, or undefined when none is needed.
 */
export function mallocTunedEnv(args: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || args[0] !== 'scan') return undefined;
  if (env.MALLOC_TRIM_THRESHOLD_ !== undefined || env.UKPORT_NO_MALLOC_TUNING !== undefined) return undefined;
  return { ...env, MALLOC_TRIM_THRESHOLD_: String(1024 * 1024) };
}
