// jest globalTeardown: removes the run's temporary cache (see cache-setup.mjs).
import { rmSync } from 'node:fs';

export default function teardown() {
  const dir = process.env.UKPORT_TEST_CACHE;
  if (dir && dir.includes('ukport-test-cache-')) rmSync(dir, { recursive: true, force: true });
}
