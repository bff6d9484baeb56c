#!/usr/bin/env node
// Opt-in integration tier: `UKPORT_UNIKRAFT_SOURCES=DIR[:DIR...] npm run verify-ports`.
// Builds, boots and probes the project's own apps (and Debian's nginx and redis-server when installed) with
// `ukport verify` on each sources directory (docs/verify.md: how to get them with git), and prints a table.
// UKPORT_VERIFY_OUT (default: $TMPDIR/ukport-verify-ports) keeps the build directories between runs;
// UKPORT_VERIFY_ONLY=name,name runs a subset. Skips with a message when UKPORT_UNIKRAFT_SOURCES is not set.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const sources = (process.env.UKPORT_UNIKRAFT_SOURCES ?? '').split(':').filter(Boolean);
if (sources.length === 0) {
  console.log('verify-ports: skipped (set UKPORT_UNIKRAFT_SOURCES to a Unikraft sources directory; see docs/verify.md)');
  process.exit(0);
}
const out = process.env.UKPORT_VERIFY_OUT ?? join(tmpdir(), 'ukport-verify-ports');
const only = new Set((process.env.UKPORT_VERIFY_ONLY ?? '').split(',').filter(Boolean));
const build = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status === 0 || process.exit(2);
build('npm', ['run', '-s', 'build']);
build('make', ['-s', '-C', 'fixtures', 'verify']);
const apps = join(root, 'fixtures/verify/apps');
const bins = join(root, 'fixtures/build/verify');

const APPS = [
  { name: 'hello', form: 'native musl', args: ['--mode', 'native', '--libc', 'musl', '--expect-output', 'Hello from ukport verify', join(apps, 'hello.c')] },
  { name: 'tcpd', form: 'native musl + lwip', args: ['--mode', 'native', '--libc', 'musl', '--cmd=8080', '--probe', 'tcp:8080:ping\\n:pong', join(apps, 'tcpd.c')] },
  { name: 'tcpd.static-pie', form: 'glibc static-pie, app-elfloader', args: ['--memory', '512', '--probe', 'tcp:8080:ping\\n:pong', join(bins, 'tcpd.static-pie')] },
  { name: 'tcpd.dyn', form: 'glibc dynamic, app-elfloader', args: ['--memory', '512', '--probe', 'tcp:8080:ping\\n:pong', join(bins, 'tcpd.dyn')] },
  { name: 'redis-server', form: 'Debian redis-server, app-elfloader', needs: '/usr/bin/redis-server',
    args: ['--memory', '1024', "--cmd=/usr/bin/redis-server --port 6379 --protected-mode no --save '' --appendonly no", '--probe', 'tcp:6379:PING\\r\\n:+PONG', '/usr/bin/redis-server'] },
  { name: 'nginx', form: 'Debian nginx, app-elfloader', needs: '/usr/sbin/nginx',
    // Debian's nginx.conf turns on tcp_nopush, whose setsockopt Unikraft answers ENOPROTOOPT (nginx then drops the
    // request): fixtures/verify/apps/nginx.conf is a one-process configuration without it, put in the rootfs
    args: ['--memory', '1024', '--rootfs-add', `/etc/nginx,/var/www/html,/var/log/nginx,/var/lib/nginx,${apps}`,
      `--cmd=/usr/sbin/nginx -c ${join(apps, 'nginx.conf')} -g 'daemon off; master_process off;'`, '--probe', 'tcp:80:GET / HTTP/1.0\\r\\n\\r\\n:HTTP/1.1 200', '/usr/sbin/nginx'] },
];

const rows = [];
for (const src of sources) {
  for (const app of APPS) {
    if (only.size && !only.has(app.name)) continue;
    if (app.needs && !existsSync(app.needs)) { rows.push([app.name, '-', app.form, '-', `skipped: ${app.needs} not installed`, '-', '-', '-']); continue; }
    const dir = join(out, `${app.name}-${src.replace(/[^A-Za-z0-9]+/g, '_')}`);
    console.error(`verify-ports: ${app.name} on ${src}`);
    spawnSync('node', [join(root, 'dist/cli.js'), 'verify', '--offline', '--boot-timeout', '300', '--sources', src, '--out', dir, ...app.args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const file = join(dir, 'verification.json');
    if (!existsSync(file)) { rows.push([app.name, '-', app.form, '-', 'no result (usage error?)', '-', '-', '-']); continue; }
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const build = v.stages.find((s) => s.stage === 'build');
    const boot = v.stages.find((s) => s.stage === 'boot');
    const missing = (v.syscalls?.observed ?? []).filter((o) => o.notAvailable).map((o) => o.name);
    const gaps = (v.syscalls?.gaps ?? []).map((g) => `${g.name}${g.hit ? '' : '(not hit)'}`);
    rows.push([app.name, v.release, app.form, build ? `${build.seconds} s` : '-', v.boot ? `${v.outcome} (${v.boot.end}${boot ? `, ${boot.seconds} s` : ''})` : v.outcome,
      v.probe ? `${v.probe.ok ? 'answered' : 'FAILED'}` : '-', `${missing.join(' ') || 'none'} | predicted gaps: ${gaps.join(' ') || 'none'}`,
      v.syscalls ? (v.syscalls.unpredicted.join(' ') || 'none') : '-']);
  }
}
const header = ['app', 'release', 'form', 'build', 'result', 'probe', 'not available at run time | predicted gaps', 'seen, not predicted'];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
// a row passes when the port ran (verified, or booted when nothing was asked) and nothing unpredicted was seen;
// missing sources or no result count as failures, an app that is not installed as skipped
const passed = (r) => /^(verified|booted)\b/.test(r[4]) && !/FAILED/.test(r[5]) && r[7] === 'none';
const skipped = rows.filter((r) => r[4].startsWith('skipped'));
const failed = rows.filter((r) => !passed(r) && !skipped.includes(r));
console.log(`\n${rows.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped`);
process.exit(failed.length ? 1 : 0);
