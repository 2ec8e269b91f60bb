"""The API docs (`/docs`, Swagger UI) and the OpenAPI document, for signed-in callers only, with
Swagger UI's files served from the installed `fastapi-offline` package instead of a CDN (the
default setup must work offline and must not leak its users' traffic).

The document describes the errors the app really sends: every error is an `ErrorBody`
(app.core.http_errors), the 422 of a validation error included, where FastAPI would advertise its
own `HTTPValidationError`; and every operation lists the errors any route can answer (422 for
one with input, 401 and 429 behind a token, 400 and 413 for a body, 500 and 503).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from app.auth.dependencies import CurrentPrincipal
from app.core.http_errors import ERROR_DESCRIPTIONS, ErrorBody
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


ERROR_REF = "#/components/schemas/ErrorBody"
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _error_response(code: int) -> dict[str, Any]:
    return {
        "description": ERROR_DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (changed in place) with every operation's errors as the app sends them."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            answers = [500, 503]
            if operation.get("parameters") or operation.get("requestBody"):
                answers.append(422)
            if operation.get("requestBody"):
                answers += [400, 413]  # a body that cannot be parsed at all; too large
            if operation.get("security"):
                answers += [401, 429]  # failed sign-ins are rate-limited
            for answer in answers:
                responses.setdefault(str(answer), _error_response(answer))
            for status, response in responses.items():
                # JSON errors (FastAPI's HTTPValidationError among them) are ErrorBody; a page's
                # HTML error (sign-in) stays as its route documents it.
                content = response.get("content", {})
                if status.startswith(("4", "5")) and "application/json" in content:
                    content["application/json"] = {"schema": {"$ref": ERROR_REF}}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas.setdefault("ErrorBody", body)
    return document


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document_errors(FastAPI.openapi(app))  # FastAPI keeps the document it made
    assert app.openapi_schema is not None
    return app.openapi_schema


def install_docs(app: FastAPI) -> None:
    app.openapi = partial(_openapi, app)  # type: ignore[method-assign]
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    app.include_router(router)
    app.include_router(pages)
