"""405 answers that list every method the path supports.

Starlette answers 405 with the methods of the first route whose path matched; a path served
by several routes (GET and PATCH of /accounts/{id} are two routes) then advertises only one of
them in `Allow`, which clients and contract tests read as the truth.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    scope = {**request.scope, "method": "GET"}
    methods: set[str] = set()
    for route in request.app.router.routes:
        if not isinstance(route, Route) or not route.methods:
            continue
        match, _ = route.matches({**scope, "method": next(iter(route.methods))})
        if match is Match.FULL:
            methods |= route.methods
    allow = ", ".join(sorted(methods)) if methods else (exc.headers or {}).get("Allow", "")
    return JSONResponse(
        status_code=405,
        content={"detail": f"{request.method} is not allowed here; allowed: {allow}"},
        headers={"Allow": allow},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(405, _method_not_allowed)
