export * from './vocab.js';
export type * from './artifact.js';
export type * from './evidence.js';
export type * from './fact.js';
export type * from './binary.js';
export type * from './coverage.js';
export type * from './finding.js';
export type * from './plan.js';
export type * from './report.js';
export type * from './system-scan.js';
<<<<<<< HEAD
export type * from './interpreted.js';
=======
export * from './verification.js';
>>>>>>> main
