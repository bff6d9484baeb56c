import type { Plan } from '../../src/model/index.js';
import { planPort } from '../../src/plan/plan-port.js';
import type { ManifestApp } from '../../src/emit/manifest-app.js';
import { facts, miniTables } from '../plan/mini-tables.js';
import { EPOLL, PLAIN } from '../plan/fixture-apps.js';

/** epoll-echo planned for the mini v0.15.0, which has no epoll: three syscalls for the compat library. */
export function epollOn015(): Plan {
  return planPort(facts(EPOLL), miniTables(), { arch: 'x86_64', release: 'v0.15.0' });
}

/** The golden app: epoll-echo on mini v0.15.0 with a fixed generator string. */
export function goldenApp(): ManifestApp {
  return { name: 'epoll-echo', plan: epollOn015(), generator: 'ukport (golden)', sources: ['epoll-echo.c'], cmd: ['-p', '8080'] };
}

/** More plans for the validation tests: plain (rootfs), arm64, binary-compat with a port. */
export function variantApps(): ManifestApp[] {
  const t = miniTables();
  return [
    goldenApp(),
    { name: 'plain', plan: planPort(facts(PLAIN), t, { arch: 'x86_64' }), generator: 'ukport (test)' },
    { name: 'Plain App!', plan: planPort(facts({ ...PLAIN, syscalls: [...PLAIN.syscalls, 'openat', 'mount', 'prctl'] }), t, { arch: 'aarch64' }), generator: 'ukport (test)' },
    { name: 'ssl-client', plan: planPort(facts({ syscalls: ['socket', 'memfd_create'], startup: ['arch_prctl'], sonames: [['libssl.so.3', '3']] }), t, { arch: 'x86_64', mode: 'binary-compat' }), generator: 'ukport (test)' },
    { name: 'ssl-native', plan: planPort(facts({ syscalls: ['socket', 'getpid'], sonames: [['libssl.so.3', '3']] }), { ...t, externalLibs: [{ sonamePattern: 'libssl.so*', port: 'lib-openssl', kconfig: 'LIBSSL', upstreamVersion: '3.0.2', compatibleVersions: ['3'] }] }, { arch: 'x86_64', libc: 'newlib' }), generator: 'ukport (test)' },
  ];
}
