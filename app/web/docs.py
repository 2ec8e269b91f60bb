"""The API docs (`/docs`, Swagger UI) and the OpenAPI document, for signed-in callers only, with
Swagger UI's files served from the installed `fastapi-offline` package instead of a CDN (the
default setup must work offline and must not leak its users' traffic)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from app.auth.dependencies import CurrentPrincipal
from app.web.page_routes import PageRoute, PageUser
from app.web.templating import render

ASSETS_URL = "/static/docs"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)
pages = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/openapi.json")
def openapi(request: Request, _: CurrentPrincipal) -> JSONResponse:
    """The OpenAPI document."""
    app: FastAPI = request.app
    return JSONResponse(app.openapi())


@pages.get("/docs")
def docs(_: PageUser) -> HTMLResponse:
    """Swagger UI; signs the browser in first when it is not. Our own page rather than
    FastAPI's `get_swagger_ui_html`, whose set-up script is inline (the CSP refuses it)."""
    return HTMLResponse(render("docs.html", assets=ASSETS_URL, openapi_url="/openapi.json"))


def install_docs(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    app.include_router(router)
    app.include_router(pages)
