"""The package's imports form no circle: every module of interpreter/ is read (not imported), every
import statement in it resolved to a module of the package, at module level and inside functions
alike (an `if TYPE_CHECKING:` block never runs and is left out), and a circle fails the test, named.
Function-level imports are allowed only for start-up time, each with a comment saying why."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "interpreter"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _runs(tree: ast.Module) -> list[ast.AST]:
    """The statements that run: all but the bodies of `if TYPE_CHECKING:`."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return out


def _target(base: str, name: str | None) -> str | None:
    """The package module an import names (a module itself, or the module a name comes from)."""
    full = f"{base}.{name}" if name else base
    if full in MODULES:
        return full
    return base if base in MODULES else None


def imports_of(name: str) -> dict[str, int]:
    """The package modules `name` imports, with the line of the first import of each."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in _runs(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str | None] = []
        if isinstance(node, ast.Import):
            targets = [_target(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [_target(base, a.name) for a in node.names]
        for target in targets:
            if target and target != name:
                found.setdefault(target, node.lineno)
    return found


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Each circle of the graph once, as the modules along it (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    return "; ".join(f"{a} imports {b} (line {graph[a][b]})" for a in component for b in graph[a] if b in component)


def test_the_package_imports_form_no_circle():
    graph = {name: imports_of(name) for name in MODULES}
    found = circles(graph)
    assert not found, "import circles:\n" + "\n".join(_describe(c, graph) for c in found)


def test_the_walk_sees_every_kind_of_import():
    """The walk must see what it is meant to see, or the test above passes on nothing."""
    assert len(MODULES) > 50
    api = imports_of("interpreter.api")
    assert "interpreter.language.checker" in api and "interpreter.report.pool" in api       # from .x import y
    assert "interpreter.report.remedy" in api                                               # from . import x
    assert "interpreter.engine.compiled" in api                                             # inside a function
    assert "interpreter.api" not in imports_of("interpreter.report.view")                   # TYPE_CHECKING only


def test_a_circle_is_found_and_named():
    graph = {"a": {"b": 3}, "b": {"c": 5}, "c": {"a": 7}, "d": {"a": 1}}
    assert circles(graph) == [["a", "b", "c"]]
    assert _describe(["a", "b", "c"], graph) == "a imports b (line 3); b imports c (line 5); c imports a (line 7)"


def test_function_level_imports_say_why():
    """An import inside a function is there for start-up time only, and says so on its line."""
    silent = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)) and "#" not in lines[inner.lineno - 1]:
                        silent.append(f"{path.relative_to(PACKAGE.parent)}:{inner.lineno}")
    assert not silent, "function-level imports without a comment saying why:\n" + "\n".join(sorted(set(silent)))
