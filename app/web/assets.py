"""Static files for the pages, served by the app itself so nothing loads from a CDN: Leaflet
and jQuery from the `xstatic-*` packages, and the pages' own `static/` folder (CSS, JS)."""

from __future__ import annotations

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
