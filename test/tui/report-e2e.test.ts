import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, hasTool, ROOT, runCli } from '../helpers/tools.js';

// Drives the built CLI in a real pseudo-terminal (tmux) and reads the screen after key presses.
const SOCKET = `ukport-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'report');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred: (s: string) => boolean, what: string, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen();
    if (pred(s)) return s;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}
async function keys(...k: string[]) {
  for (const key of k) { tmux('send-keys', '-t', 'report', key); await sleep(80); }
}

const app = join(buildFixtures('example'), 'kvserver');
const haveTmux = hasTool('tmux');

beforeAll(() => {
  // build dist/ from the current sources (tsc emits even when another area has type errors)
  spawnSync('npx', ['tsc', '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(ROOT, 'dist', 'cli', 'commands', 'report.js'))) throw new Error('build did not produce dist/cli/commands/report.js');
}, 120_000);
afterAll(() => { if (haveTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']); });

describe('ukport report in a terminal', () => {
  (haveTmux ? test : test.skip)('opens full-screen, moves, filters, shows evidence, quits with q', async () => {
    const cmd = `cd ${ROOT} && TERM=xterm-256color node dist/cli.js report ${app}; echo "exit=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'report', '-x', '110', '-y', '30', cmd);
    let s = await waitFor((x) => x.includes('ukport report ·'), 'the view', 150_000); // the first frame waits for the whole analysis (cold libc summaries on a loaded CI machine)
    const lines = s.split('\n');
    expect(lines[0]).toMatch(/^ukport report · (READY|RUNS WITH GAPS|NEEDS WORK|BLOCKED) · Unikraft \S+ x86_64 · libc (musl|newlib) · mode binary-compat/);
    expect(lines[1]).toMatch(/^libraries \(\d+\): /);
    expect(lines[2]).toMatch(/Syscalls \d+ +Functions \d+ +Headers \d+ +Libraries \d+ +Unresolved \d+/);
    expect(s).toMatch(/^› ● \S+/m);
    expect(s).toMatch(/1\/\d+\s*$/m);

    await keys('j');
    s = await waitFor((x) => /2\/\d+\s*$/m.test(x), 'the cursor on item 2');
    await keys('k');
    await waitFor((x) => /1\/\d+\s*$/m.test(x), 'the cursor back on item 1');

    await keys('/', 'e', 'p', 'o', 'l', 'l', 'Enter');
    s = await waitFor((x) => x.includes('filter "epoll"'), 'the filter');
    const items = s.split('\n').filter((l) => l.includes('●')).map((l) => l.replace(/[›●]/g, '').trim());
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i).toContain('epoll');

    await keys('Enter');
    s = await waitFor((x) => x.includes('Evidence ('), 'the detail pane');
    expect(s).toMatch(/┌─+┐/);
    expect(s).toMatch(/seen by \S+/);

    await keys('Escape', 'Escape', 'Tab');
    s = await waitFor((x) => !x.includes('Evidence (') && !x.includes('filter "'), 'detail closed and filter cleared');

    await keys('q');
    s = await waitFor((x) => x.includes('exit=0'), 'the exit status');
    expect(s).not.toContain('ukport report ·');
  }, 240_000);

  test('without a terminal it prints the report as text: verdict and plan', () => {
    const r = runCli(['report', app]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Verdict: (ready|runs with gaps|needs work|blocked) on Unikraft /);
    expect(r.stdout).toMatch(/^Porting plan: Unikraft /m);
    expect(r.stdout).not.toContain('\u001b[?1049h');
    const md = runCli(['report', '--format', 'markdown', app]);
    expect(md.stdout).toMatch(/^# ukport porting report/);
  });
});
