"""`app/geocoding/` stands alone: no web framework, no database, no settings object."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "app" / "geocoding"
FORBIDDEN_ROOTS = {"fastapi", "starlette", "sqlalchemy", "alembic", "pydantic", "pydantic_settings"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_geocoding_imports_only_itself_and_libraries(path: Path) -> None:
    bad = sorted(
        name
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN_ROOTS
        or (name.startswith("app") and not name.startswith("app.geocoding"))
    )
    assert not bad, f"app/geocoding/{path.name} imports {bad}"
