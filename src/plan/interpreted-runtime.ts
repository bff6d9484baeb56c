import { basename, dirname, relative } from 'node:path';
import type { Artifact, Fact, InterpretedApp, ModuleFact, PackageFact, PlannedRuntime } from '../model/index.js';

// The catalog's runtime images: unikraft/catalog 667ac92ef4af06e65ac1b6665a703d49ee75e1a5 library/python/{3.10,3.12,3.13,3.14},
// library/node/{18,19,20,21}; the examples build the rootfs in the language's Docker image and copy the result.
const CATALOG = 'unikraft/catalog 667ac92ef4af06e65ac1b6665a703d49ee75e1a5';
const PYTHON_RUNTIMES = ['3.10', '3.12', '3.13', '3.14'];
const PYTHON_DEFAULT = '3.12';
const NODE_RUNTIME = '21';

/** The Python minor version compiled modules were built for (`cpython-311` → 3.11), when any says. */
function pythonVersionOf(facts: Fact[]): string | undefined {
  for (const f of facts) {
    if (f.kind !== 'package') continue;
    for (const e of f.extensions ?? []) {
      const m = /\.cpython-3(\d+)/.exec(basename(e.path));
      if (m) return `3.${m[1]}`;
    }
  }
  return undefined;
}

/** The app's entry file: one with `if __name__ == "__main__"` / a conventional name, else the first app file. */
function entryOf(files: string[], mainLike: Set<string>): string | undefined {
  const conventional = ['main', 'app', 'server', 'handler', 'index', 'service'];
  return files.find((f) => mainLike.has(f)) ?? conventional.map((c) => files.find((f) => basename(f).replace(/\.\w+$/, '') === c)).find(Boolean) ?? files[0];
}

/**
 * The binary-compat form of an interpreted app as Unikraft's catalog runs one: Kraftfile `runtime:` the language
 * image, `rootfs: ./Dockerfile`, a build stage that installs the declared packages with pip / npm in the language's
 * image, and a scratch stage that copies the interpreter's library tree (site-packages included) and the app.
 */
export function plannedRuntime(inputs: Artifact[], facts: Fact[], app: InterpretedApp, mainLike: Set<string> = new Set()): PlannedRuntime | undefined {
  const language = app.languages.includes('node') ? 'node' : app.languages.includes('python') ? 'python' : undefined;
  if (!language) return undefined;
  const own = facts.filter((f): f is ModuleFact => f.kind === 'module' && f.origin !== undefined && f.origin !== 'third-party').flatMap((m) => m.evidence.map((e) => e.artifact));
  const kind = language === 'python' ? 'python' : undefined;
  const appFiles = [...new Set(inputs.filter((a) => (kind ? a.kind === 'python' : a.kind === 'javascript' || a.kind === 'typescript') && !/(site|dist)-packages|node_modules/.test(a.path)).map((a) => a.path))].sort();
  const files = appFiles.length ? appFiles : [...new Set(own)].sort();
  const root = files.length ? (inputs.find((a) => a.path === files[0])?.root ?? dirname(files[0]!)) : '.';
  const rel = (p: string) => (root === p ? basename(p) : relative(root, p));
  const manifests = inputs.filter((a) => a.kind === 'package-manifest' && !/(site|dist)-packages|node_modules|\.(dist|egg)-info\//.test(a.path)).map((a) => rel(a.path));
  const entry = entryOf(files, mainLike);
  if (language === 'python') {
    const built = pythonVersionOf(facts);
    const version = built && PYTHON_RUNTIMES.includes(built) ? built : PYTHON_DEFAULT;
    const reqFiles = manifests.filter((m) => /(^|\/)(requirements|constraints)[\w.-]*\.txt$/.test(m));
    // pip reads `-r`/`-c` includes itself: install the main file when there is one, copy them all
    const main = reqFiles.filter((m) => basename(m) === 'requirements.txt');
    const reqs = main.length ? main : reqFiles.filter((m) => basename(m).startsWith('requirements'));
    const pkgs = facts.filter((f): f is PackageFact => f.kind === 'package' && f.ecosystem === 'python' && (f.direct || f.sources.includes('installed')));
    const install = reqs.length ? reqs.map((r) => `pip3 install -r ${r} --no-cache-dir`)
      : pkgs.length ? [`pip3 install --no-cache-dir ${pkgs.map((p) => (p.version ? `${p.name}==${p.version}` : p.name)).sort().join(' ')}`] : [];
    return {
      language, kraftRuntime: `python:${version}`, buildImage: `python:${version}-bookworm`, install, manifests: reqFiles,
      copies: [
        { from: 'base', src: `/usr/local/lib/python${version}`, dest: `/usr/local/lib/python${version}`, why: 'the standard library and the packages pip installed (site-packages, wheels with their bundled libraries)' },
        ...files.map((f) => ({ src: rel(f), dest: `/app/${rel(f)}`, why: 'the app' })),
      ],
      cmd: ['/usr/bin/python3', `/app/${entry ? rel(entry) : 'main.py'}`],
      follows: `${CATALOG} examples/flask3.0-python${version === '3.10' ? '3.10' : '3.12'} (runtime python:${version}, rootfs ./Dockerfile)${built && built !== version ? `; the scanned modules were built for Python ${built}, which the catalog has no runtime for: pip reinstalls them for ${version}` : ''}`,
    };
  }
  const pkgJson = manifests.filter((m) => basename(m) === 'package.json' || basename(m) === 'package-lock.json');
  return {
    language, kraftRuntime: `node:${NODE_RUNTIME}`, buildImage: `node:${NODE_RUNTIME}-alpine`, install: ['npm install'], manifests: pkgJson,
    copies: [
      { from: 'build', src: '/etc/os-release', dest: '/etc/os-release', why: 'distribution configuration' },
      { from: 'build', src: '/usr/src/node_modules', dest: '/usr/src/node_modules', why: 'the installed packages, with their .node addons built for the image\'s libc' },
      ...files.map((f) => ({ from: 'build', src: `/usr/src/${rel(f)}`, dest: `/usr/src/${rel(f)}`, why: 'the app' })),
    ],
    cmd: ['/usr/bin/node', `/usr/src/${entry ? rel(entry) : 'index.js'}`],
    follows: `${CATALOG} examples/expressjs4.18-node21 (runtime node:21, rootfs ./Dockerfile)`,
  };
}
