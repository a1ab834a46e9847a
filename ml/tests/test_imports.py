"""The ml app's imports point one way: no cycle, even through function-level
imports, and nothing of the web product (``predictions``) is imported."""

import ast
from pathlib import Path

ML = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ML.parent).with_suffix("").parts)


def imports_of(path: Path) -> set[str]:
    """Every module an ml source file imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    sources = [
        p
        for p in ML.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    ]
    names = {module_name(p) for p in sources}
    return {
        module_name(p): {m for m in imports_of(p) if m in names} - {module_name(p)}
        for p in sources
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules, or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return []

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_the_ml_app_has_no_import_cycle():
    assert find_cycle(graph()) == []


def test_find_cycle_reports_a_cycle_hidden_in_a_function():
    edges = {"ml.models": {"ml.predictor"}, "ml.predictor": {"ml.models"}}
    assert find_cycle(edges) == ["ml.models", "ml.predictor", "ml.models"]


def test_the_ml_app_never_imports_the_web_product():
    offenders = {
        module_name(p): sorted(m for m in imports_of(p) if m.startswith("predictions"))
        for p in ML.rglob("*.py")
        if "tests" not in p.parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}
