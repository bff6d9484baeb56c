import type { Mode } from './vocab.js';

/** How Unikraft can provide one shared library a compiled module needs. */
export interface LibraryPortStatus {
  soname: string;
  /** `port`: a Unikraft library port; `libc`: part of the libc; `unported`: no port; `version-mismatch`: a port of another ABI. */
  status: 'port' | 'libc' | 'unported' | 'version-mismatch';
  port?: string;
  kconfig?: string;
  /** Upstream version of the port. */
  version?: string;
  /** Another library that needs it (absent: the module itself does). */
  via?: string;
  /** Resolved file on this machine, when found. */
  resolved?: string;
}

/** One compiled module of a package and what Unikraft offers for it. */
export interface ExtensionPortView {
  module: string;
  path: string;
  /** lib-python3 registers this module (with these Kconfig options), or does not. */
  libPython3?: { builtin: boolean; kconfig: string[] };
  /** Every shared library it needs, directly and through other libraries. */
  libraries: LibraryPortStatus[];
}

/** One third-party package of an interpreted app, as a porter sees it. */
export interface PackagePortView {
  ecosystem: 'python' | 'node';
  name: string;
  version?: string;
  /** pure: rootfs content only; native: compiled code; unknown: nothing tells. */
  kind: 'pure' | 'native' | 'unknown';
  /** Installed size, when installed in the scanned tree. */
  bytes?: number;
  /** Unikraft port that builds it into lib-python3 (lib-python-pillow), from ukport's package table. */
  port?: { repo: string; kconfig: string; version: string };
  /** lib-python3 option that registers its extension modules. */
  libPython3Option?: string;
  extensions: ExtensionPortView[];
}

/** One way to run the app and what stands in its way. */
export interface FormAssessment {
  feasible: boolean;
  /** What must be ported or changed first. */
  blockers: string[];
  notes: string[];
}

/** An interpreted app (Python, Node) and the two ways Unikraft runs one. */
export interface InterpretedApp {
  languages: ('python' | 'node')[];
  packages: PackagePortView[];
  native: FormAssessment;
  binaryCompat: FormAssessment;
  recommended: Mode;
  why: string[];
}

/** A file or directory the binary-compat image copies from a build stage. */
export interface RuntimeCopy {
  /** Build stage it comes from (`base`), or absent for the build context (the app's own files). */
  from?: string;
  src: string;
  dest: string;
  why: string;
}

/**
 * How the catalog runs an interpreted app under binary compatibility: a Kraftfile `runtime:` image and a rootfs
 * Dockerfile that installs the packages in the language's image and copies the interpreter's tree and the app.
 */
export interface PlannedRuntime {
  language: 'python' | 'node';
  /** Kraftfile `runtime:` (`python:3.12`, `node:21`, `base:latest` when the image carries its own interpreter). */
  kraftRuntime: string;
  /** Build stage image (`python:3.12-bookworm`, `node:21-alpine`). */
  buildImage: string;
  /** Commands of the build stage (`pip3 install -r requirements.txt --no-cache-dir`, `npm install`). */
  install: string[];
  /** Manifests the build stage copies in before installing. */
  manifests: string[];
  copies: RuntimeCopy[];
  cmd: string[];
  /** The catalog entry this follows (repo, path, commit). */
  follows: string;
}
