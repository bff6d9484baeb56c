import type { Command } from '../command.js';
import { scanCommand } from './scan.js';
import { tablesCommand } from './tables.js';

/** Every subcommand, in help order. */
export const COMMANDS: Command[] = [scanCommand, tablesCommand];
