# Prints the imports of each file as Python's own parser sees them: "file<TAB>module<TAB>member<TAB>line".
import ast, sys
for path in sys.argv[1:]:
    try:
        tree = ast.parse(open(path, 'rb').read())
    except (SyntaxError, ValueError):
        print(f"{path}\t!syntax")
        continue
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                print(f"{path}\t{a.name}\t\t{a.lineno}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                print(f"{path}\t{node.module}\t{a.name}\t{a.lineno}")
