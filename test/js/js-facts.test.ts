import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { Fact, ModuleFact, SyscallFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { jsProject, scanJsModules } from '../../src/extract/js/scan-js-modules.js';
import { ROOT } from '../helpers/tools.js';

const APP = join(ROOT, 'fixtures', 'node-app');

const modules = (facts: Fact[]) => facts.filter((f): f is ModuleFact => f.kind === 'module').map((f) => ({
  name: f.name, members: f.members ?? [], features: f.features ?? [],
  at: f.evidence.map((e) => `${e.artifact.split('/').pop()}:${e.location!.line}`),
})).sort((a, b) => a.name.localeCompare(b.name));

describe('Node.js / TypeScript project', () => {
  test('exact module facts with lines (JS and TS; node_modules skipped)', async () => {
    const report = await runPipeline({ paths: [APP] });
    expect(modules(report.facts)).toEqual([
      { name: 'child_process', members: ['fork', 'execSync'], features: ['process-spawn', 'ipc-channel', 'shell'], at: ['server.js:3', 'server.js:3', 'server.js:3', 'server.js:11', 'server.js:13'] },
      // the require lines themselves (server.js:4, :5) are evidence too now that every import is a fact
      { name: 'fs', members: ['watch'], features: ['file-watch'], at: ['server.js:12', 'server.js:4'] },
      { name: 'fs/promises', members: ['watch'], features: ['file-watch'], at: ['pool.ts:13', 'pool.ts:14', 'pool.ts:13'] },
      { name: 'net', members: ['createServer'], features: ['sockets'], at: ['pool.ts:2', 'pool.ts:7'] },
      { name: 'os', members: ['cpus'], features: ['procfs'], at: ['server.js:13', 'server.js:5'] },
      { name: 'worker_threads', members: ['Worker', 'isMainThread'], features: ['threads'], at: ['pool.ts:1', 'pool.ts:1', 'pool.ts:1', 'pool.ts:9'] },
    ]);
    const needs = (name: string) => (report.facts.find((f) => f.kind === 'syscall' && f.name === name) as SyscallFact | undefined)
      ?.evidence.filter((e) => e.extractor === 'js.import.needs').map((e) => `${e.artifact.split('/').pop()}:${e.location!.line}:${e.detail}`);
    // child_process.fork needs an IPC socket pair; fs.watch needs inotify; worker_threads need clone
    expect(needs('socketpair')).toEqual(['server.js:3:child_process.fork', 'server.js:11:child_process.fork']);
    expect(needs('inotify_add_watch')).toEqual(['pool.ts:13:fs/promises.watch', 'pool.ts:14:fs/promises.watch', 'server.js:12:fs.watch']);
    expect(needs('futex')).toEqual(['pool.ts:1:worker_threads.Worker', 'pool.ts:1:worker_threads.isMainThread', 'pool.ts:1:worker_threads', 'pool.ts:9:worker_threads.Worker']);
    expect(report.inputs.some((a) => a.path.includes('node_modules'))).toBe(true);
    expect(report.facts.some((f) => f.evidence.some((e) => e.artifact.includes('node_modules')))).toBe(false);
  });

  test('forms of import and require', () => {
    const p = jsProject();
    const sf = p.createSourceFile('/t.ts', [
      "import cp = require('child_process');",       // 1
      "import d from 'dgram'; d.createSocket('udp4');", // 2
      "require('fs').watch('.');",                      // 3
      "const { spawn: sp } = require('child_process');", // 4
      'sp("ls"); cp.exec("x");',                        // 5
      "const o = { fork: 1 }; o.fork;",                 // 6
    ].join('\n'));
    expect(scanJsModules(sf).map((u) => `${u.how} ${u.module} ${u.member ?? '-'} ${u.line}`)).toEqual([
      'import child_process - 1', 'import dgram - 2', 'attribute dgram createSocket 2', 'require fs - 3', 'attribute fs watch 3',
      'from child_process spawn 4', 'require child_process - 4', 'call child_process spawn 5', 'attribute child_process exec 5',
    ]);
  });
});
