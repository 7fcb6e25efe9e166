"""The core must stay pure: no Django, no database, no web or CLI framework."""

import ast
import subprocess
import sys
from pathlib import Path

import carepool.core

CORE = Path(carepool.core.__file__).parent
FORBIDDEN = {
    "django",
    "ninja",
    "psycopg",
    "sqlite3",
    "typer",
    "rich",
    "xlrd",
    "openpyxl",
    "requests",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
            if node.module.startswith("carepool.") and not node.module.startswith("carepool.core"):
                roots.add(node.module)
    return roots


def test_core_source_imports_no_framework():
    offenders = {}
    for path in CORE.rglob("*.py"):
        bad = {r for r in imported_roots(path) if r in FORBIDDEN or r.startswith("carepool.")}
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_importing_core_loads_no_django():
    code = (
        "import sys, importlib, pkgutil, carepool.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('carepool.core.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'django', 'psycopg', 'sqlite3', 'ninja'})\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_layer_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stdout + result.stderr
