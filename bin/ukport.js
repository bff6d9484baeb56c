#!/usr/bin/env node
// The package's `ukport` bin. This file is committed, so npm and npx always find the bin and link it,
// even when they set the link up before the first build; it says what to do when dist/ is not built yet.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("ukport: not built yet: run 'npm run build' (or 'npm start') in the checkout first\n");
  process.exit(2);
}
await import(cli.href);
