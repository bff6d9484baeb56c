import { createRequire } from 'node:module';
import type { Node, Project, SourceFile } from 'ts-morph';

type TsMorph = typeof import('ts-morph');
let tsMorph: TsMorph | undefined;
// ts-morph bundles the TypeScript compiler (about a second to load): load it only when JS/TS is scanned.
function morph(): TsMorph {
  return (tsMorph ??= createRequire(import.meta.url)('ts-morph') as TsMorph);
}
import type { ModuleUse } from '../python/module-map.js';

/** `node:fs` and `fs` are the same built-in. */
function builtinName(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

function pos(sf: SourceFile, node: Node): { line: number; column: number } {
  const lc = sf.getLineAndColumnAtPos(node.getStart());
  return { line: lc.line, column: lc.column };
}

/**
 * Module uses in one JS/TS file: ES imports (default, namespace, named), `require()` (bound to a name, destructured,
 * or used directly), `import()` and `import x = require()`, then `alias.member` and calls of named bindings.
 */
export function scanJsModules(sf: SourceFile): ModuleUse[] {
  const { Node, SyntaxKind } = morph();
  const uses: ModuleUse[] = [];
  const namespaces = new Map<string, string>();
  const named = new Map<string, { module: string; member: string }>();
  const declNodes = new Set<Node>();
  const add = (module: string, node: Node, how: string, member?: string) =>
    uses.push({ module: builtinName(module), ...(member !== undefined ? { member } : {}), ...pos(sf, node), how });

  for (const imp of sf.getImportDeclarations()) {
    // `import type` disappears at compile time: no run-time use
    if (imp.isTypeOnly()) continue;
    const mod = imp.getModuleSpecifierValue();
    add(mod, imp.getModuleSpecifier(), 'import');
    const def = imp.getDefaultImport();
    if (def) { namespaces.set(def.getText(), mod); declNodes.add(def); }
    const ns = imp.getNamespaceImport();
    if (ns) { namespaces.set(ns.getText(), mod); declNodes.add(ns); }
    for (const s of imp.getNamedImports()) {
      if (s.isTypeOnly()) continue;
      const member = s.getNameNode().getText();
      const local = s.getAliasNode()?.getText() ?? member;
      add(mod, s, 'from', member);
      named.set(local, { module: mod, member });
      declNodes.add(s.getAliasNode() ?? s.getNameNode());
    }
  }
  for (const ie of sf.getDescendantsOfKind(SyntaxKind.ImportEqualsDeclaration)) {
    const ref = ie.getModuleReference();
    if (Node.isExternalModuleReference(ref)) {
      const e = ref.getExpression();
      if (e && Node.isStringLiteral(e)) { add(e.getLiteralValue(), e, 'import'); namespaces.set(ie.getName(), e.getLiteralValue()); declNodes.add(ie.getNameNode()); }
    }
  }
  for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const arg = call.getArguments()[0];
    const isRequire = Node.isIdentifier(callee) && callee.getText() === 'require';
    const isImport = callee.getKind() === SyntaxKind.ImportKeyword;
    if (!(isRequire || isImport) || !arg || !Node.isStringLiteral(arg)) continue;
    const mod = arg.getLiteralValue();
    add(mod, arg, isImport ? 'dynamic' : 'require');
    let parent = call.getParent();
    // `const { watch } = await import('fs/promises')`
    if (parent && Node.isAwaitExpression(parent)) parent = parent.getParent();
    if (parent && Node.isVariableDeclaration(parent)) {
      const name = parent.getNameNode();
      if (Node.isIdentifier(name)) { namespaces.set(name.getText(), mod); declNodes.add(name); }
      else if (Node.isObjectBindingPattern(name)) {
        for (const el of name.getElements()) {
          const member = el.getPropertyNameNode()?.getText() ?? el.getNameNode().getText();
          add(mod, el, 'from', member);
          named.set(el.getNameNode().getText(), { module: mod, member });
          declNodes.add(el.getNameNode());
        }
      }
    } else if (parent && Node.isPropertyAccessExpression(parent) && parent.getExpression() === call) {
      add(mod, parent.getNameNode(), 'attribute', parent.getName());
    }
  }
  for (const id of sf.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (declNodes.has(id)) continue;
    const text = id.getText();
    const parent = id.getParent();
    // the name part of `x.name`, a property key or an import/export specifier is not a reference
    if (parent && Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) continue;
    if (parent && (Node.isPropertyAssignment(parent) || Node.isImportSpecifier(parent) || Node.isExportSpecifier(parent) || Node.isBindingElement(parent))) continue;
    const ns = namespaces.get(text);
    if (ns !== undefined && parent && Node.isPropertyAccessExpression(parent) && parent.getExpression() === id) {
      add(ns, id, 'attribute', parent.getName());
      continue;
    }
    const n = named.get(text);
    if (n && parent && Node.isCallExpression(parent) && parent.getExpression() === id) add(n.module, id, 'call', n.member);
    else if (n && parent && Node.isNewExpression(parent) && parent.getExpression() === id) add(n.module, id, 'call', n.member);
  }
  return uses.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** A ts-morph project that parses JS and TS from memory (no tsconfig, no type checking). */
export function jsProject(): Project {
  return new (morph().Project)({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, noResolve: true }, skipLoadingLibFiles: true });
}
