"""`routing/` is the domain core: it must not import the web, database or map layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imported import imported_modules

ROUTING = Path(__file__).resolve().parents[1] / "routing"
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


def _routing_modules() -> list[Path]:
    return sorted(ROUTING.rglob("*.py"))


def test_routing_package_exists() -> None:
    assert (ROUTING / "__init__.py").is_file()


@pytest.mark.parametrize("path", _routing_modules(), ids=lambda p: str(p.relative_to(ROUTING)))
def test_routing_imports_no_outer_layer(path: Path) -> None:
    offending = sorted(name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN)
    assert not offending, f"routing/{path.relative_to(ROUTING)} imports {offending}"


def test_checker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import fastapi.routing\nfrom app.main import app\nfrom . import model\n"
        "def f():\n    import geopy\n",
        encoding="utf-8",
    )
    assert imported_modules(sample) == {"fastapi.routing", "app.main", "geopy"}
