import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readPortVersion, syncExternalLibs } from '../../src/sync/external-libs.js';
import { loadTables } from '../../src/data/tables.js';
import { isSonameCompatible, lookupSoname } from '../../src/data/table-lookup.js';

const PORTS = new URL('../../fixtures/unikraft-ports/', import.meta.url).pathname;

describe('external libs', () => {
  test('fixture ports: versions from Makefile.uk variables, Kconfig per part, placeholders', () => {
    const t = syncExternalLibs(['lib-zlib', 'lib-openssl', 'lib-sqlite', 'lib-libjpeg'].map((d) => PORTS + d));
    const rows = t.ports.map(({ provenance: _p, ...rest }) => rest);
    expect(rows).toEqual([
      { sonamePattern: 'libssl.so*', port: 'lib-openssl', kconfig: 'LIBSSL', upstreamVersion: '1.1.1c', compatibleVersions: ['1.1'] },
      { sonamePattern: 'libcrypto.so*', port: 'lib-openssl', kconfig: 'LIBCRYPTO', upstreamVersion: '1.1.1c', compatibleVersions: ['1.1'] },
      { sonamePattern: 'libsqlite3.so*', port: 'lib-sqlite', kconfig: 'LIBSQLITE', upstreamVersion: '3.40.1', compatibleVersions: ['0'] },
      { sonamePattern: 'libz.so*', port: 'lib-zlib', kconfig: 'LIBZLIB', upstreamVersion: '1.2.13', compatibleVersions: ['1'] },
    ]);
    expect(t.placeholders!.map((p) => p.port)).toEqual(['lib-libjpeg']);
    expect(readPortVersion('X_VERSION=3.10\nX_REVISION=11\nX_VERSION_LONG=$(X_VERSION).$(X_REVISION)\n')).toBe('3.10.11');
  });

  // Oracle: the sonames of this machine's libraries and the Debian package versions they come from.
  test('soname rules agree with installed libraries of the same upstream series', () => {
    const tables = loadTables();
    const dir = '/usr/lib/x86_64-linux-gnu';
    let checked = 0;
    // (libuuid is left out: Debian ships util-linux's, versioned 2.x; the port is the standalone libuuid 1.0.3)
    for (const lib of ['libz.so.1', 'libsqlite3.so.0', 'libffi.so.8', 'libpng16.so.16', 'libsodium.so.23', 'libssl.so.3']) {
      const path = `${dir}/${lib}`;
      if (!existsSync(path)) continue;
      const soname = /\(SONAME\)\s+Library soname: \[([^\]]+)\]/.exec(execFileSync('readelf', ['-d', path], { encoding: 'utf8' }))?.[1];
      let pkgVersion: string;
      try {
        // usrmerge: dpkg may know the file under /lib
        const owner = (p: string): string => execFileSync('dpkg', ['-S', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        let out: string;
        try {
          out = owner(path);
        } catch {
          out = owner(path.replace('/usr/lib/', '/lib/'));
        }
        const pkg = out.split(':')[0]!;
        pkgVersion = execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
      } catch {
        continue;
      }
      const upstream = pkgVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '').match(/\d+(?:\.\d+)*/)![0].split('.').map(Number);
      const [port] = lookupSoname(tables, soname!);
      expect(port).toBeDefined();
      const portV = port!.upstreamVersion.match(/\d+(?:\.\d+)*/)![0].split('.').map(Number);
      const sameSeries = upstream[0] === portV[0] && (upstream[0]! >= 3 && port!.port === 'lib-openssl' ? true : upstream[1] === portV[1]);
      // same major.minor series as the port → ABI-compatible soname; different major → not
      if (sameSeries) expect({ soname, ok: isSonameCompatible(port!, soname!) }).toEqual({ soname, ok: true });
      if (upstream[0] !== portV[0]) expect({ soname, ok: isSonameCompatible(port!, soname!) }).toEqual({ soname, ok: false });
      checked++;
    }
    process.stdout.write(`checked ${checked} installed libraries\n`);
  });
});
