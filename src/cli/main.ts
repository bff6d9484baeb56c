import { parseArgs } from 'node:util';
import { isUkportError, UkportError } from '../errors.js';
import { formatError } from './messages.js';
import { COMMANDS, type CommandEntry } from './commands/index.js';
import { EXIT_OK, EXIT_USAGE, type Command, type CommandIo, type OptionSpec } from './command.js';
import { TOOL_VERSION } from '../version.js';
import { closest } from './suggest.js';

const USAGE = 'Usage: ukport <command> [options] PATH...';

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'ukport — what it takes to port a Linux application to the Unikraft unikernel',
    '',
    USAGE,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  -h, --help     show help (also `ukport <command> --help`)',
    '  -V, --version  print the version',
    '      --debug    print stack traces of internal errors',
    '',
    'Exit codes: 0 ok, 1 gate failed, 2 usage or input error.',
    'Colour is used only on a terminal and never when NO_COLOR is set.',
  ].join('\n') + '\n';
}

/** A node:util parseArgs error, reworded as one line in ukport's voice (its own message has a stray quote). */
function argumentProblem(command: Command, e: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  const flags = Object.entries(command.options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = quoted.startsWith('--') ? closest(quoted, flags.filter((f) => f.startsWith('--'))) : undefined;
      return `unknown option '${quoted}'${near ? `; did you mean '${near}'?` : `; a PATH that starts with '-' goes after '--'`}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const long = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
      return / argument missing/.test(e.message) ? `option '${long}' needs a value` : `option '${long}' takes no value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}'`;
    default:
      return e.message.split('\n')[0]!;
  }
}

/** Parses a command's arguments; `--opt=value` and `--opt value` both work, `--` ends the options. */
function parseCommandArgs(command: Command, rest: string[]): { values: Record<string, never>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: rest, options: command.options as OptionSpec, allowPositionals: command.positionals, strict: true });
    return { values: parsed.values as Record<string, never>, positionals: parsed.positionals };
  } catch (e) {
    throw new UkportError('usage', `${command.name}: ${argumentProblem(command, e as Error & { code?: string })}`);
  }
}

function findCommand(name: string): CommandEntry {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry) return entry;
  const near = closest(name, COMMANDS.map((c) => c.name));
  throw new UkportError('usage', `unknown command '${name}'${near ? `; did you mean '${near}'?` : ''}`);
}

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  let commandName: string | undefined;
  try {
    if (args.length === 0) {
      // no command is a usage error: the help goes to stderr, stdout stays empty for pipes
      io.stderr(globalHelp());
      return EXIT_USAGE;
    }
    if (args[0] === '-h' || args[0] === '--help' || args[0] === 'help') {
      if (args[0] === 'help' && args[1]) return await main([args[1], '--help'], io);
      io.stdout(globalHelp());
      return EXIT_OK;
    }
    if (args[0] === '-V' || args[0] === '--version') {
      io.stdout(`ukport ${TOOL_VERSION}\n`);
      return EXIT_OK;
    }
    if (args[0]!.startsWith('-')) throw new UkportError('usage', `expected a command before '${args[0]}'`);
    const entry = findCommand(args[0]!);
    commandName = entry.name;
    const command = await entry.load();
    const rest = args.slice(1);
    const end = rest.indexOf('--');
    const flags = end < 0 ? rest : rest.slice(0, end);
    if (flags.includes('--help') || flags.includes('-h')) {
      io.stdout(command.help.endsWith('\n') ? command.help : command.help + '\n');
      return EXIT_OK;
    }
    const parsed = parseCommandArgs(command, rest);
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (e) {
    if (isUkportError(e)) {
      io.stderr(`ukport: ${formatError(e, commandName)}\n`);
      if (debug && e.stack) io.stderr(e.stack + '\n');
      return EXIT_USAGE;
    }
    io.stderr(`ukport: internal error: ${(e as Error)?.message ?? String(e)}; re-run with --debug and report it\n`);
    if (debug && (e as Error)?.stack) io.stderr((e as Error).stack + '\n');
    return EXIT_USAGE;
  }
}
