// jest globalSetup: the whole run (test processes and every CLI they spawn) uses a temporary cache
// directory, never the user's ~/.cache/ukport. Removed by cache-teardown.mjs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'ukport-test-cache-'));
  process.env.UKPORT_TEST_CACHE = process.env.XDG_CACHE_HOME;
}
