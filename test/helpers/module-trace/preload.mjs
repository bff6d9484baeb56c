// Records every module a process loads into the file named by UKPORT_MODULE_TRACE, one URL or path a line:
// ES modules through a resolve hook (off-thread), CommonJS through Module._load. Used with `node --import`.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.UKPORT_MODULE_TRACE;
if (out) {
  register(new URL('./hooks.mjs', import.meta.url));
  const load = Module._load;
  Module._load = function traced(request, parent, isMain) {
    const result = load.call(this, request, parent, isMain);
    try { appendFileSync(out, `${Module._resolveFilename(request, parent, isMain)}\n`); } catch { /* a builtin or a failed lookup */ }
    return result;
  };
}
