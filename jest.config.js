/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  // sources import siblings as './x.js' (NodeNext style); map back to the .ts file for jest
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // every test and every CLI it spawns caches under a temporary XDG_CACHE_HOME, never the user's ~/.cache/ukport
  globalSetup: '<rootDir>/test/helpers/cache-setup.mjs',
  globalTeardown: '<rootDir>/test/helpers/cache-teardown.mjs',
};
