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


def test_no_template_comment_spans_lines_where_django_would_print_it():
    """Django ends a {# #} comment at its line's end: a longer one is printed to the page."""
    spanning = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "{#" in line and "#}" not in line[line.index("{#") :]:
                spanning.append(f"{path.relative_to(ROOT)}:{number}")
    assert spanning == []
