"""The development package ``devtools/`` (the Stripe stand-in) stays out of production:
no production module imports it and it is not an installed app. Tests, conftest files
and the dev runner (``mectofitness/dev.py``, the dev entry point) may import it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEV_ENTRY_POINTS = {ROOT / "mectofitness" / "dev.py"}


def _production_modules() -> list[Path]:
    """Every Python file of the project's packages (and manage.py) that runs in production."""
    packages = [
        path.parent
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"devtools", ".venv", "build"}
    ]
    modules = [ROOT / "manage.py"]
    for package in packages:
        for path in package.rglob("*.py"):
            relative = path.relative_to(ROOT)
            if (
                "tests" in relative.parts
                or path.name == "conftest.py"
                or path.name.startswith("test_")
                or path in DEV_ENTRY_POINTS
            ):
                continue
            modules.append(path)
    return modules


def _devtools_imports(source: str) -> list[str]:
    """The modules under ``devtools`` that ``source`` imports, statically or by name."""

    def is_devtools(name: str) -> bool:
        return name == "devtools" or name.startswith("devtools.")

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if is_devtools(alias.name)]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if is_devtools(node.module):
                found.append(node.module)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in {"import_module", "__import__", "import_string"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and is_devtools(first.value)
            ):
                found.append(first.value)
    return found


def test_the_check_sees_every_way_of_importing_devtools():
    source = (
        "import devtools.stripe_standin\n"
        "from devtools.stripe_standin.server import StripeStandIn\n"
        "from devtools import stripe_standin\n"
        "importlib.import_module('devtools.stripe_standin.connect')\n"
        "from billing.devtools_like import x\n"
        "import devtoolsy\n"
    )
    assert _devtools_imports(source) == [
        "devtools.stripe_standin",
        "devtools.stripe_standin.server",
        "devtools",
        "devtools.stripe_standin.connect",
    ]


def test_no_production_module_imports_devtools():
    modules = _production_modules()
    assert len(modules) > 200  # the walk found the project, not an empty folder
    offenders = {
        str(path.relative_to(ROOT)): imported
        for path in modules
        if (imported := _devtools_imports(path.read_text()))
    }
    assert offenders == {}


def test_devtools_is_not_an_installed_app():
    assert not [app for app in settings.INSTALLED_APPS if app.split(".")[0] == "devtools"]
