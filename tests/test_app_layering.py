"""The direction of imports inside `app/` (ARCHITECTURE.md, "What may import what"):

- `app.core` (plumbing) imports no other part of the app;
- `app.models` (the tables) imports only the core and itself;
- `app.geocoding` (pure) stands alone (tests/geocoding/test_layering.py);
- features never import the pages, the app factory, the CLI, the demo or the `/api/v1` assembly:
  those sit on top and import the features.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
TOP = {"app.pages", "app.web", "app.main", "app.cli", "app.demo", "app.api"}
"""Modules and packages that import the features, never the other way round."""
ALLOWED_BELOW: dict[str, tuple[str, ...]] = {
    "app.core": ("app.core",),
    "app.models": ("app.core", "app.models"),
}


def _module_of(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            # `from app.x import y` may name a module y of package app.x.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    # The root package holds only the version, which any layer may read.
    return {name for name in names if name.startswith("app.") and name != "app.__version__"}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def _violations(module: str, imports: set[str]) -> list[str]:
    bad: set[str] = set()
    for layer, allowed in ALLOWED_BELOW.items():
        if _within(module, layer):
            bad |= {
                name
                for name in imports
                if not any(_within(name, ok) for ok in allowed)
                and name.startswith("app.")
                and _is_module_name(name)
            }
    if not any(_within(module, top) for top in TOP):
        bad |= {name for name in imports if any(_within(name, top) for top in TOP)}
    return sorted(bad)


def _is_module_name(name: str) -> bool:
    """`from app.core.config import Settings` adds `app.core.config.Settings`: judge the module."""
    head = name.split(".")
    return all(part.islower() or part.startswith("_") for part in head)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(APP)))
def test_imports_point_down(path: Path) -> None:
    module = _module_of(path)
    bad = _violations(module, _app_imports(path))
    assert not bad, f"{module} imports {bad}, against the layering in ARCHITECTURE.md"


def test_the_rules_catch_upward_imports() -> None:
    assert _violations("app.core.db", {"app.core.config", "app.plans.service"}) == [
        "app.plans.service"
    ]
    assert _violations("app.models.people", {"app.core", "app.models.base", "app.accounts"}) == [
        "app.accounts"
    ]
    assert _violations("app.plans.service", {"app.main", "app.reps.home"}) == ["app.main"]
    assert _violations("app.main", {"app.plans.router", "app.api"}) == []


def test_the_domain_imports_without_the_web_framework() -> None:
    """Services, jobs and the CLI can use who calls, tokens, the domain errors and the database
    without FastAPI (issue 10: `Principal` lived in the FastAPI auth module)."""
    modules = ["app.auth.principal", "app.auth.tokens", "app.core.errors", "app.core.db"]
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint('fastapi' in sys.modules)"
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", code], cwd=APP.parent, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
