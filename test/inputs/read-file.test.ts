import { expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../../src/inputs/read-file.js';
import { UkportError } from '../../src/errors.js';
import { loadElf, resolveDlopen } from '../../src/extract/elf/resolve-libraries.js';

// A scanned binary can name any path (DT_NEEDED "/x/y", dlopen("/x/y")): a FIFO there must not block the scan
// waiting for a writer, nor a device be read as a file.
test('a FIFO or a device is refused at once, not waited on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ukport-fifo-'));
  try {
    const fifo = join(dir, 'libtrap.so');
    execFileSync('mkfifo', [fifo]);
    for (const p of [fifo, '/dev/zero']) {
      let err: unknown;
      try { readBounded(p); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(UkportError);
      expect((err as UkportError).code).toBe('unsupported-input');
    }
    const self = loadElf(process.execPath);
    expect(resolveDlopen(fifo, self, self).lib).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
