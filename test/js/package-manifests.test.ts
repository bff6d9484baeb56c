import { describe, expect, test } from '@jest/globals';
import { packageOfSpecifier, readPackageJson, readPackageLock } from '../../src/extract/js/package-manifests.js';

describe('package.json and package-lock.json', () => {
  test('runtime dependencies and the signs of a compiled addon', () => {
    const { pkg } = readPackageJson(JSON.stringify({
      name: 'bcrypt', version: '5.1.1', gypfile: true, scripts: { install: 'node-pre-gyp install --fallback-to-build' },
      dependencies: { '@mapbox/node-pre-gyp': '^1.0.11', 'node-addon-api': '^5.0.0' }, optionalDependencies: { x: '1' }, devDependencies: { jest: '29' },
    }));
    expect(pkg!.dependencies.map((d) => `${d.name}@${d.spec}${d.optional ? '?' : ''}`)).toEqual(['@mapbox/node-pre-gyp@^1.0.11', 'node-addon-api@^5.0.0', 'x@1?']);
    expect(pkg!.nativeEvidence).toEqual(['gypfile', 'install script runs node-pre-gyp', 'dependency @mapbox/node-pre-gyp', 'dependency node-addon-api']);
    expect(readPackageJson(JSON.stringify({ name: 'express', dependencies: { 'body-parser': '1' } })).pkg!.nativeEvidence).toEqual([]);
  });
  test('lockfile v3 (hasInstallScript, dev left out) and v1 (nested dependencies)', () => {
    const v3 = readPackageLock(JSON.stringify({ lockfileVersion: 3, packages: {
      '': { name: 'app' }, 'node_modules/sharp': { version: '0.33.2', hasInstallScript: true },
      'node_modules/a/node_modules/@s/b': { version: '1.0.0', optional: true }, 'node_modules/jest': { version: '29.7.0', dev: true } } }));
    expect(v3.packages).toEqual([
      { name: 'sharp', version: '0.33.2', installScript: true, optional: false }, { name: '@s/b', version: '1.0.0', installScript: false, optional: true }]);
    const v1 = readPackageLock(JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } }, d: { version: '1', dev: true } } }));
    expect(v1.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1.0.0', 'b@2.0.0']);
  });
  test('malformed and hostile files: a problem, never an exception', () => {
    expect(readPackageJson('{').problem).toMatch(/^not valid JSON/);
    expect(readPackageJson('[1,2]').problem).toBe('not a JSON object');
    expect(readPackageLock('{"lockfileVersion": 2}').problem).toBe('neither "packages" nor "dependencies"');
    // 5000 nested lockfile v1 levels: the walk stops at depth 64 (65 packages), no stack overflow
    const deep = '{"dependencies":' + '{"x":{"version":"1","dependencies":'.repeat(5000) + '{}' + '}}'.repeat(5000) + '}';
    expect(readPackageLock(deep).packages.length).toBe(65);
    // nesting deeper than the JSON parser takes is a problem too
    const deeper = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(readPackageLock(deeper).problem).toMatch(/^not valid JSON|not a JSON object/);
  });
  test('package of a module specifier', () => {
    expect(['lodash/fp', '@img/sharp-linux-x64/lib', 'sharp', './local', '../x', '/abs', 'node:fs', '@scope'].map(packageOfSpecifier))
      .toEqual(['lodash', '@img/sharp-linux-x64', 'sharp', undefined, undefined, undefined, undefined, undefined]);
  });
});
