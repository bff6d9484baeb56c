import { createRequire } from 'node:module';
import type { Project, SourceFile, ts } from 'ts-morph';
import type { ModuleUse } from '../python/module-map.js';

let tsMorph: typeof import('ts-morph') | undefined;
/** ts-morph bundles TypeScript's compiler (a quarter second to load): loaded with the first JS/TS input, never for a binary. */
function morph(): typeof import('ts-morph') {
  return (tsMorph ??= createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph'));
}

/** `node:fs` and `fs` are the same built-in. */
function builtinName(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

const isString = (n: ts.Node | undefined): n is ts.StringLiteralLike => n !== undefined && (morph().ts.isStringLiteral(n) || morph().ts.isNoSubstitutionTemplateLiteral(n));

/**
 * Module uses in one JS/TS file: ES imports (default, namespace, named; `import type` skipped), `require()` (bound
 * to a name, destructured, or used directly), `import()` and `import x = require()`, then `alias.member` and calls
 * of named bindings. Walks the compiler AST directly (ts-morph wrappers cost ~10x on large trees).
 */
export function scanJsModules(file: SourceFile): ModuleUse[] {
  const ts = morph().ts;
  const sf = file.compilerNode;
  const uses: ModuleUse[] = [];
  const namespaces = new Map<string, string>();
  const named = new Map<string, { module: string; member: string }>();
  const decl = new Set<ts.Node>();
  const add = (module: string, node: ts.Node, how: string, member?: string) => {
    const lc = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    uses.push({ module: builtinName(module), ...(member !== undefined ? { member } : {}), line: lc.line + 1, column: lc.character + 1, how });
  };
  const bindPattern = (name: ts.BindingName, mod: string) => {
    if (ts.isIdentifier(name)) { namespaces.set(name.text, mod); decl.add(name); return; }
    if (!ts.isObjectBindingPattern(name)) return;
    for (const el of name.elements) {
      if (!ts.isIdentifier(el.name)) continue;
      const member = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
      add(mod, el, 'from', member);
      named.set(el.name.text, { module: mod, member });
      decl.add(el.name);
    }
  };

  const collect = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && isString(node.moduleSpecifier) && !node.importClause?.isTypeOnly) {
      const mod = node.moduleSpecifier.text;
      add(mod, node.moduleSpecifier, 'import');
      const clause = node.importClause;
      if (clause?.name) { namespaces.set(clause.name.text, mod); decl.add(clause.name); }
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) { namespaces.set(nb.name.text, mod); decl.add(nb.name); }
      if (nb && ts.isNamedImports(nb)) {
        for (const s of nb.elements) {
          if (s.isTypeOnly) continue;
          const member = (s.propertyName ?? s.name).text;
          add(mod, s, 'from', member);
          named.set(s.name.text, { module: mod, member });
          decl.add(s.name);
        }
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && isString(node.moduleReference.expression)) {
      const mod = node.moduleReference.expression.text;
      add(mod, node.moduleReference.expression, 'import');
      namespaces.set(node.name.text, mod);
      decl.add(node.name);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const arg = node.arguments[0];
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isImport) && isString(arg)) {
        const mod = arg.text;
        add(mod, arg, isImport ? 'dynamic' : 'require');
        let parent = node.parent;
        // `const { watch } = await import('fs/promises')`
        if (parent && ts.isAwaitExpression(parent)) parent = parent.parent;
        if (parent && ts.isVariableDeclaration(parent)) bindPattern(parent.name, mod);
        else if (parent && ts.isPropertyAccessExpression(parent) && parent.expression === node) add(mod, parent.name, 'attribute', parent.name.text);
      }
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);
  if (namespaces.size === 0 && named.size === 0) return uses.sort((a, b) => a.line - b.line || a.column - b.column);

  const refs = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !decl.has(node)) {
      const parent = node.parent;
      const ns = namespaces.get(node.text);
      const n = named.get(node.text);
      if (ns !== undefined && parent && ts.isPropertyAccessExpression(parent) && parent.expression === node) add(ns, node, 'attribute', parent.name.text);
      else if (n && parent && (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === node) add(n.module, node, 'call', n.member);
    }
    ts.forEachChild(node, refs);
  };
  refs(sf);
  return uses.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** A ts-morph project that parses JS and TS from memory (no tsconfig, no type checking). */
export function jsProject(): Project {
  return new (morph().Project)({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, noResolve: true }, skipLoadingLibFiles: true });
}
