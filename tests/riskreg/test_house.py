"""The house rules of STYLE.md that a machine can check: short functions and short views."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["riskreg", "commitments", "registers", "reports", "bench"]


def functions():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield path.relative_to(ROOT), node


def test_no_function_is_over_40_lines_and_no_view_over_30():
    too_long = []
    for path, node in functions():
        lines = node.end_lineno - node.lineno + 1
        limit = 30 if path.name == "views.py" else 40
        if lines > limit:
            too_long.append(f"{path}:{node.lineno} {node.name}() has {lines} lines (> {limit})")
    assert too_long == []
