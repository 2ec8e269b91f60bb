"""Static files for the pages, served by the app itself so nothing loads from a CDN: Leaflet
and jQuery from the `xstatic-*` packages, and the pages' own `static/` folder (CSS, JS)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import xstatic.pkg.jquery  # type: ignore[import-untyped]
import xstatic.pkg.leaflet  # type: ignore[import-untyped]
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web.maps import JQUERY_URL, LEAFLET_URL

STATIC_URL = "/static"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def install_static(app: FastAPI) -> None:
    """Mount Leaflet, jQuery and `static/`. Call after any other `/static/...` mount (the docs'
    assets): Starlette tries mounts in order, and `/static` would answer for its sub-paths."""
    app.mount(LEAFLET_URL, StaticFiles(directory=xstatic.pkg.leaflet.BASE_DIR), name="leaflet")
    app.mount(JQUERY_URL, StaticFiles(directory=xstatic.pkg.jquery.BASE_DIR), name="jquery")
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")


@cache
def static_version() -> str:
    """A fingerprint of the files under `static/`: it changes with any file's content, so a
    release that changes one reaches the phones' caches (see `rep-sw.js`). Read once per
    process: the files change only with a release, which restarts the process."""
    digest = hashlib.sha256(f"{xstatic.pkg.leaflet.VERSION} {xstatic.pkg.jquery.VERSION}".encode())
    for path in sorted(p for p in STATIC_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
