import { describe, expect, test } from '@jest/globals';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { buildFixtures, ensureBuilt, hasTool, runCli } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { readYaml } from './read-yaml.js';
import { kraftfileValidator } from './kraftfile-schemas.js';
import { runPipeline } from '../../src/pipeline.js';
import { loadTables } from '../../src/data/tables.js';

// Acceptance (#24): a small TCP server of the project's own, dynamic against glibc and zlib.
const SERVER = join(buildFixtures('servers'), 'tcp-server');
const newest = loadTables().unikraft.filter((t) => /^v\d+(\.\d+)*$/.test(t.release)).at(-1)!.release;

/** ldd's resolution of the real binary: soname (or interpreter path) → the file it loads. */
function lddClosure(bin: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of execFileSync('ldd', [bin], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*(\S+) => (\/\S+)/.exec(line) ?? /^\s*(\/\S+) \(/.exec(line);
    if (m) out.set(m[1]!, m[2] ?? m[1]!);
  }
  return out;
}

/** COPY lines of a Dockerfile: destination → source (plain and JSON forms). */
function copies(dockerfile: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of dockerfile.split('\n')) {
    const json = /^COPY (\[.*\])$/.exec(line);
    const [src, dst] = json ? (JSON.parse(json[1]!) as string[]) : line.startsWith('COPY ') ? line.split(' ').slice(1) : [];
    if (src && dst) out.set(dst, src);
  }
  return out;
}

describe('the tcp-server fixture', () => {
  test('is what its comment says: serves one client the CRC-32 of its line, on a free port', async () => {
    expect(execFileSync('readelf', ['-d', SERVER], { encoding: 'utf8' }).match(/\(NEEDED\).*\[(.*)\]/g)?.map((l) => /\[(.*)\]/.exec(l)![1])).toEqual(['libz.so.1', 'libc.so.6']);
    const p = spawn(SERVER, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => { const m = /listening (\d+)/.exec(d.toString()); if (m) resolve(Number(m[1])); });
      void exited.then(() => reject(new Error('server exited')));
    });
    const reply = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write('hello\n'));
      let got = '';
      s.on('data', (d) => { got += d.toString(); });
      s.on('close', () => resolve(got));
    });
    expect(reply).toBe(`crc32 ${crc32('hello\n').toString(16).padStart(8, '0')}\n`);
    expect(await exited).toBe(0);
  });
});

describe('its plan and manifests', () => {
  test.each(['v0.17.0', newest])('plan at %s: lwip, netdev with netdev.ip=, a netdev driver per target, app-elfloader without musl', async (release) => {
    const r = await runPipeline({ paths: [SERVER], plan: { release } });
    const plan = r.plan!;
    expect(plan.mode).toBe('binary-compat');
    expect(plan.network?.stack).toBe('lwip');
    const names = plan.libraries.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['lwip', 'uknetdev', 'uklibparam', 'posix-socket']));
    expect(names).not.toContain('musl');
    expect(plan.kconfig).toEqual(expect.arrayContaining(['CONFIG_LIBUKNETDEV_EINFO_LIBPARAM=y', 'CONFIG_LWIP_SOCKET=y', 'CONFIG_LWIP_TCP=y']));
    expect(plan.network?.kernelArgs).toEqual(['netdev.ip=ADDRESS/PREFIX:GATEWAY:::']);
    const drivers = Object.fromEntries((plan.targets ?? []).map((t) => [t.name, t.drivers]));
    expect(drivers['qemu/x86_64']).toEqual(expect.arrayContaining(['drivers/virtio/net', 'drivers/virtio/pci']));
    expect(drivers['fc/x86_64']).toEqual(expect.arrayContaining(['drivers/virtio/net', 'drivers/virtio/mmio']));
    expect(drivers['fc/x86_64']).not.toContain('drivers/virtio/pci');
    expect(plan.application?.brings).toContain('libelf');
  }, 60_000);

  (hasTool('ldd') ? test : test.skip)('manifest: the Dockerfile copies the whole load-time closure ldd resolves; the Kraftfile validates against v0.6 and v0.7', () => {
    ensureBuilt();
    for (const spec of ['v0.6', 'v0.7']) {
      const out = join(tempDir('ukport-tcp-'), 'm');
      const run = runCli(['manifest', '--out', out, '--kraftfile-spec', spec, SERVER], {}, 120_000);
      expect(run.status).toBe(0);
      const kraftfile = readYaml(readFileSync(join(out, 'Kraftfile'), 'utf8')) as Record<string, unknown>;
      const validate = kraftfileValidator(spec);
      expect(validate(kraftfile) ? [] : validate.errors).toEqual([]);
      expect(kraftfile).toMatchObject({ spec, name: 'tcp-server', runtime: 'base:latest', rootfs: './Dockerfile', cmd: ['/usr/local/bin/tcp-server'] });
      const dockerfile = readFileSync(join(out, 'Dockerfile'), 'utf8');
      expect(dockerfile.split('\n').find((l) => !l.startsWith('#') && l.trim())).toBe('FROM scratch');
      const copied = copies(dockerfile);
      expect(copied.get('/usr/local/bin/tcp-server')).toBe('rootfs/usr/local/bin/tcp-server');
      // every library ldd loads is in the image at a path ld.so searches by that name, with the same bytes
      const ldd = lddClosure(SERVER);
      expect([...ldd.keys()].sort()).toEqual(['/lib64/ld-linux-x86-64.so.2', 'libc.so.6', 'libz.so.1']);
      for (const [name, path] of ldd) {
        const dst = [...copied.keys()].find((d) => d === name || d.endsWith(`/${name}`));
        expect({ name, dst }).toEqual({ name, dst: expect.stringMatching(/^\/(usr\/)?lib(64|\/x86_64-linux-gnu)\//) });
        expect(readFileSync(join(out, copied.get(dst!)!)).equals(readFileSync(realpathSync(path)))).toBe(true);
      }
      // getaddrinfo is its only name-service lookup: nsswitch.conf names hosts, served by glibc itself
      expect(readFileSync(join(out, 'rootfs/etc/nsswitch.conf'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['hosts:      files dns']);
      expect(copied.get('/etc/nsswitch.conf')).toBe('rootfs/etc/nsswitch.conf');
    }
  }, 240_000);
});
