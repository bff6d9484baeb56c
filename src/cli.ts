#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { main } from './cli/main.js';
import { mallocTunedEnv } from './cli/malloc-tuning.js';

const tuned = mallocTunedEnv(process.argv.slice(2), process.env, process.platform);
if (tuned) {
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: tuned });
  // when the second run cannot start, this one does the work untuned
  if (!r.error) process.exit(r.status ?? 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0));
}

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
