// Module resolve hook for preload.mjs: appends each resolved URL to UKPORT_MODULE_TRACE.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.UKPORT_MODULE_TRACE) appendFileSync(process.env.UKPORT_MODULE_TRACE, `${result.url}\n`);
  return result;
}
