"""`routing/` is the domain core: it must not import the web, database or map layers.

Inside it, each subpackage may import only the siblings listed in `MAY_IMPORT`, and none of
them the root package `routing` (its `__init__` imports every subpackage). Relative imports are
resolved before they are judged.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROUTING = ROOT / "routing"
FORBIDDEN = {
    "fastapi",
    "starlette",
    "sqlalchemy",
    "pydantic",
    "pydantic_settings",
    "geopy",
    "folium",
    "app",
}
MAY_IMPORT: dict[str, set[str]] = {
    "route": set(),
    "territories": {"route"},
    "days": {"route"},
}
"""The route solver stands alone; territories use its points and distances; a rep's days are
planned with it. Territories and days know nothing of each other."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module `source` (the code of `module`, a dotted name) imports, as absolute names.

    `from x import y` counts as importing `x` and `x.y`, since y may be a submodule.
    """
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = package.split(".") if package else []
                kept = parts[: max(0, len(parts) - (node.level - 1))]
                base = ".".join(kept + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _imported_modules(path: Path) -> set[str]:
    return _imports(
        path.read_text(encoding="utf-8"),
        _module_name(path),
        is_package=path.name == "__init__.py",
    )


def _outer_layers(names: set[str]) -> list[str]:
    return sorted(name for name in names if name.split(".")[0] in FORBIDDEN)


def _siblings_refused(subpackage: str, names: set[str]) -> list[str]:
    allowed = {subpackage} | MAY_IMPORT[subpackage]
    refused = []
    for name in names:
        parts = name.split(".")
        if parts[0] == "routing" and (len(parts) == 1 or parts[1] not in allowed):
            refused.append(name)
    return sorted(refused)


def _routing_modules() -> list[Path]:
    return sorted(ROUTING.rglob("*.py"))


def _subpackage_modules() -> list[Path]:
    return [path for path in _routing_modules() if path.parent != ROUTING]


def _label(path: Path) -> str:
    return str(path.relative_to(ROUTING))


def test_routing_package_exists() -> None:
    assert (ROUTING / "__init__.py").is_file()


@pytest.mark.parametrize("path", _routing_modules(), ids=_label)
def test_routing_imports_no_outer_layer(path: Path) -> None:
    offending = _outer_layers(_imported_modules(path))
    assert not offending, f"routing/{_label(path)} imports {offending}"


def test_every_module_is_in_a_subpackage_with_rules() -> None:
    """Only the re-exporting `routing/__init__.py` sits outside the subpackages, and every
    subpackage says what it may import."""
    loose = [
        _label(p) for p in _routing_modules() if p.parent == ROUTING and p.name != "__init__.py"
    ]
    assert not loose, f"modules outside a subpackage: {loose}"
    found = {p.relative_to(ROUTING).parts[0] for p in _subpackage_modules()}
    assert found == set(MAY_IMPORT), f"subpackages {sorted(found)}, rules for {sorted(MAY_IMPORT)}"
    assert all((ROUTING / name / "__init__.py").is_file() for name in MAY_IMPORT)


@pytest.mark.parametrize("path", _subpackage_modules(), ids=_label)
def test_subpackage_imports_only_the_siblings_it_may(path: Path) -> None:
    subpackage = path.relative_to(ROUTING).parts[0]
    refused = _siblings_refused(subpackage, _imported_modules(path))
    may = ", ".join(f"routing.{name}" for name in sorted(MAY_IMPORT[subpackage]))
    assert not refused, (
        f"routing/{_label(path)} imports {refused}; routing.{subpackage} may import "
        f"{may or 'no other subpackage'}, and never the root package `routing`"
    )


def test_checker_sees_imports() -> None:
    source = (
        "import fastapi.routing\nfrom app.main import app\nfrom . import model\n"
        "def f():\n    import geopy\n"
    )
    assert _imports(source, "routing.route.sample") == {
        "fastapi.routing",
        "app.main",
        "app.main.app",
        "routing.route",
        "routing.route.model",
        "geopy",
    }


def test_checker_resolves_relative_imports() -> None:
    source = "from .model import Point\nfrom .. import days\nfrom ..territories.figures import f\n"
    names = _imports(source, "routing.route.solver")
    assert {
        "routing.route.model",
        "routing",
        "routing.days",
        "routing.territories.figures",
    } <= names
    assert _siblings_refused("route", names) == [
        "routing",
        "routing.days",
        "routing.territories.figures",
        "routing.territories.figures.f",
    ]
    # In a package's __init__, `.` is the package itself.
    assert _imports("from .planner import plan_rep_days\n", "routing.days", is_package=True) == {
        "routing.days.planner",
        "routing.days.planner.plan_rep_days",
    }


def test_rules_allow_own_package_and_listed_siblings_only() -> None:
    names = {"routing.days.value", "routing.route.model", "numpy"}
    assert _siblings_refused("days", names) == []
    assert _siblings_refused("territories", names) == ["routing.days.value"]
    assert _siblings_refused("route", {"routing.route.model", "routing"}) == ["routing"]
