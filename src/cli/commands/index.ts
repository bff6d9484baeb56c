import type { Command } from '../command.js';
import { scanCommand } from './scan.js';
import { tablesCommand } from './tables.js';
import { planCommand } from './plan.js';
import { manifestCommand } from './manifest.js';
import { checkCommand } from './check.js';
import { reportCommand } from './report.js';
import { explainCommand } from './explain.js';
import { patchCommand } from './patch.js';
import { verifyCommand } from './verify.js';

/** Every subcommand, in help order. */
export const COMMANDS: Command[] = [scanCommand, tablesCommand, planCommand, manifestCommand, checkCommand, reportCommand, patchCommand, verifyCommand, explainCommand];
