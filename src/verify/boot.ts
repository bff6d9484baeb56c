import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBounded } from './run-bounded.js';
import { qemuArgv, type QemuRequest, type TcpProbe } from './qemu.js';
import { probeOnce } from './probe.js';
import { crashLine } from './boot-log.js';

/** How to boot and what to wait for. */
export interface BootRequest {
  qemu: QemuRequest;
  log: string;
  cwd: string;
  seconds: number;
  memoryBytes: number;
  /** Text of the app's output that shows it ran. */
  expectOutput?: string;
  /** TCP probe against the forwarded host port (the first forward). */
  probe?: { spec: string; tcp: TcpProbe; hostPort: number };
}

/** What happened during the boot. */
export interface BootRun {
  argv: string[];
  end: 'probe-done' | 'exited' | 'crashed' | 'timeout';
  seconds: number;
  probe?: { spec: string; ok: boolean; detail: string };
  expectSeen?: boolean;
}

const readLog = (p: string) => (existsSync(p) ? readFileSync(p, 'latin1') : '');

/**
 * Boots the image under qemu with the time and memory bounds, logging the console to LOG. Stops as
 * soon as the question is answered: the expected output seen and the probe answered (or failed to the
 * end of the time bound), a crash in the log, or qemu's own exit. qemu is always killed on return.
 */
export async function bootImage(req: BootRequest): Promise<BootRun> {
  const argv = qemuArgv(req.qemu);
  const run = startBounded(argv, { cwd: req.cwd, log: req.log, bounds: { seconds: req.seconds, memoryBytes: req.memoryBytes } });
  let exited = false;
  void run.done.then(() => { exited = true; });
  const started = Date.now();
  const deadline = started + req.seconds * 1000;
  let probe: BootRun['probe'];
  let end: BootRun['end'] = 'timeout';
  try {
    while (Date.now() < deadline) {
      const log = readLog(req.log);
      if (crashLine(log)) { await sleep(500); end = 'crashed'; break; }
      if (exited) { end = crashLine(readLog(req.log)) ? 'crashed' : 'exited'; break; }
      const expectSeen = !req.expectOutput || log.includes(req.expectOutput);
      if (req.probe && !probe?.ok) {
        const attempt = await probeOnce(req.probe.hostPort, req.probe.tcp, Math.min(3000, Math.max(500, deadline - Date.now())));
        probe = { spec: req.probe.spec, ...attempt };
      }
      if (expectSeen && (!req.probe || probe?.ok)) {
        await sleep(1000); // let the log show what the request made the app do
        end = 'probe-done';
        break;
      }
      await sleep(req.probe ? 700 : 250);
    }
  } finally {
    run.kill();
    await run.done;
  }
  const log = readLog(req.log);
  return {
    argv, end, seconds: (Date.now() - started) / 1000,
    ...(probe ? { probe } : req.probe ? { probe: { spec: req.probe.spec, ok: false, detail: 'never attempted: the guest stopped first' } } : {}),
    ...(req.expectOutput ? { expectSeen: log.includes(req.expectOutput) } : {}),
  };
}
