import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import type { Arch } from '../model/index.js';

/** What one boot of a unikernel image needs. */
export interface QemuRequest {
  arch: Arch;
  kernel: string;
  initrd?: string;
  memoryMiB: number;
  accel: 'kvm' | 'tcg';
  /** TCP ports forwarded from 127.0.0.1 on the host to the guest. */
  forwards: { host: number; guest: number }[];
  /** Unikraft library parameters (`netdev.ip=…`), placed before `--`. */
  kernelParams: string[];
  /** The application's arguments, after `--`. */
  appArgs: string[];
}

// qemu's own messages when KVM exists but cannot run the guest (nested virtualization without the MSRs qemu sets)
const KVM_BROKEN = /failed to set MSR|kvm_buf_set_msrs|KVM internal error|Could not access KVM|failed to initialize kvm|KVM not supported/i;

/**
 * KVM when /dev/kvm can be opened for reading and writing, the guest has the host's architecture and a
 * 3-second qemu start with `-accel kvm -cpu max` does not fail (nested KVM can lack MSRs qemu sets); else TCG.
 */
export function pickAccel(arch: Arch, hostArch: string = process.arch): 'kvm' | 'tcg' {
  const native = (arch === 'x86_64' && hostArch === 'x64') || (arch === 'aarch64' && hostArch === 'arm64');
  if (!native || !existsSync('/dev/kvm')) return 'tcg';
  try { accessSync('/dev/kvm', constants.R_OK | constants.W_OK); } catch { return 'tcg'; }
  const bin = arch === 'x86_64' ? 'qemu-system-x86_64' : 'qemu-system-aarch64';
  const r = spawnSync(bin, ['-accel', 'kvm', '-cpu', 'max', '-m', '16M', '-display', 'none', '-serial', 'none', '-monitor', 'none', '-nodefaults', '-no-reboot'],
    { timeout: 3000, encoding: 'utf8', killSignal: 'SIGKILL' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return 'tcg';
  return KVM_BROKEN.test(`${r.stderr ?? ''}${r.stdout ?? ''}`) || (r.status !== null && r.status !== 0) ? 'tcg' : 'kvm';
}

/** The kernel command line: library parameters, `--`, the app's arguments (double-quoted when they hold spaces or quotes). */
export function kernelCommandLine(params: string[], appArgs: string[]): string {
  const quote = (a: string) => (/[\s"']/.test(a) || a === '' ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a);
  return [...params, '--', ...appArgs.map(quote)].join(' ');
}

/** Splits --cmd like a shell would for plain words and '…' / "…" quoting: `nginx -g 'daemon off;'` → 3 words. */
export function splitCommand(cmd: string): string[] {
  const words: string[] = [];
  for (const m of cmd.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3])!);
  return words;
}

/**
 * The qemu argv for one boot. Console on stdio (the caller logs it), no display, no reboot; user-mode
 * networking with `restrict=on` (the guest reaches nothing outside) and each forward bound to 127.0.0.1
 * only. `-cpu max`: Unikraft's ukrandom needs RDRAND and RDSEED (0.17.0 stops with "Could not initialize
 * the HWRNG (-95)" on qemu's default TCG CPU), and app-elfloader maps with 1 GiB pages (pdpe1gb).
 */
export function qemuArgv(req: QemuRequest): string[] {
  const x86 = req.arch === 'x86_64';
  const argv = [x86 ? 'qemu-system-x86_64' : 'qemu-system-aarch64'];
  if (!x86) argv.push('-machine', 'virt');
  argv.push('-accel', req.accel, '-cpu', 'max', '-m', `${req.memoryMiB}M`, '-smp', '1');
  argv.push('-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot', '-nodefaults');
  const fwd = req.forwards.map((f) => `,hostfwd=tcp:127.0.0.1:${f.host}-:${f.guest}`).join('');
  argv.push('-netdev', `user,id=net0,restrict=on${fwd}`, '-device', `virtio-net-${x86 ? 'pci' : 'device'},netdev=net0`);
  argv.push('-kernel', req.kernel);
  if (req.initrd) argv.push('-initrd', req.initrd);
  argv.push('-append', kernelCommandLine(req.kernelParams, req.appArgs));
  return argv;
}

/** A `--probe tcp:PORT[:SEND:EXPECT]` request. */
export interface TcpProbe {
  port: number;
  /** Bytes sent after connecting (`\n`, `\r`, `\t`, `\\` escapes decoded). */
  send?: string;
  /** Text the answer must contain. */
  expect?: string;
}

const unescape = (s: string) => s.replace(/\\([nrt\\])/g, (_a, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c]!);

/** Parses `tcp:8080`, `tcp:8080:PING\n:PONG`; undefined for anything else. */
export function parseProbe(spec: string): TcpProbe | undefined {
  const m = /^tcp:(\d{1,5})(?::(.*?):(.*))?$/s.exec(spec);
  if (!m) return undefined;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return undefined;
  return { port, ...(m[2] !== undefined ? { send: unescape(m[2]) } : {}), ...(m[3] !== undefined && m[3] !== '' ? { expect: unescape(m[3]) } : {}) };
}
