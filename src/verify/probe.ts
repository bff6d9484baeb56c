import { createConnection, createServer } from 'node:net';
import type { TcpProbe } from './qemu.js';

/** A free TCP port on 127.0.0.1 (bound to port 0 and read back, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** One attempt: connect to 127.0.0.1:PORT, send, and wait for the expected text (or, without one, any answer or a connection that stays open). */
export function probeOnce(port: number, probe: TcpProbe, waitMs = 3000): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolveProbe) => {
    let received = '';
    let settled = false;
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolveProbe({ ok, detail });
    };
    // without an expected answer, a connection qemu's forwarder keeps open for the whole wait is the guest's
    const timer = setTimeout(() => finish(!probe.expect && received === '' ? true : false,
      probe.expect ? `no '${probe.expect}' in the answer within ${waitMs} ms (got ${JSON.stringify(received.slice(0, 80))})` : 'connection held open'), waitMs);
    socket.setEncoding('latin1');
    socket.on('connect', () => { if (probe.send) socket.write(probe.send, 'latin1'); });
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (!probe.expect) finish(true, `answered ${JSON.stringify(received.slice(0, 80))}`);
      else if (received.includes(probe.expect)) finish(true, `answered with '${probe.expect}'`);
    });
    socket.on('error', (e) => finish(false, e.message));
    socket.on('close', () => finish(false, received ? `closed after ${JSON.stringify(received.slice(0, 80))}` : 'closed without an answer'));
  });
}
