import type { Command } from '../command.js';

/** A subcommand as the global help lists it; its module (and what that imports) loads only when it is used. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every subcommand, in help order. Summaries equal each command's own `summary` (test/e2e/startup.test.ts). */
export const COMMANDS: CommandEntry[] = [
  { name: 'scan', summary: 'scan ELF binaries, C sources and apps; report what they need from Unikraft', load: async () => (await import('./scan.js')).scanCommand },
  { name: 'tables', summary: 'list, show or regenerate the coverage tables', load: async () => (await import('./tables.js')).tablesCommand },
  { name: 'plan', summary: 'plan the port: libc, minimal micro-library set with reasons, Kconfig, what stays uncovered', load: async () => (await import('./plan.js')).planCommand },
  { name: 'manifest', summary: 'write build files for the port: Kraftfile, Config.uk, Makefile.uk, defconfig, compat library', load: async () => (await import('./manifest.js')).manifestCommand },
  { name: 'check', summary: 'gate for CI: fail (exit 1) when the app needs what the target cannot serve', load: async () => (await import('./check.js')).checkCommand },
  { name: 'report', summary: 'interactive report on a terminal: verdict, plan, needs by status, evidence (text otherwise)', load: async () => (await import('./report.js')).reportCommand },
  { name: 'patch', summary: 'write a git patch series fixing porting problems in C sources', load: async () => (await import('./patch.js')).patchCommand },
  { name: 'verify', summary: "build the port with Unikraft's own make, boot it under qemu, and check what ran against the prediction", load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'merge', summary: 'join the JSON reports of a scan split with --shard into the report of one run', load: async () => (await import('./merge.js')).mergeCommand },
  { name: 'explain', summary: 'explain a porting rule, or where Unikraft provides a syscall', load: async () => (await import('./explain.js')).explainCommand },
];
