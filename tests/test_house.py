"""House rules a reviewer checks, kept by a test so they stay kept (issue 14): modules of the
runtime package stay small enough to hold in one's head, functions short enough to read at once,
and the runtime package imports no tooling."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_LINES, FUNCTION_LINES = 500, 60


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def test_no_module_of_the_runtime_package_runs_over_500_lines():
    long = {str(path.relative_to(ROOT)): lines for path in python_files("vanhoa")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES}
    assert long == {}


def test_no_function_runs_over_60_lines():
    """Every function of the app, its pages, its tooling and its tests."""
    long = {}
    files = python_files("vanhoa", "vanhoa_tools", "pages", "tests") + [ROOT / "app.py", ROOT / "server.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}


def test_the_runtime_package_imports_no_tooling():
    """bench, synth and the test PostgreSQL live in vanhoa_tools; the app never imports them at
    module level (the CLI's `synth` command imports it when it runs)."""
    offenders = []
    for path in python_files("vanhoa"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.startswith("vanhoa_tools")]
    assert offenders == []
