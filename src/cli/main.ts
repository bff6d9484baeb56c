import { parseArgs } from 'node:util';
import { isUkportError, UkportError } from '../errors.js';
import { formatError } from './messages.js';
import { COMMANDS } from './commands/index.js';
import { EXIT_USAGE, type CommandIo } from './command.js';
import { TOOL_VERSION } from '../version.js';

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'ukport — what it takes to port a Linux application to the Unikraft unikernel',
    '',
    'Usage: ukport <command> [options] PATH...',
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

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  try {
    if (args.length === 0 || args[0] === '-h' || args[0] === '--help' || args[0] === 'help') {
      if (args[0] === 'help' && args[1]) return await main([args[1], '--help'], io);
      io.stdout(globalHelp());
      return args.length === 0 ? EXIT_USAGE : 0;
    }
    if (args[0] === '-V' || args[0] === '--version') {
      io.stdout(`ukport ${TOOL_VERSION}\n`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === args[0]);
    if (!command) throw new UkportError('usage', `unknown command '${args[0]}'`);
    const rest = args.slice(1);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(command.help.endsWith('\n') ? command.help : command.help + '\n');
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.positionals, strict: true });
    } catch (e) {
      throw new UkportError('usage', `${command.name}: ${(e as Error).message.split('\n')[0]}`);
    }
    return await command.run(parsed.values as Record<string, never>, parsed.positionals, io);
  } catch (e) {
    if (isUkportError(e)) {
      io.stderr(`ukport: ${formatError(e)}\n`);
      if (debug && e.stack) io.stderr(e.stack + '\n');
      return EXIT_USAGE;
    }
    io.stderr(`ukport: internal error: ${(e as Error)?.message ?? String(e)}; re-run with --debug and report it\n`);
    if (debug && (e as Error)?.stack) io.stderr((e as Error).stack + '\n');
    return EXIT_USAGE;
  }
}
