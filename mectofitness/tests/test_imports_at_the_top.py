"""Imports sit at the top of the module. One written inside a function is allowed only
where loading forces it (Django's app registry, allauth's own import cycle, an
optional dependency of the dev runner), and then a comment on it or just above
says which. Tests and migrations are left out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["mectofitness", "accounts", "tenants", "clients", "programs", "billing", "backoffice"]
LEFT_OUT = {"tests", "migrations", "djstripe_migrations"}


def _unexplained(source: str) -> list[tuple[int, str]]:
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                if "#" not in text and not above.startswith("#"):
                    found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


def test_imports_inside_functions_say_why():
    unexplained = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if LEFT_OUT & set(path.relative_to(ROOT).parts):
                continue
            for line, text in _unexplained(path.read_text()):
                unexplained.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not unexplained, "imports inside functions with no reason given:\n" + "\n".join(
        unexplained
    )


def test_the_check_finds_an_unexplained_import():
    source = "def f():\n    import os\n    return os\n\ndef g():\n    import re  # lazy: why\n"
    assert _unexplained(source) == [(2, "import os")]
