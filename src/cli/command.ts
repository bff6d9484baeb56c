import type { ParseArgsConfig } from 'node:util';

/** Where a command writes: stdout for results, stderr for diagnostics and progress. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal. */
  isTTY: boolean;
  /** Colour allowed: TTY and no NO_COLOR. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** A subcommand: its options (node:util parseArgs form), help text and runner returning an exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Usage and option lines shown by `ukport NAME --help`. */
  help: string;
  options: OptionSpec;
  /** Accepts positional arguments. */
  positionals: boolean;
  run(values: OptionValues, positionals: string[], io: CommandIo): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_USAGE = 2;
