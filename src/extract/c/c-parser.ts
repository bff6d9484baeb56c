import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

/** A loaded tree-sitter C parser and its language (for queries). */
export interface CParser {
  parser: Parser;
  language: Language;
}

let loading: Promise<CParser> | undefined;

/** Loads web-tree-sitter and tree-sitter-c's wasm once per process. */
export function loadCParser(): Promise<CParser> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return { parser, language };
  })();
  return loading;
}

/**
 * Parses `text`, giving up after `timeoutMs`. Returns null when cancelled.
 * The caller must `delete()` the tree (wasm heap is not garbage-collected).
 */
export function parseBounded(c: CParser, text: string, timeoutMs: number): Tree | null {
  const deadline = performance.now() + timeoutMs;
  let calls = 0;
  // checking the clock on every callback costs more than the parse step itself
  const tree = c.parser.parse(text, null, {
    progressCallback: () => (++calls & 255) === 0 && performance.now() > deadline,
  });
  // a cancelled parse is resumed by the next parse() unless the parser is reset
  if (!tree) c.parser.reset();
  return tree;
}
