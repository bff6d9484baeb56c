import { describe, expect, test } from '@jest/globals';
import { kernelCommandLine, parseProbe, qemuArgv } from '../../src/verify/qemu.js';
import { archiveFetches, parseDotConfig } from '../../src/verify/fetches.js';

describe('qemu command line', () => {
  const argv = qemuArgv({
    arch: 'x86_64', kernel: '/out/build/app_qemu-x86_64', initrd: '/out/rootfs.cpio', memoryMiB: 256, accel: 'tcg',
    forwards: [{ host: 40123, guest: 8080 }], kernelParams: ['netdev.ip=10.0.2.15/24:10.0.2.2'], appArgs: ['/usr/bin/app', '8080'],
  });
  const after = (flag: string) => argv[argv.indexOf(flag) + 1];

  test('x86_64 under TCG with -cpu max, console on stdio, no reboot', () => {
    expect(argv[0]).toBe('qemu-system-x86_64');
    expect(after('-accel')).toBe('tcg');
    expect(after('-cpu')).toBe('max');
    expect(after('-serial')).toBe('stdio');
    expect(argv).toContain('-no-reboot');
    expect(after('-m')).toBe('256M');
  });

  test('user networking is restricted and every forward listens on 127.0.0.1 only', () => {
    const netdev = after('-netdev')!;
    expect(netdev).toBe('user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:40123-:8080');
    expect(after('-device')).toBe('virtio-net-pci,netdev=net0');
  });

  test('library parameters before --, the app arguments after', () => {
    expect(after('-append')).toBe('netdev.ip=10.0.2.15/24:10.0.2.2 -- /usr/bin/app 8080');
    expect(after('-kernel')).toBe('/out/build/app_qemu-x86_64');
    expect(after('-initrd')).toBe('/out/rootfs.cpio');
    expect(kernelCommandLine([], [])).toBe('--');
  });

  test('aarch64 uses the virt machine and virtio-net-device', () => {
    const a = qemuArgv({ arch: 'aarch64', kernel: 'k', memoryMiB: 64, accel: 'tcg', forwards: [], kernelParams: [], appArgs: [] });
    expect(a[0]).toBe('qemu-system-aarch64');
    expect(a.slice(1, 3)).toEqual(['-machine', 'virt']);
    expect(a).toContain('virtio-net-device,netdev=net0');
    expect(a).not.toContain('-initrd');
  });
});

describe('--probe', () => {
  test('port only, and port with what to send and expect (escapes decoded)', () => {
    expect(parseProbe('tcp:8080')).toEqual({ port: 8080 });
    expect(parseProbe('tcp:6379:PING\\r\\n:+PONG')).toEqual({ port: 6379, send: 'PING\r\n', expect: '+PONG' });
    expect(parseProbe('tcp:80:GET / HTTP/1.0\\r\\n\\r\\n:HTTP/1.1 200')).toEqual({ port: 80, send: 'GET / HTTP/1.0\r\n\r\n', expect: 'HTTP/1.1 200' });
  });
  test('anything else is refused', () => {
    for (const bad of ['udp:53', 'tcp:', 'tcp:0', 'tcp:70000', 'tcp:80x', '8080']) expect(parseProbe(bad)).toBeUndefined();
  });
});

describe('archives a Makefile.uk fetches', () => {
  // lib-musl RELEASE-0.16.3 Makefile.uk lines 67-70; lib-lwip RELEASE-0.16.2 Makefile.uk lines 44-60 (unikraft/lib-musl, unikraft/lib-lwip)
  const musl = ['LIBMUSL_VERSION=1.2.3', 'LIBMUSL_URL=https://www.musl-libc.org/releases/musl-$(LIBMUSL_VERSION).tar.gz',
    'LIBMUSL_PATCHDIR=$(LIBMUSL_BASE)/patches', '$(eval $(call fetch,libmusl,$(LIBMUSL_URL)))', '$(eval $(call patch,libmusl,$(LIBMUSL_PATCHDIR),musl-$(LIBMUSL_VERSION)))'].join('\n');
  const lwip = [
    'ifeq ($(CONFIG_LWIP_UNIKRAFT21X),y)', 'LIBLWIP_BRANCH=UNIKRAFT-2_1_x', 'LIBLWIP_ZIPNAME=fork-lwip-$(LIBLWIP_BRANCH)',
    'LIBLWIP_URL=https://github.com/unikraft/fork-lwip/archive/refs/heads/$(LIBLWIP_BRANCH).zip',
    'else ifeq ($(CONFIG_LWIP_LATEST21X),y)', 'LIBLWIP_BRANCH=STABLE-2_1_x', 'LIBLWIP_URL=https://github.com/unikraft/fork-lwip/archive/refs/heads/$(LIBLWIP_BRANCH).zip',
    'else', 'LIBLWIP_TAG=STABLE-2_1_2_RELEASE', 'LIBLWIP_URL=https://github.com/unikraft/fork-lwip/archive/refs/tags/$(LIBLWIP_TAG).zip', 'endif',
    '$(eval $(call fetch,liblwip,$(LIBLWIP_URL)))'].join('\n');

  test('lib-musl: musl-1.2.3.tar.gz with its URL', () => {
    expect(archiveFetches(musl, {})).toEqual([{ lib: 'libmusl', file: 'musl-1.2.3.tar.gz', urls: ['https://www.musl-libc.org/releases/musl-1.2.3.tar.gz'] }]);
  });
  test('lib-lwip: the branch the .config chose (else ifeq chains)', () => {
    expect(archiveFetches(lwip, { CONFIG_LWIP_UNIKRAFT21X: 'y' })[0]).toMatchObject({ lib: 'liblwip', file: 'UNIKRAFT-2_1_x.zip' });
    expect(archiveFetches(lwip, { CONFIG_LWIP_LATEST21X: 'y' })[0]).toMatchObject({ file: 'STABLE-2_1_x.zip' });
    expect(archiveFetches(lwip, {})[0]).toMatchObject({ file: 'STABLE-2_1_2_RELEASE.zip' });
  });
  test('fetchas names the file; fetch2 keeps both URLs', () => {
    expect(archiveFetches('$(eval $(call fetchas,libx,https://h/a.tgz,x-1.tgz))', {})).toEqual([{ lib: 'libx', file: 'x-1.tgz', urls: ['https://h/a.tgz'] }]);
    expect(archiveFetches('$(eval $(call fetch2,liby,https://h/y.tar.xz,https://m/y.tar.xz))', {})[0]!.urls).toHaveLength(2);
  });
  test('.config values, quoted strings unquoted, unset symbols left out', () => {
    expect(parseDotConfig('CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="x y"\n')).toEqual({ CONFIG_A: 'y', CONFIG_C: 'x y' });
  });
});

describe('app arguments', () => {
  test("--cmd splits like a shell for words and quotes; the kernel command line quotes them back", async () => {
    const { splitCommand } = await import('../../src/verify/qemu.js');
    const words = splitCommand(`/usr/sbin/nginx -g 'daemon off; master_process off;' "a \\"b\\""`);
    expect(words).toEqual(['/usr/sbin/nginx', '-g', 'daemon off; master_process off;', 'a "b"']);
    expect(kernelCommandLine(['netdev.ip=x'], words)).toBe('netdev.ip=x -- /usr/sbin/nginx -g "daemon off; master_process off;" "a \\"b\\""');
  });
});
