import type { Command } from '../command.js';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'scan ELF binaries and sources, report what they need',
  help: 'Usage: ukport scan [options] PATH...',
  options: {},
  positionals: true,
  async run() { return 0; },
};
