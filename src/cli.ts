#!/usr/bin/env node
import { main } from './cli/main.js';
import { terminalSafeStream } from './emit/terminal-safe.js';

const isTTY = Boolean(process.stdout.isTTY);
const color = isTTY && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
let stdoutBroken = false;
process.stdout.on('error', () => { stdoutBroken = true; });
const code = await main(process.argv.slice(2), {
  // control characters from input never reach the terminal raw, whatever the command printed
  stdout: (t) => { if (!stdoutBroken) process.stdout.write(terminalSafeStream(t)); },
  stderr: (t) => { process.stderr.write(terminalSafeStream(t)); },
  isTTY,
  color,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
