import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { Fact, ModuleFact, SyscallFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { pythonContext, pythonSourceFacts } from '../../src/extract/python/python-facts.js';
import { loadRules } from '../../src/data/rules.js';
import { compileRules } from '../../src/match/compile.js';
import { matchFindings } from '../../src/match/match-findings.js';
import { readFileSync } from 'node:fs';
import { buildFixtures, run } from '../helpers/tools.js';

const app = join(buildFixtures('python-app'), 'app');
const service = join(app, 'service.py');
const db = join(app, 'db.py');
const ext = join(app, 'zlibext.so');

const modules = (facts: Fact[]) => facts.filter((f): f is ModuleFact => f.kind === 'module').map((f) => ({
  name: f.name, origin: f.origin, members: f.members ?? [], features: f.features ?? [], extension: f.extension, inPort: f.inPort, native: f.native ?? false,
  at: f.evidence.map((e) => `${e.artifact.split('/').pop()}:${e.location?.line ?? e.detail}`),
})).sort((a, b) => a.name.localeCompare(b.name));

const syscallsFrom = (facts: Fact[], extractor: string) => facts.filter((f): f is SyscallFact => f.kind === 'syscall')
  .flatMap((f) => f.evidence.filter((e) => e.extractor === extractor).map((e) => `${f.name}@${e.artifact.split('/').pop()}:${e.location!.line}`)).sort();

describe('Python project', () => {
  test('the fixture extension module is real: built against libz, loadable by python3', () => {
    expect(run('readelf', ['-d', ext])).toMatch(/NEEDED.*\[libz\.so\.1\]/);
    expect(run('python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(app)}); import zlibext; print(zlibext.crc(b"abc"))`]).trim())
      .toBe(run('python3', ['-c', 'import zlib; print(zlib.crc32(b"abc"))']).trim());
  });

  test('exact module facts: imports with lines, members, features, port status; the extension module with its libz', async () => {
    const report = await runPipeline({ paths: [app] });
    expect(modules(report.facts)).toEqual([
      { name: 'importlib', origin: 'stdlib', members: [], features: [], extension: undefined, inPort: undefined, native: false, at: ['db.py:3'] },
      { name: 'os', origin: 'stdlib', members: ['fork'], features: ['fork'], extension: undefined, inPort: undefined, native: false, at: ['db.py:2', 'service.py:3'] },
      { name: 'select', origin: 'stdlib', members: ['epoll', 'poll'], features: ['epoll'], extension: 'select', inPort: true, native: false, at: ['service.py:5', 'service.py:6'] },
      { name: 'signal', origin: 'stdlib', members: ['signal', 'SIGTERM'], features: ['signals'], extension: '_signal', inPort: true, native: false, at: ['service.py:18', 'service.py:18', 'service.py:18'] },
      { name: 'sqlite3', origin: 'stdlib', members: ['connect'], features: ['sqlite'], extension: '_sqlite3', inPort: true, native: false, at: ['db.py:1', 'db.py:4'] },
      { name: 'ssl', origin: 'stdlib', members: [], features: ['tls'], extension: '_ssl', inPort: true, native: false, at: ['db.py:5'] },
      { name: 'subprocess', origin: 'stdlib', members: ['run', 'Popen'], features: ['process-spawn'], extension: '_posixsubprocess', inPort: true, native: false, at: ['service.py:4', 'service.py:12', 'service.py:14'] },
      { name: 'sys', origin: 'stdlib', members: [], features: [], extension: undefined, inPort: undefined, native: false, at: ['service.py:3'] },
      { name: 'zlibext', origin: 'local', members: [], features: [], extension: 'zlibext', inPort: false, native: true, at: ['zlibext.so:PyInit_zlibext in zlibext.so'] },
    ]);
    // the needs of those uses, from syscall-tables/python-modules.json, at the lines that cause them
    expect(syscallsFrom(report.facts, 'python.import.needs')).toEqual([
      'clone@db.py:2',
      'clone@service.py:4', 'clone@service.py:12', 'clone@service.py:14',
      'epoll_create1@service.py:5', 'epoll_ctl@service.py:5', 'epoll_wait@service.py:5',
      'execve@service.py:4', 'execve@service.py:12', 'execve@service.py:14',
      'pipe2@service.py:4', 'pipe2@service.py:12', 'pipe2@service.py:14',
      'poll@service.py:6',
      'rt_sigaction@service.py:18', 'rt_sigaction@service.py:18', 'rt_sigaction@service.py:18',
      'rt_sigprocmask@service.py:18', 'rt_sigprocmask@service.py:18', 'rt_sigprocmask@service.py:18',
      'wait4@service.py:4', 'wait4@service.py:12', 'wait4@service.py:14',
    ].sort());
    const lib = report.libraryGraph.find((e) => e.from === ext && e.soname === 'libz.so.1');
    expect(lib?.resolved).toBeDefined();
    expect(report.binaries.map((b) => b.path)).toEqual([ext]);
  });

  test('exact findings of the Python rules, against the newest port and against RELEASE-0.13.1 (no _sqlite3)', () => {
    const rules = compileRules(loadRules().filter((r) => ['python-extension-not-in-port', 'interpreted-process-spawn'].includes(r.id)));
    const findingsAt = (ref?: string) => {
      const ctx = pythonContext('x86_64', ref);
      const facts = [...pythonSourceFacts(service, readFileSync(service, 'utf8'), ctx), ...pythonSourceFacts(db, readFileSync(db, 'utf8'), ctx)];
      // lib-python3 is a native port: the rule about what it builds in applies in native mode (rules/*.json modes)
      return matchFindings(facts, { rules, mode: 'native' }).map((f) => `${f.ruleId}: ${f.message.replaceAll(app + '/', '')}`);
    };
    expect(findingsAt()).toEqual([
      'interpreted-process-spawn: python module os (fork) at db.py:2 starts child processes, which a single-process unikernel cannot do',
      'interpreted-process-spawn: python module subprocess (run, Popen) at service.py:4 starts child processes, which a single-process unikernel cannot do',
    ]);
    const old = pythonContext('x86_64', '0.13.1');
    expect(old.port?.python).toBe('3.7.4');
    expect(findingsAt('0.13.1')).toEqual([
      'interpreted-process-spawn: python module os (fork) at db.py:2 starts child processes, which a single-process unikernel cannot do',
      'interpreted-process-spawn: python module subprocess (run, Popen) at service.py:4 starts child processes, which a single-process unikernel cannot do',
      "python-extension-not-in-port: sqlite3 at db.py:1 needs the C extension _sqlite3, which Unikraft's lib-python3 does not build in",
    ]);
  });
});
