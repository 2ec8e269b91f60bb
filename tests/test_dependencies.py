"""pyproject.toml declares what the code imports, and requirements/*.txt pin what it declares.

`make` installs the lock files with `pip install --no-deps -e .` after them, so a requirement
added to pyproject.toml without `make lock` would never be installed, and a module that only
arrives through another package would vanish the day that package stops pulling it in.
"""

from __future__ import annotations

import itertools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.imported import imported_modules

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
# Each lock file with the extras it covers, smallest first: each one extends the one before.
LOCKS = {"runtime.txt": (), "dev.txt": ("dev",), "bench.txt": ("dev", "bench")}
FIRST_PARTY = {"app", "routing", "tests", "bench"}
# The folders whose imports must be declared, with the extras installed where they run. bench/ is
# left out: `make test` does not install its extra, so its modules cannot be traced here.
SOURCES = {"app": (), "routing": (), "tests": ("dev",)}
# `name==version`, with `[extras]` in pyproject.toml and ` ; markers \` in a lock file.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    """The normalised form of a distribution name (PEP 503), as lock files spell it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(extras: tuple[str, ...]) -> dict[str, str]:
    """Name to version of each requirement pyproject.toml declares; all are pinned with ==."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    declared: dict[str, str] = {}
    for line in lines:
        match = PIN.match(line)
        assert match, f"pyproject.toml: {line!r} is not pinned with =="
        declared[_name(match[1])] = match[2]
    return declared


def _pins(lock: str) -> dict[str, set[str]]:
    """Package name to the versions pinned for it (more than one where markers split by Python)."""
    pins: dict[str, set[str]] = {}
    for line in (REQUIREMENTS / lock).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            pins.setdefault(_name(match[1]), set()).add(match[2])
    return pins


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_lock_pins_what_pyproject_declares(lock: str, extras: tuple[str, ...]) -> None:
    pins = _pins(lock)
    missing = [
        f"{name}=={version}"
        for name, version in _declared(extras).items()
        if pins.get(name) != {version}
    ]
    assert not missing, f"requirements/{lock} does not pin {missing}: run make lock"


def test_each_lock_keeps_the_versions_of_the_one_before() -> None:
    names = list(LOCKS)
    for smaller, larger in itertools.pairwise(names):
        small, large = _pins(smaller), _pins(larger)
        changed = {name: (versions, large.get(name)) for name, versions in small.items()}
        changed = {name: pair for name, pair in changed.items() if pair[0] != pair[1]}
        assert not changed, f"requirements/{larger} differs from {smaller}: {changed}"


def test_pins_are_read() -> None:
    pins = _pins("runtime.txt")
    assert pins["ortools"] == {"9.15.6755"}
    assert _declared(())["psycopg"] == "3.3.9"  # written psycopg[binary]==3.3.9
    assert "tzdata" in pins
    assert "pytest" not in pins


@pytest.mark.parametrize(("folder", "extras"), SOURCES.items())
def test_third_party_imports_are_declared(folder: str, extras: tuple[str, ...]) -> None:
    providers = packages_distributions()
    declared = set(_declared(extras))
    undeclared: dict[str, str] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in FIRST_PARTY or top in sys.stdlib_module_names:
                continue
            if not {_name(d) for d in providers.get(top, [])} & declared:
                undeclared.setdefault(top, str(path.relative_to(ROOT)))
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
