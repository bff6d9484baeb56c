#!/usr/bin/env node
import { main } from './cli/main.js';

const isTTY = Boolean(process.stdout.isTTY);
const color = isTTY && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
let stdoutBroken = false;
process.stdout.on('error', () => { stdoutBroken = true; });
const code = await main(process.argv.slice(2), {
  stdout: (t) => { if (!stdoutBroken) process.stdout.write(t); },
  stderr: (t) => { process.stderr.write(t); },
  isTTY,
  color,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
