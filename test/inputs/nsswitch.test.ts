import { expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNsswitch, readNsswitch } from '../../src/inputs/nsswitch.js';

test('nsswitch.conf: services in order of first use, with the databases naming them; actions and comments skipped', () => {
  const text = [
    '# comment: passwd: ldap',
    'passwd:         files systemd',
    'group:          files [SUCCESS=merge] systemd  # trailing comment',
    'hosts:          files mdns4_minimal [NOTFOUND=return] dns myhostname',
    'netgroup:       nis',
    'bogus line without colon',
    '',
  ].join('\n');
  const line = (n: number, t: string) => ({ file: '/etc/nsswitch.conf', line: n, text: t });
  const passwd = line(2, 'passwd: files systemd'), group = line(3, 'group: files [SUCCESS=merge] systemd');
  const hosts = line(4, 'hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname');
  expect(parseNsswitch(text)).toEqual([
    { name: 'files', databases: ['passwd', 'group', 'hosts'], lines: [passwd, group, hosts] },
    { name: 'systemd', databases: ['passwd', 'group'], lines: [passwd, group] },
    { name: 'mdns4_minimal', databases: ['hosts'], lines: [hosts] },
    { name: 'dns', databases: ['hosts'], lines: [hosts] },
    { name: 'myhostname', databases: ['hosts'], lines: [hosts] },
    { name: 'nis', databases: ['netgroup'], lines: [line(5, 'netgroup: nis')] },
  ]);
});

test('read from the scanned root; a root without the file has no services', () => {
  const root = mkdtempSync(join(tmpdir(), 'ukport-nss-'));
  try {
    expect(readNsswitch(root)).toEqual([]);
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/nsswitch.conf'), 'passwd: files sss\n');
    expect(readNsswitch(root).map((s) => s.name)).toEqual(['files', 'sss']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
